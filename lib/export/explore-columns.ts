import type { ExploreRow } from '../kpi/explore.js';
import type { ExportColumn } from './export-column.js';

/** The columns of an explore table export: the bucket, the group, every KPI, revenue per currency. */
export function exploreColumns(
  rows: readonly ExploreRow[],
  zone: string,
  groupBy: string | undefined,
): ExportColumn<ExploreRow>[] {
  const currencies = [...new Set(rows.flatMap((row) => Object.keys(row.totals.revenue)))].sort();
  const number = (header: string, value: (row: ExploreRow) => number | null): ExportColumn<ExploreRow> => ({
    header,
    type: 'number',
    value,
  });
  return [
    { header: 'period', type: 'text', value: (row) => row.label },
    { header: `start (${zone})`, type: 'datetime', value: (row) => new Date(row.start) },
    ...(groupBy === undefined
      ? []
      : [{ header: groupBy, type: 'text' as const, value: (row: ExploreRow) => row.group }]),
    number('quotes', (row) => row.totals.quotes),
    number('demands', (row) => row.totals.demands),
    number('duplicates', (row) => row.totals.duplicates),
    number('duplicateRate', (row) => row.totals.duplicateRate),
    number('bookings', (row) => row.totals.bookings),
    number('cancelledBookings', (row) => row.totals.cancelledBookings),
    number('unquotedBookings', (row) => row.totals.unquotedBookings),
    number('convertedDemands', (row) => row.totals.convertedDemands),
    number('conversionRate', (row) => row.totals.conversionRate),
    ...currencies.map((currency) =>
      number(`revenue ${currency}`, (row) => row.totals.revenue[currency] ?? 0),
    ),
    number('avgLeadTimeHours', (row) => row.totals.avgLeadTimeHours),
    number('avgQuoteToBookingHours', (row) => row.totals.avgQuoteToBookingHours),
    number('events', (row) => row.totals.events),
    number('uniqueVisitors', (row) => row.uniqueVisitors ?? null),
  ];
}
