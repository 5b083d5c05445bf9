import { Router } from 'express';
import r from 'rethinkdb';
import { z } from 'zod';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { ValidationIssue } from '../../lib/validation/issues.js';
import { formatIssues, toValidationIssues, valueFreeErrorMap } from '../../lib/validation/issues.js';
import type { ClusterDoc, QuoteDoc } from '../../processor/store/documents.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { parseDemandSearch } from '../queries/demand-search.js';
import { demandIdsByCustomerIndex } from '../queries/demand-search-index.js';
import { scanQuotes } from '../queries/demand-search-scan.js';
import type { RecordFilter } from '../queries/record-filter.js';
import { parseRecordFilter } from '../queries/record-filter.js';
import { localDatesToInstants } from '../queries/local-dates.js';
import { TOTAL_CAP } from './records-routes.js';
import { recordsInPeriod } from '../queries/records-query.js';
import { RATES, rateCounts } from '../queries/rate-counts.js';

const demandOnly = z.strictObject({
  converted: z.enum(['yes', 'no']).optional(),
  minSize: z.coerce.number().int().min(1).max(100_000).optional(),
  maxSize: z.coerce.number().int().min(1).max(100_000).optional(),
  q: z.string().max(200).optional(),
  // Opened from a rate cell of Explore: also count that rate's numerator and denominator.
  rate: z.enum(RATES).optional(),
});
type DemandOnly = z.output<typeof demandOnly>;
const DEMAND_KEYS = new Set(['converted', 'minSize', 'maxSize', 'q', 'rate']);

export interface DemandsRoutesOptions {
  db: RethinkdbClient;
  zone: string;
  /** The processor's rules: a search normalises what is typed as they normalise customers. */
  rules: ResolutionRules;
}

function keeps(cluster: ClusterDoc, filter: RecordFilter, only: DemandOnly): boolean {
  return (
    (filter.source === undefined || cluster.source === filter.source) &&
    (filter.station === undefined || cluster.pickupStation === filter.station) &&
    (filter.carGroup === undefined || cluster.carGroup === filter.carGroup) &&
    (filter.channel === undefined || cluster.channel === filter.channel) &&
    (only.converted === undefined || cluster.converted === (only.converted === 'yes')) &&
    (only.minSize === undefined || cluster.size >= only.minSize) &&
    (only.maxSize === undefined || cluster.size <= only.maxSize)
  );
}

/**
 * `GET /api/v1/demands`: the demands of a period (by their first quote) with filters — source,
 * station, car group, channel, converted or not, size — and a search by customer email, phone,
 * name or broker reference (`q`), each with its customer as the first quote names it.
 *
 * Without `q` the listing is a query on the clusters' time index. With `q`, an email or phone is
 * looked up in the quotes' customer indexes; a name or reference is searched by reading the quotes
 * of the period (scanQuotes); then the demands they belong to that pass the filters are kept.
 */
