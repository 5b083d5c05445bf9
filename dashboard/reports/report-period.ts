import { localDate, localMidnight, monthStart, weekStart } from '../../lib/time/zoned-time.js';
import type { ReportPeriod } from './report-definition.js';

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function previousMonth(first: string): string {
  const [year = 0, month = 1] = first.split('-').map(Number);
  return month === 1 ? `${year - 1}-12-01` : `${year}-${String(month - 1).padStart(2, '0')}-01`;
}

/**
 * The period a run at `runAt` covers, as instants [from, to), from local days of `zone` (so a
 * day of a summer-time change lasts 23 or 25 hours) and `label`, the local dates for file names.
 * Weeks start on Monday, as in explore.
 */
export function reportPeriod(
  period: ReportPeriod,
  runAt: Date,
  zone: string,
): { from: string; to: string; label: string } {
  const today = localDate(runAt, zone);
  const days = (from: string, to: string) => ({
    from: localMidnight(from, zone).toISOString(),
    to: localMidnight(to, zone).toISOString(),
    label: addDays(to, -1) === from ? from : `${from}_${addDays(to, -1)}`,
  });
  const untilNow = (from: string) => ({
    from: localMidnight(from, zone).toISOString(),
    to: runAt.toISOString(),
    label: from === today ? today : `${from}_${today}`,
  });
  switch (period) {
    case 'today':
      return untilNow(today);
    case 'yesterday':
      return days(addDays(today, -1), today);
    case 'last7Days':
      return days(addDays(today, -7), today);
    case 'thisWeek':
      return untilNow(weekStart(today));
    case 'lastWeek': {
      const monday = weekStart(today);
      return days(addDays(monday, -7), monday);
    }
    case 'last30Days':
      return days(addDays(today, -30), today);
    case 'thisMonth':
      return untilNow(monthStart(today));
    case 'lastMonth': {
      const first = monthStart(today);
      return days(previousMonth(first), first);
    }
  }
}
