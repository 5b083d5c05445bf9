import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { assignSpools, listSpool } from '../../../collector/cluster/spool-layout.js';

describe('collector spool layout', () => {
  const root = '/spool';
  const none = { rootHasSegments: false, workerDirs: [] };

  describe('assignSpools', () => {
    it('should give one process the directory itself', () => {
      expect(assignSpools(root, { index: 0, count: 1 }, none)).to.deep.equal({ own: root, orphans: [] });
    });

    it('should give worker n of several its own subdirectory', () => {
      expect(assignSpools(root, { index: 2, count: 3 }, none)).to.deep.equal({
        own: '/spool/worker-2',
        orphans: [],
      });
    });

    it('should have one process replay every worker spool left by an earlier run with workers', () => {
      const listing = { rootHasSegments: false, workerDirs: [0, 1, 3] };
      expect(assignSpools(root, { index: 0, count: 1 }, listing).orphans).to.deep.equal([
        '/spool/worker-0',
        '/spool/worker-1',
        '/spool/worker-3',
      ]);
    });

    it('should have worker 0 replay the segments a single process left in the directory itself', () => {
      const listing = { rootHasSegments: true, workerDirs: [] };
      expect(assignSpools(root, { index: 0, count: 2 }, listing).orphans).to.deep.equal([root]);
      expect(assignSpools(root, { index: 1, count: 2 }, listing).orphans).to.deep.equal([]);
    });

    it('should share the spools of workers that no longer exist, each to exactly one worker', () => {
      const listing = { rootHasSegments: false, workerDirs: [0, 1, 2, 3, 4, 5, 6] };
      const all = [0, 1, 2].flatMap((index) => assignSpools(root, { index, count: 3 }, listing).orphans);
      expect(all.sort()).to.deep.equal([
        '/spool/worker-3',
        '/spool/worker-4',
        '/spool/worker-5',
        '/spool/worker-6',
      ]);
      expect(assignSpools(root, { index: 1, count: 3 }, listing).orphans).to.deep.equal(['/spool/worker-4']);
    });

    it("should never hand a worker its own directory, nor a live worker's, as an orphan", () => {
      const listing = { rootHasSegments: true, workerDirs: [0, 1, 2, 3] };
      for (const count of [2, 3, 4]) {
        for (let index = 0; index < count; index++) {
          const { own, orphans } = assignSpools(root, { index, count }, listing);
          const live = Array.from({ length: count }, (_, n) => `/spool/worker-${n}`);
          expect(orphans).not.to.include(own);
          expect(orphans.filter((dir) => live.includes(dir))).to.deep.equal([]);
        }
      }
    });
  });

  describe('listSpool', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'qf-spool-layout-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('should find root segments and worker directories, ignoring anything else', async () => {
      await writeFile(join(dir, '0000000000000001.seg'), '');
      await writeFile(join(dir, 'cursor.json'), '{}');
      await mkdir(join(dir, 'worker-1'));
      await mkdir(join(dir, 'worker-0'));
      await mkdir(join(dir, 'worker-x'));
      await writeFile(join(dir, 'worker-7'), 'a file, not a spool');
      expect(await listSpool(dir)).to.deep.equal({ rootHasSegments: true, workerDirs: [0, 1] });
    });

    it('should read a directory that does not exist yet as empty', async () => {
      expect(await listSpool(join(dir, 'missing'))).to.deep.equal({ rootHasSegments: false, workerDirs: [] });
    });
  });
});