export function demandsRoutes({ db, zone, rules }: DemandsRoutesOptions): Router {
  const router = Router();
  const table = (name: string) => r.db(db.db).table(name);

  router.get('/demands', async (req, res) => {
    const query = localDatesToInstants(req.query, zone);
    const base = Object.fromEntries(Object.entries(query).filter(([key]) => !DEMAND_KEYS.has(key)));
    const extra = Object.fromEntries(Object.entries(query).filter(([key]) => DEMAND_KEYS.has(key)));
    const parsed = parseRecordFilter(base);
    const parsedExtra = demandOnly.safeParse(extra, { error: valueFreeErrorMap });
    const issues: ValidationIssue[] = [
      ...(parsed.ok ? [] : parsed.issues),
      ...(parsedExtra.success ? [] : toValidationIssues(parsedExtra.error)),
    ];
    if (
      parsedExtra.success &&
      parsedExtra.data.minSize !== undefined &&
      parsedExtra.data.maxSize !== undefined &&
      parsedExtra.data.minSize > parsedExtra.data.maxSize
    )
      issues.push({ path: 'maxSize', message: 'must be at least minSize' });
    if (!parsed.ok || !parsedExtra.success || issues.length > 0) {
      res.status(400).json({ error: 'bad_request', message: formatIssues(issues), issues });
      return;
    }
    const { filter } = parsed;
    const only = parsedExtra.data;
    const search = parseDemandSearch(only.q ?? '', rules.phoneDefaultCountryCode);

    let page: ClusterDoc[];
    let total: number;
    let partial = false;
    if (search === undefined) {
      let clusters = recordsInPeriod(db.db, 'clusters', filter);
      if (only.converted !== undefined)
        clusters = clusters.filter(r.row('converted').eq(only.converted === 'yes'));
      if (only.minSize !== undefined) clusters = clusters.filter(r.row('size').ge(only.minSize));
      if (only.maxSize !== undefined) clusters = clusters.filter(r.row('size').le(only.maxSize));
      [page, total] = (await db.run(
        r.expr([
          clusters.skip(filter.offset).limit(filter.limit).coerceTo('array'),
          clusters.limit(TOTAL_CAP + 1).count(),
        ]),
      )) as [ClusterDoc[], number];
    } else {
      // Emails and phones through the processor's customer indexes; names and references scan.
      const indexed = await demandIdsByCustomerIndex(db, search, filter);
      const scan = indexed === null ? await scanQuotes(db, filter, search, rules) : undefined;
      const ids = indexed ?? scan?.ids ?? new Set<string>();
      partial = scan?.partial ?? false;
      const found =
        ids.size === 0
          ? []
          : ((await db.run(
              table('clusters')
                .getAll(...ids)
                .coerceTo('array'),
            )) as ClusterDoc[]);
      const kept = found
        .filter((cluster) => keeps(cluster, filter, only))
        .sort((a, b) =>
          a.firstQuotedAt === b.firstQuotedAt
            ? a.id < b.id
              ? -1
              : 1
            : a.firstQuotedAt < b.firstQuotedAt
              ? -1
              : 1,
        );
      total = kept.length;
      page = kept.slice(filter.offset, filter.offset + filter.limit);
    }

    // A cluster's id is the id of its earliest quote: the customer as that quote names it.
    const firsts =
      page.length === 0
        ? []
        : ((await db.run(
            table('quotes')
              .getAll(...page.map((cluster) => cluster.id))
              .pluck('id', 'customer', 'brokerQuoteRef')
              .coerceTo('array'),
          )) as Pick<QuoteDoc, 'id' | 'customer' | 'brokerQuoteRef'>[]);
    const firstById = new Map(firsts.map((quote) => [quote.id, quote]));
    // The rate's counts take the period and dimension filters only, as the explore cell does.
    const rate = only.rate === undefined ? null : await rateCounts(db, only.rate, filter);
    res.json({
      items: page.map((cluster) => ({
        id: cluster.id,
        firstQuotedAt: cluster.firstQuotedAt,
        source: cluster.source,
        pickupStation: cluster.pickupStation,
        dropoffStation: cluster.dropoffStation,
        carGroup: cluster.carGroup,
        channel: cluster.channel,
        size: cluster.size,
        converted: cluster.converted,
        convertedAt: cluster.convertedAt,
        leadTimeMs: cluster.leadTimeMs,
        customer: firstById.get(cluster.id)?.customer ?? null,
        brokerQuoteRef: firstById.get(cluster.id)?.brokerQuoteRef ?? null,
      })),
      offset: filter.offset,
      limit: filter.limit,
      // Counted up to a cap, as records pages are.
      total: Math.min(total, TOTAL_CAP),
      totalCapped: total > TOTAL_CAP,
      nextOffset: filter.offset + page.length < total ? filter.offset + filter.limit : null,
      // A search that stopped early (too many quotes read, or too many demands found): narrow it.
      partial,
      search: search?.by ?? null,
      rate,
    });
  });

  return router;
}
