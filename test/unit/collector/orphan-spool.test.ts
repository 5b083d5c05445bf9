import { access, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { DEAD_LETTER_FILE, DeadLetters } from '../../../collector/spool/dead-letters.js';
import type { SpoolRecord } from '../../../collector/spool/frame.js';
import { Spool } from '../../../collector/spool/spool.js';
import { OrphanSpool } from '../../../collector/sink/orphan-spool.js';
import { silentLogger } from '../../support/silent-logger.js';
import { waitFor } from '../../support/wait-for.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('OrphanSpool', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'qf-h12-orphan-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** What the orphan logged, message by message. */
  let logged: string[];
  const replayOrphan = async (dir: string, deadLetters?: string) => {
    const sent: SpoolRecord[] = [];
    logged = [];
    const spool = await Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16, logger: silentLogger });
    await spool.append([{ key: 'v', value: Buffer.from('{"id":"a"}') }]);
    await spool.close();
    if (deadLetters !== undefined) await writeFile(join(dir, DEAD_LETTER_FILE), deadLetters);
    const orphan = await OrphanSpool.start({
      dir,
      // A sender that takes everything: what is under test is the directory afterwards.
      sender: {
        send: (records) => {
          sent.push(...records);
          return Promise.resolve();
        },
      },
      deadLetters: await DeadLetters.open(root, silentLogger),
      logger: pino(
        { level: 'info' },
        {
          write: (line: string) => {
            logged.push((JSON.parse(line) as { msg: string }).msg);
          },
        },
      ),
      maxRecords: 100,
      maxBytes: 1 << 20,
      removeWhenDrained: true,
    });
    await waitFor('the orphan replayed', () => sent.length === 1);
    return orphan;
  };

  describe('when a replayed worker directory holds no dead letters', () => {
    it('should remove the directory', async () => {
      const dir = join(root, 'worker-3');
      const orphan = await replayOrphan(dir);
      await waitFor('the directory removed', async () => !(await exists(dir)));
      expect(logged).to.include('replayed and removed a spool left by another worker layout');
      await orphan.stop();
    });
  });

  describe('when it holds the dead letters of the worker that wrote it', () => {
    it('should keep them for a replay, removing only the segments', async () => {
      const dir = join(root, 'worker-4');
      const letter =
        '{"at":"2026-11-27T00:00:00.000Z","code":"KAFKA_RECORD_REFUSED","reason":"r","key":"v","bytes":2,"value":"{}"}\n';
      const orphan = await replayOrphan(dir, letter);
      await waitFor('the orphan done', () => logged.some((msg) => msg.includes('kept its directory')));
      await orphan.stop();
      expect(await readFile(join(dir, DEAD_LETTER_FILE), 'utf8')).to.equal(letter);
      expect((await readdir(dir)).filter((name) => name.endsWith('.seg'))).to.deep.equal([]);
    });
  });
});
