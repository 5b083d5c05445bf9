import r from 'rethinkdb';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { HealthSample } from './pipeline-health.js';

/** One card's newest sample of one minute, as stored in `pipeline_history`. */
export interface HistoryDoc extends HealthSample {
  /** `<card id>@<minute, ISO-8601 UTC>`: every dashboard writes the same document for a minute. */
  id: string;
  card: string;
  /** Processors: the committed offsets summed over the group, to derive the rate after a restart. */
  position?: number;
}

const MINUTE_MS = 60_000;
const MINVAL = (r as unknown as { minval: unknown }).minval;
const MAXVAL = (r as unknown as { maxval: unknown }).maxval;

/** A stored or given document inside a conflict function. */
interface DocTerm {
  (field: string): DocTerm;
  gt(other: DocTerm): r.Expression<boolean>;
}

function keepNewer(_id: unknown, stored: DocTerm, given: DocTerm): unknown {
  return r.branch(given('at').gt(stored('at')), given as never, stored as never);
}

/** The document a sample is kept in: the card's, for the minute the sample was taken in. */
export function historyDoc(card: string, sample: HealthSample, position?: number): HistoryDoc {
  const minute = new Date(Math.floor(sample.at / MINUTE_MS) * MINUTE_MS).toISOString();
  return { id: `${card}@${minute}`, card, ...sample, ...(position === undefined ? {} : { position }) };
}

/**
 * The health charts' samples in RethinkDB. Several dashboards write the same minute's document:
 * the newer sample wins whatever the order the writes arrive in, so they converge.
 */
export class HistoryStore {
  constructor(private readonly db: RethinkdbClient) {}

  private table() {
    return r.db(this.db.db).table('pipeline_history');
  }

  async save(docs: HistoryDoc[]): Promise<void> {
    if (docs.length === 0) return;
    await this.db.run(
      this.table().insert(docs, {
        // A conflict function (RethinkDB 2.3+; the driver's types know only the names).
        conflict: keepNewer as unknown as 'replace',
      }),
    );
  }

  /** The samples taken at or after `from`, oldest first. */
  async since(from: number): Promise<HistoryDoc[]> {
    return (await this.db.run(
      this.table().between(from, MAXVAL, { index: 'at' }).orderBy({ index: 'at' }).coerceTo('array'),
    )) as HistoryDoc[];
  }

  /** Deletes the samples taken before `before`. */
  async prune(before: number): Promise<void> {
    await this.db.run(this.table().between(MINVAL, before, { index: 'at' }).delete());
  }
}
