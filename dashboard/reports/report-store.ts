import { randomUUID } from 'node:crypto';
import r from 'rethinkdb';
import { cursorRows } from '../../lib/rethinkdb/cursor-rows.js';
import type { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import type { ReportDoc, ReportInput, ReportRun } from './report-definition.js';

const MINVAL = (r as unknown as { minval: unknown }).minval;
const MAXVAL = (r as unknown as { maxval: unknown }).maxval;

/** Reports and their runs in RethinkDB (tables `reports`, `report_runs`): the truth schedules are rebuilt from. */
export class ReportStore {
  constructor(private readonly db: RethinkdbClient) {}

  private get reports() {
    return r.db(this.db.db).table('reports');
  }

  private get runs() {
    return r.db(this.db.db).table('report_runs');
  }

  async create(input: ReportInput, owner: string, now: Date): Promise<ReportDoc> {
    const at = now.toISOString();
    const doc: ReportDoc = { ...input, id: randomUUID(), owner, createdAt: at, updatedAt: at, lastRun: null };
    await this.db.run(this.reports.insert(doc, { conflict: 'error' }));
    return doc;
  }

  async get(id: string): Promise<ReportDoc | undefined> {
    // Not a possible key (RethinkDB refuses one over 127 bytes): no such report.
    if (id === '' || Buffer.byteLength(id) > 127) return undefined;
    return (await this.db.run(this.reports.get<ReportDoc>(id))) ?? undefined;
  }

  /** Replaces what the analyst chose; keeps id, owner, createdAt and the last run. */
  async replace(current: ReportDoc, input: ReportInput, now: Date): Promise<ReportDoc> {
    const doc: ReportDoc = {
      ...input,
      id: current.id,
      owner: current.owner,
      createdAt: current.createdAt,
      updatedAt: now.toISOString(),
      lastRun: current.lastRun,
    };
    await this.db.run(this.reports.get(current.id).replace(doc));
    return doc;
  }

  async delete(id: string): Promise<void> {
    await this.db.run(this.reports.get(id).delete());
  }

  /** Every report (of one owner when given), by name. */
  async list(owner?: string): Promise<ReportDoc[]> {
    const query = owner === undefined ? this.reports : this.reports.getAll(owner, { index: 'owner' });
    const docs: ReportDoc[] = [];
    for await (const doc of cursorRows<ReportDoc>(await this.db.run(query))) docs.push(doc);
    return docs.sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
  }

  /** Records a run and shows it as the report's last run (unless the report was deleted meanwhile). */
  async recordRun(run: ReportRun): Promise<void> {
    await this.db.run(this.runs.insert({ ...run }));
    await this.db.run(this.reports.get(run.reportId).update({ lastRun: { ...run } }));
  }

  /** A report's runs, newest first. */
  async runsOf(reportId: string, limit: number): Promise<ReportRun[]> {
    const cursor = await this.db.run(
      this.runs
        .between([reportId, MINVAL], [reportId, MAXVAL], { index: 'reportId_at' })
        .orderBy({ index: r.desc('reportId_at') })
        .limit(limit),
    );
    const runs: ReportRun[] = [];
    for await (const run of cursorRows<ReportRun>(cursor)) runs.push(run);
    return runs;
  }
}
