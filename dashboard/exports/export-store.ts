import r from 'rethinkdb';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { ExportDoc } from './export-doc.js';

const MINVAL = (r as unknown as { minval: unknown }).minval;
const MAXVAL = (r as unknown as { maxval: unknown }).maxval;

/** Background exports in RethinkDB (table `exports`): written by the dashboard and the worker. */
export class ExportStore {
  constructor(private readonly db: RethinkdbClient) {}

  private get table() {
    return r.db(this.db.db).table('exports');
  }

  async insert(doc: ExportDoc): Promise<void> {
    await this.db.run(this.table.insert(doc, { conflict: 'error' }));
  }

  async get(id: string): Promise<ExportDoc | undefined> {
    if (id === '' || Buffer.byteLength(id) > 127) return undefined;
    return (await this.db.run(this.table.get<ExportDoc>(id))) ?? undefined;
  }

  async update(id: string, change: Partial<ExportDoc>): Promise<void> {
    await this.db.run(this.table.get(id).update({ ...change }));
  }

  /** One user's exports, newest first. */
  async ofOwner(owner: string, limit: number): Promise<ExportDoc[]> {
    const cursor = await this.db.run(
      this.table
        .between([owner, MINVAL], [owner, MAXVAL], { index: 'owner_createdAt' })
        .orderBy({ index: r.desc('owner_createdAt') })
        .limit(limit),
    );
    const docs: ExportDoc[] = [];
    for await (const doc of cursorRows<ExportDoc>(cursor)) docs.push(doc);
    return docs;
  }

  /** Done exports whose file expired at `now`. */
  async expired(now: Date): Promise<ExportDoc[]> {
    const cursor = await this.db.run(
      this.table.between(MINVAL, now.toISOString(), { index: 'expiresAt' }).filter({ state: 'done' }),
    );
    const docs: ExportDoc[] = [];
    for await (const doc of cursorRows<ExportDoc>(cursor)) docs.push(doc);
    return docs;
  }
}
