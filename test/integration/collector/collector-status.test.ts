import { expect } from 'chai';
import r from 'rethinkdb';
import { reportCollectorStatus } from '../../../collector/collector-status.js';
import { TestDashboard } from '../../support/test-dashboard.js';
import { silentLogger } from '../../support/silent-logger.js';

describe('collector status in pipeline_status (real ReQL server)', () => {
  const env = new TestDashboard('UTC');

  before(() => env.migrate());
  after(() => env.close());

  it('should write the spool figures under collector:<host>, and again on every tick', async () => {
    let records = 3;
    const stop = reportCollectorStatus({
      db: env.rethink,
      stats: () => ({ bytes: 1024, segments: 1, records, tornTails: 0 }),
      intervalMs: 100,
      logger: silentLogger,
      host: 'c1',
    });
    const table = r.db(env.db).table('pipeline_status');
    const read = () => env.rethink.run(table.get<Record<string, unknown>>('collector:c1'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await read()).to.deep.include({
      component: 'collector',
      spoolBytes: 1024,
      spoolSegments: 1,
      spoolRecords: 3,
    });
    records = 0;
    await new Promise((resolve) => setTimeout(resolve, 250));
    stop();
    expect(await read()).to.deep.include({ spoolRecords: 0 });
  });
});
