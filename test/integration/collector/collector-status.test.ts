import { expect } from 'chai';
import r from 'rethinkdb';
import { reportCollectorStatus } from '../../../collector/collector-status.js';
import { TestDashboard } from '../../support/test-dashboard.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';

describe('collector status in pipeline_status (real ReQL server)', () => {
  const env = new TestDashboard('UTC');

  before(() => env.migrate());
  after(() => env.close());

  it('should write the spool figures under collector:<host>, and again on every tick', async () => {
    let records = 3;
    let deadLetters = 0;
    let rejectedEvents = 0;
    const stop = reportCollectorStatus({
      db: env.rethink,
      stats: () => ({ bytes: 1024, segments: 1, records, tornTails: 0, deadLetters, rejectedEvents }),
      intervalMs: 100,
      logger: silentLogger,
      host: 'c1',
    });
    try {
      const table = r.db(env.db).table('pipeline_status');
      const read = async (): Promise<Record<string, unknown> | null> =>
        env.rethink.run(table.get<Record<string, unknown>>('collector:c1'));
      await waitFor('the first status', async () => (await read()) !== null);
      expect(await read()).to.deep.include({
        component: 'collector',
        spoolBytes: 1024,
        spoolSegments: 1,
        spoolRecords: 3,
        deadLetters: 0,
        rejectedEvents: 0,
      });
      records = 0;
      deadLetters = 1;
      rejectedEvents = 2;
      await waitFor('a later tick with the new figures', async () => {
        const status = await read();
        return status?.spoolRecords === 0 && status.deadLetters === 1 && status.rejectedEvents === 2;
      });
    } finally {
      stop();
    }
  });
});
