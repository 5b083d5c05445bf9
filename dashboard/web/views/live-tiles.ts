import { formatCount, formatRate, formatRevenue } from '../format.js';

/** The KPIs of a period as the live snapshot carries them. */
export interface Totals {
  quotes: number;
  demands: number;
  duplicateRate: number | null;
  bookings: number;
  conversionRate: number | null;
  revenue: Record<string, number>;
  unquotedBookings: number;
  avgLeadTimeHours: number | null;
}

export interface Tile {
  key: string;
  label: string;
  show: (totals: Totals) => string;
  /** The figure compared and drawn; null where it is undefined (a rate without a denominator). */
  value: (totals: Totals) => number | null;
  /** Rates compare in percentage points, counts in per cent. */
  kind: 'count' | 'rate';
}

/** Revenue compared as one number only when there is one currency. */
function revenueValue(totals: Totals): number | null {
  const amounts = Object.values(totals.revenue);
  return amounts.length <= 1 ? (amounts[0] ?? 0) : null;
}

export const TILES: Tile[] = [
  {
    key: 'quotes',
    label: 'Quotes',
    show: (t) => formatCount(t.quotes),
    value: (t) => t.quotes,
    kind: 'count',
  },
  {
    key: 'demands',
    label: 'Demands',
    show: (t) => formatCount(t.demands),
    value: (t) => t.demands,
    kind: 'count',
  },
  {
    key: 'duplicateRate',
    label: 'Duplicate rate',
    show: (t) => formatRate(t.duplicateRate),
    value: (t) => t.duplicateRate,
    kind: 'rate',
  },
  {
    key: 'bookings',
    label: 'Bookings',
    show: (t) => formatCount(t.bookings),
    value: (t) => t.bookings,
    kind: 'count',
  },
  {
    key: 'conversionRate',
    label: 'Conversion',
    show: (t) => formatRate(t.conversionRate),
    value: (t) => t.conversionRate,
    kind: 'rate',
  },
  {
    key: 'revenue',
    label: 'Revenue',
    show: (t) => formatRevenue(t.revenue),
    value: revenueValue,
    kind: 'count',
  },
  {
    key: 'unquotedBookings',
    label: 'Unquoted bookings',
    show: (t) => formatCount(t.unquotedBookings),
    value: (t) => t.unquotedBookings,
    kind: 'count',
  },
];

/**
 * "▲ 12 % vs yesterday (34)": the change of a figure against a comparison. Counts change in per
 * cent of the earlier figure, rates in percentage points; nothing to compare with says so.
 */
export function comparisonText(tile: Tile, now: Totals, before: Totals, label: string): string {
  const a = tile.value(now);
  const b = tile.value(before);
  if (a === null || b === null) return `– vs ${label}`;
  if (tile.kind === 'rate') {
    const points = (a - b) * 100;
    const arrow = points > 0.05 ? '▲' : points < -0.05 ? '▼' : '=';
    return `${arrow} ${Math.abs(points).toFixed(1)} pt vs ${label} (${formatRate(b)})`;
  }
  const shown = tile.key === 'revenue' ? formatRevenue(before.revenue) : formatCount(b);
  if (b === 0) return a === 0 ? `= vs ${label} (0)` : `▲ new vs ${label} (0)`;
  const percent = ((a - b) / b) * 100;
  const arrow = percent > 0.5 ? '▲' : percent < -0.5 ? '▼' : '=';
  return `${arrow} ${formatCount(Math.abs(percent))} % vs ${label} (${shown})`;
}
