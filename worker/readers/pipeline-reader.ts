import r from 'rethinkdb';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';

/** Every pipeline_status document (one per component: a small table). */
export async function readPipelineStatus(db: RethinkdbClient): Promise<Record<string, unknown>[]> {
  const cursor = await db.run(r.db(db.db).table('pipeline_status'));
  const docs: Record<string, unknown>[] = [];
  for await (const doc of cursorRows<Record<string, unknown>>(cursor)) docs.push(doc);
  return docs;
}
