import r from 'rethinkdb';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { Link, LinkInput } from './link.js';

/** The `links` table: what the links API reads and writes. */
export class LinkStore {
  constructor(private readonly client: RethinkdbClient) {}

  private get table() {
    return r.db(this.client.db).table('links');
  }

  async list(): Promise<Link[]> {
    const rows = (await this.client.run(this.table.orderBy('code'))) as unknown as Link[];
    return rows;
  }

  async get(code: string): Promise<Link | null> {
    return (await this.client.run(this.table.get(code))) as unknown as Link | null;
  }

  /** Inserts a new link; false when the code is taken. */
  async create(code: string, input: LinkInput, now: string): Promise<boolean> {
    const result = await this.client.run(
      this.table.insert({ code, ...input, createdAt: now, updatedAt: now }),
    );
    return result.inserted === 1;
  }

  /** Creates or replaces a link, keeping its creation time. */
  async put(code: string, input: LinkInput, now: string): Promise<Link> {
    const existing = await this.get(code);
    const link: Link = { code, ...input, createdAt: existing?.createdAt ?? now, updatedAt: now };
    await this.client.run(this.table.get(code).replace(link as unknown as r.Expression<unknown>));
    return link;
  }

  /** False when there was no such link. */
  async delete(code: string): Promise<boolean> {
    const result = await this.client.run(this.table.get(code).delete());
    return result.deleted === 1;
  }
}
