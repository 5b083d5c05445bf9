import r from 'rethinkdb';
import { cursorRows } from '../rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../rethinkdb/rethinkdb-client.js';
import type { AlertDoc, AlertEvent, CheckName } from './alert.js';

/** The slice of ReQL a conditional replace needs, which @types/rethinkdb does not express. */
interface RevisionRow {
  (field: 'revision'): { default(value: number): { eq(value: number): unknown } };
}
interface ConditionalReplace {
  get(id: string): {
    replace(
      change: (row: RevisionRow) => unknown,
      options: { returnChanges: false },
    ): r.Operation<r.WriteResult>;
  };
}
const reql = r as unknown as { branch(test: unknown, then: unknown, otherwise: unknown): unknown };

/** The slice of ReQL the outbox needs: an update computed from the row. */
interface OutboxRow {
  (field: 'outbox'): {
    default(value: never[]): {
      filter(keep: (entry: (field: 'revision') => { ne(value: number): unknown }) => unknown): unknown;
      count(): { gt(value: number): unknown };
    };
  };
}
interface OutboxTable {
  get(id: string): { update(change: (row: OutboxRow) => unknown): r.Operation<r.WriteResult> };
  filter(test: (row: OutboxRow) => unknown): r.Sequence;
}

/**
 * Alerts and their history in RethinkDB (tables `alerts` and `alert_events`). Every write of an
 * alert names the revision it was computed from and succeeds only if the stored one still has it,
 * so two workers evaluating the same check at once cannot both decide to notify.
 */
export class AlertStore {
  constructor(private readonly db: RethinkdbClient) {}

  private get alerts() {
    return r.db(this.db.db).table('alerts');
  }

  private get events() {
    return r.db(this.db.db).table('alert_events');
  }

  async get(id: string): Promise<AlertDoc | undefined> {
    return (await this.db.run(this.alerts.get<AlertDoc>(id))) ?? undefined;
  }

  /** Every alert of one check (a check has one alert per subject). */
  async ofCheck(check: CheckName): Promise<AlertDoc[]> {
    const cursor = await this.db.run(this.alerts.getAll(check, { index: 'check' }));
    const docs: AlertDoc[] = [];
    for await (const doc of cursorRows<AlertDoc>(cursor)) docs.push(doc);
    return docs;
  }

  /** Every alert, firing ones first, then by id. */
  async list(): Promise<AlertDoc[]> {
    const cursor = await this.db.run(this.alerts);
    const docs: AlertDoc[] = [];
    for await (const doc of cursorRows<AlertDoc>(cursor)) docs.push(doc);
    const rank = (doc: AlertDoc) => (doc.state === 'firing' ? 0 : doc.state === 'resolved' ? 1 : 2);
    return docs.sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Stores `next` if the stored alert is still at `next.revision - 1` (absent for revision 1).
   * False: another writer got there first, and `next` must be dropped.
   */
  async writeIfUnchanged(next: AlertDoc): Promise<boolean> {
    if (next.revision === 1) {
      const result = await this.db.run(this.alerts.insert(next, { conflict: 'error' }));
      return result.inserted === 1;
    }
    const table = this.alerts as unknown as ConditionalReplace;
    const expected = next.revision - 1;
    const result = await this.db.run(
      table.get(next.id).replace((row) => reql.branch(row('revision').default(0).eq(expected), next, row), {
        returnChanges: false,
      }),
    );
    return result.replaced === 1;
  }

  /**
   * Removes the outbox entry of `revision` once its deliveries are queued. Not a revision of its
   * own: it changes no state, and a concurrent writer that still carries the entry only makes the
   * sweeper queue it again under the same job ids (a repeat, never a loss).
   */
  async clearOutbox(id: string, revision: number): Promise<void> {
    const table = this.alerts as unknown as OutboxTable;
    await this.db.run(
      table.get(id).update((row) => ({
        outbox: row('outbox')
          .default([])
          .filter((entry) => entry('revision').ne(revision)),
      })),
    );
  }

  /** The alerts with notifications still waiting in their outbox. */
  async withOutbox(): Promise<AlertDoc[]> {
    const table = this.alerts as unknown as OutboxTable;
    const cursor = await this.db.run(table.filter((row) => row('outbox').default([]).count().gt(0)));
    const docs: AlertDoc[] = [];
    for await (const doc of cursorRows<AlertDoc>(cursor)) docs.push(doc);
    return docs;
  }

  async addEvents(events: readonly AlertEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.run(this.events.insert(events.map((event) => ({ ...event }))));
  }

  /** The newest history entries first; of one alert when `alertId` is given. */
  async history(options: { limit: number; alertId?: string | undefined }): Promise<AlertEvent[]> {
    const query =
      options.alertId === undefined
        ? this.events.orderBy({ index: r.desc('at') }).limit(options.limit)
        : this.events
            .getAll(options.alertId, { index: 'alertId' })
            .orderBy(r.desc('at'))
            .limit(options.limit);
    const cursor = await this.db.run(query);
    const events: AlertEvent[] = [];
    for await (const event of cursorRows<AlertEvent>(cursor)) events.push(event);
    return events;
  }

  /**
   * Silences an alert until `until` (null lifts the silence), as a revision like any other write,
   * retried when a worker wrote the alert in between. Undefined when there is no such alert.
   */
  async silence(id: string, until: Date | null, by: string, now: Date): Promise<AlertDoc | undefined> {
    for (;;) {
      const current = await this.get(id);
      if (!current) return undefined;
      const next: AlertDoc = {
        ...current,
        silencedUntil: until === null ? null : until.toISOString(),
        silencedBy: until === null ? null : by,
        revision: current.revision + 1,
      };
      if (await this.writeIfUnchanged(next)) {
        await this.addEvents([
          {
            alertId: id,
            check: current.check,
            subject: current.subject,
            type: until === null ? 'unsilenced' : 'silenced',
            at: now.toISOString(),
            summary: until === null ? 'silence lifted' : `silenced until ${until.toISOString()}`,
            by,
          },
        ]);
        return next;
      }
    }
  }
}
