import r from 'rethinkdb';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { SourceActivity } from '../checks/freshness-check.js';

/**
 * The newest quote (or booking) of each source since `since`, read through the quotedAt /
 * bookedAt index from `since` on, so the cost is bounded by the window, not by the table
 * (timestamps are stored as ISO-8601 UTC text, which orders like time).
 */
const LATEST = '9999-12-31T23:59:59.999Z';

export async function readSourceActivity(
  db: RethinkdbClient,
  sources: readonly { name: string; kind: 'quotes' | 'bookings' }[],
  since: Date,
): Promise<SourceActivity[]> {
  return Promise.all(
    sources.map(async ({ name, kind }) => {
      const field = kind === 'quotes' ? 'quotedAt' : 'bookedAt';
      const cursor = await db.run(
        r
          .db(db.db)
          .table(kind)
          .between(since.toISOString(), LATEST, { index: field })
          .filter({ source: name })
          .pluck(field),
      );
      let newest: string | null = null;
      for await (const row of cursorRows<Record<string, string>>(cursor)) {
        const at = row[field];
        if (at !== undefined && (newest === null || at > newest)) newest = at;
      }
      return { source: name, kind, newestAt: newest };
    }),
  );
}
