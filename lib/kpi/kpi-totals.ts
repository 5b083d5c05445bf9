import type { RollupDoc } from './rollup-doc.js';

/** The KPIs of DESIGN.md for a set of rollups (a tile, a bucket, a table row). */
export interface KpiTotals {
  quotes: number;
  demands: number;
  duplicates: number;
  /** duplicates / quotes, or null without quotes. */
  duplicateRate: number | null;
  bookings: number;
  cancelledBookings: number;
  unquotedBookings: number;
  convertedDemands: number;
  /** convertedDemands / demands, or null without demands. */
  conversionRate: number | null;
  /** Revenue of confirmed bookings per currency, in currency units. */
  revenue: Record<string, number>;
  /** Mean pickup − earliest quotedAt per demand, in hours. */
  avgLeadTimeHours: number | null;
  /** Mean booking − earliest quotedAt per converted demand, in hours. */
  avgQuoteToBookingHours: number | null;
  events: number;
}

const HOUR_MS = 3_600_000;

/** Adds the counters of rollup documents; counters are integers, so the sum is exact. */
export function sumCounts(
  docs: Iterable<RollupDoc>,
  into: Record<string, number> = {},
): Record<string, number> {
  for (const doc of docs) {
    for (const [metric, value] of Object.entries(doc.counts)) into[metric] = (into[metric] ?? 0) + value;
  }
  return into;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

export function kpiTotals(counts: Record<string, number>): KpiTotals {
  const get = (metric: string) => counts[metric] ?? 0;
  const revenue: Record<string, number> = {};
  for (const [metric, value] of Object.entries(counts)) {
    if (metric.startsWith('revenueCents:') && value !== 0)
      revenue[metric.slice('revenueCents:'.length)] = value / 100;
  }
  const quotes = get('quotes');
  const demands = get('demands');
  const leadTimeHours = ratio(get('leadTimeMsSum'), get('leadTimeCount'));
  const quoteToBookingHours = ratio(get('quoteToBookingMsSum'), get('quoteToBookingCount'));
  return {
    quotes,
    demands,
    duplicates: quotes - demands,
    duplicateRate: ratio(quotes - demands, quotes),
    bookings: get('bookings'),
    cancelledBookings: get('cancelledBookings'),
    unquotedBookings: get('unquotedBookings'),
    convertedDemands: get('convertedDemands'),
    conversionRate: ratio(get('convertedDemands'), demands),
    revenue,
    avgLeadTimeHours: leadTimeHours === null ? null : leadTimeHours / HOUR_MS,
    avgQuoteToBookingHours: quoteToBookingHours === null ? null : quoteToBookingHours / HOUR_MS,
    events: get('events'),
  };
}
