import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  SPOOL_LOCK_FILE,
  clearSpoolHolder,
  liveHolder,
  markSpoolHolder,
} from '../../../collector/spool/spool-lock.js';

describe('spool holder mark', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qf-h12-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const mark = (holder: unknown) => writeFile(join(dir, SPOOL_LOCK_FILE), JSON.stringify(holder));

  describe('when no collector marked the directory, or it stopped cleanly', () => {
    it('should find no holder', async () => {
      expect(await liveHolder(dir)).to.equal(undefined);
      await markSpoolHolder(dir);
      await clearSpoolHolder(dir);
      expect(await liveHolder(dir)).to.equal(undefined);
    });
  });

  describe('when a live process of this host marked it', () => {
    it('should name it', async () => {
      // The parent of this test process: alive for as long as the test runs.
      await mark({ pid: process.ppid, host: hostname(), since: '2026-11-28T00:00:00.000Z' });
      expect(await liveHolder(dir)).to.deep.equal({
        pid: process.ppid,
        host: hostname(),
        since: '2026-11-28T00:00:00.000Z',
      });
    });
  });

  describe('when the mark is left by a process that is gone', () => {
    it('should count a dead pid or our own pid of this host as stale, another host as live', async () => {
      await mark({ pid: 2 ** 22 + 1, host: hostname(), since: 'then' });
      expect(await liveHolder(dir)).to.equal(undefined);
      await mark({ pid: process.pid, host: hostname(), since: 'then' });
      expect(await liveHolder(dir)).to.equal(undefined);
      await mark({ pid: 1, host: 'another-container', since: 'then' });
      expect(await liveHolder(dir)).to.deep.equal({ pid: 1, host: 'another-container', since: 'then' });
      await writeFile(join(dir, SPOOL_LOCK_FILE), '{"pid":');
      expect(await liveHolder(dir)).to.deep.equal({ pid: 0, host: 'unknown', since: 'unknown' });
    });
  });
});
