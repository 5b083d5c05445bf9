/**
 * The web funnel's arithmetic (pure): visits → quotes → demands → bookings, from what the reader
 * gathered (dashboard/funnel/funnel-reader.ts). The definitions are dashboard/README.md's
 * "Web funnel"; every step is a set, so a visitor, quote, demand or booking found twice (by a
 * reference and by an identity, or by two events) counts once.
 */

export type FunnelGroupBy = 'campaign' | 'source' | 'station';

export interface FunnelFilter {
  campaign?: string;
  source?: string;
  station?: string;
}

/** A quote as the funnel sees it: the dimensions it is grouped by and the demand it belongs to. */
export interface FunnelQuote {
  source: string;
  station: string;
  clusterId: string;
}

export interface FunnelInput {
  /** Every visitor (anonymousId) with a visit in the period → its campaign (the first visit's). */
  visitors: ReadonlyMap<string, string>;
  /** Visitor → the ids of the quotes its events or its identities link. */
  links: ReadonlyMap<string, ReadonlySet<string>>;
  /** The linked quotes, by id (a quote deleted since is absent, and so not counted). */
  quotes: ReadonlyMap<string, FunnelQuote>;
  /** Demand (cluster id) → the ids of its confirmed bookings. */
  bookings: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface FunnelRow {
  /** The campaign, source or station of the row; null for the whole period. */
  group: string | null;
  /** Distinct visitors with a visit in the period. */
  visits: number;
  /** Visitors among them linked to at least one quote (the funnel's second step). */
  quotes: number;
  /** The distinct quotes they are linked to. */
  linkedQuotes: number;
  /** Distinct demands those quotes belong to. */
  demands: number;
  /** Confirmed bookings of those demands. */
  bookings: number;
}

interface Tally {
  visitors: Set<string>;
  quoting: Set<string>;
  quotes: Set<string>;
  demands: Set<string>;
}

const tally = (): Tally => ({
  visitors: new Set(),
  quoting: new Set(),
  quotes: new Set(),
  demands: new Set(),
});

function keyOf(groupBy: FunnelGroupBy, campaign: string, quote: FunnelQuote): string {
  if (groupBy === 'campaign') return campaign;
  return groupBy === 'source' ? quote.source : quote.station;
}

/**
 * The funnel of the whole period (`total`) and, with `groupBy`, one row per group, largest first.
 * Grouped by campaign, the rows split the visitors. Grouped by source or station — dimensions of
 * quotes, which a visit before its quote does not have — a visitor counts in the row of each
 * source (station) it quoted at, and every row's `visits` is all the period's visitors: "of
 * all visits, how many quoted at this broker". Rows then need not add up to the total.
 */
export function countFunnel(
  input: FunnelInput,
  filter: FunnelFilter = {},
  groupBy?: FunnelGroupBy,
): { total: FunnelRow; rows: FunnelRow[] } {
  const total = tally();
  const groups = new Map<string, Tally>();
  const groupOf = (key: string) => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = tally()));
    return group;
  };
  for (const [visitor, campaign] of input.visitors) {
    if (filter.campaign !== undefined && campaign !== filter.campaign) continue;
    total.visitors.add(visitor);
    if (groupBy === 'campaign') groupOf(campaign).visitors.add(visitor);
    for (const quoteId of input.links.get(visitor) ?? []) {
      const quote = input.quotes.get(quoteId);
      if (!quote) continue;
      if (filter.source !== undefined && quote.source !== filter.source) continue;
      if (filter.station !== undefined && quote.station !== filter.station) continue;
      const into = groupBy === undefined ? [total] : [total, groupOf(keyOf(groupBy, campaign, quote))];
      for (const counts of into) {
        counts.quoting.add(visitor);
        counts.quotes.add(quoteId);
        counts.demands.add(quote.clusterId);
      }
    }
  }
  const row = (group: string | null, counts: Tally, visits: number): FunnelRow => {
    const bookings = new Set<string>();
    for (const demand of counts.demands) for (const id of input.bookings.get(demand) ?? []) bookings.add(id);
    return {
      group,
      visits,
      quotes: counts.quoting.size,
      linkedQuotes: counts.quotes.size,
      demands: counts.demands.size,
      bookings: bookings.size,
    };
  };
  const rows = [...groups]
    .map(([group, counts]) =>
      row(group, counts, groupBy === 'campaign' ? counts.visitors.size : total.visitors.size),
    )
    .sort(
      (a, b) => b.quotes - a.quotes || b.visits - a.visits || (a.group ?? '').localeCompare(b.group ?? ''),
    );
  return { total: row(null, total, total.visitors.size), rows };
}

/** A step's share of the step before it (null when that step is 0). */
export function stepRate(step: number, previous: number): number | null {
  return previous === 0 ? null : step / previous;
}
