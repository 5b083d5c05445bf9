/**
 * How the app writes numbers and times. Every time is shown as the wall clock of the KPI time
 * zone (`zone` from /api/v1/me), the zone in which filters and exports read dates: "quotes from
 * 2026-06-01" then starts on 1 June in the table too, not on 31 May as a UTC string would.
 */
const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

let zone = 'UTC';

/** Set once at start from /api/v1/me. */
export function setZone(kpiZone: string): void {
  zone = kpiZone;
}

export function kpiZone(): string {
  return zone;
}

export function formatCount(value: number): string {
  return integer.format(value);
}

export function formatRate(value: number | null): string {
  return value === null ? '–' : `${oneDecimal.format(value * 100)} %`;
}

/**
 * A duration given in hours, in the unit an analyst reads it in: minutes under an hour, hours
 * under two days, days beyond ("60.3 days", not "1,448.2 h").
 */
export function formatDuration(hours: number | null): string {
  if (hours === null) return '–';
  if (Math.abs(hours) < 1) return `${integer.format(hours * 60)} min`;
  if (Math.abs(hours) < 48) return `${oneDecimal.format(hours)} h`;
  return `${oneDecimal.format(hours / 24)} days`;
}

export function formatRevenue(revenue: Record<string, number>): string {
  const parts = Object.entries(revenue).map(([currency, amount]) =>
    new Intl.NumberFormat('en-GB', { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount),
  );
  return parts.length === 0 ? '0' : parts.join(' + ');
}

export function formatMoney(amount: number, currency: string | undefined): string {
  if (currency === undefined || !/^[A-Z]{3}$/.test(currency)) return oneDecimal.format(amount);
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(amount);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${zone}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat('en-GB', { timeZone: zone, ...options });
    formatters.set(key, found);
  }
  return found;
}

function asDate(value: string | number | Date): Date | undefined {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "1 Jun 2026, 00:00" in the KPI zone; what is not a time is shown as it is. */
export function formatTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const date = asDate(value);
  if (!date) return String(value);
  return formatter({
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

/** "14:05" in the KPI zone. */
export function formatClock(value: string | number | Date): string {
  const date = asDate(value);
  return date ? formatter({ hour: '2-digit', minute: '2-digit' }).format(date) : String(value);
}

/** "Mon 1 Jun, 14:00" in the KPI zone: chart ticks over days. */
export function formatDayHour(value: string | number | Date): string {
  const date = asDate(value);
  return date
    ? formatter({
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
      }).format(date)
    : String(value);
}

/** The local date (YYYY-MM-DD) in the KPI zone, `offsetDays` from now: what date inputs hold. */
export function localDate(offsetDays = 0, now = Date.now()): string {
  const parts = formatter({ year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    new Date(now + offsetDays * 86_400_000),
  );
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** "how long ago", for status lines: "12 s ago", "4 min ago", then the time. */
export function formatAgo(value: string | null | undefined, now = Date.now()): string {
  if (value === null || value === undefined) return 'never';
  const date = asDate(value);
  if (!date) return value;
  const seconds = Math.round((now - date.getTime()) / 1000);
  if (seconds < 60) return `${Math.max(seconds, 0)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return formatTime(date);
}

/**
 * A period bound from the URL as a date input can hold it: a plain date as it is, an instant at
 * local midnight in the KPI zone as that date (a drill-down carries its bucket's start as an
 * instant), anything else (an hour bucket's start) undefined: a date input would drop it.
 */
export function asLocalDate(value: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const date = asDate(value);
  if (!date) return undefined;
  const parts = formatter({
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  if (
    get('hour') !== '00' ||
    get('minute') !== '00' ||
    get('second') !== '00' ||
    date.getMilliseconds() !== 0
  )
    return undefined;
  return `${get('year')}-${get('month')}-${get('day')}`;
}
