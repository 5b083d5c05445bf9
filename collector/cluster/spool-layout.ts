import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Which collector process this is: number `index` of `count` (one process: 0 of 1). */
export interface WorkerSlot {
  index: number;
  count: number;
}

/** What is in the spool directory when a process starts. */
export interface SpoolListing {
  /** The directory itself holds segment files (written by a single-process collector). */
  rootHasSegments: boolean;
  /** Numbers n of the `worker-<n>` subdirectories (written by a collector with several workers). */
  workerDirs: number[];
}

/** The spool a process appends to, and the spools left by another layout that it replays. */
export interface SpoolAssignment {
  own: string;
  orphans: string[];
}

export const workerSpoolDir = (root: string, index: number): string => join(root, `worker-${index}`);

/**
 * One process writes `spool.dir` itself; with several workers, worker n writes
 * `spool.dir/worker-<n>` (a spool has one writer). Spools left behind when the number of workers
 * changed are "orphans": each is replayed into Kafka by exactly one process, so events accepted
 * before a restart are never stranded whichever way the count moved. Orphan `worker-<k>` goes to
 * worker k mod count; segments in the root directory go to worker 0.
 */
export function assignSpools(root: string, slot: WorkerSlot, listing: SpoolListing): SpoolAssignment {
  if (slot.count === 1) {
    return { own: root, orphans: listing.workerDirs.map((n) => workerSpoolDir(root, n)) };
  }
  const orphans = listing.workerDirs
    .filter((n) => n >= slot.count && n % slot.count === slot.index)
    .map((n) => workerSpoolDir(root, n));
  if (slot.index === 0 && listing.rootHasSegments) orphans.unshift(root);
  return { own: workerSpoolDir(root, slot.index), orphans };
}

/** Reads the spool directory's layout; a directory that does not exist yet is empty. */
export async function listSpool(root: string): Promise<SpoolListing> {
  let entries: { name: string; isDirectory(): boolean }[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { rootHasSegments: false, workerDirs: [] };
    throw error;
  }
  const workerDirs: number[] = [];
  let rootHasSegments = false;
  for (const entry of entries) {
    const worker = /^worker-(\d{1,4})$/.exec(entry.name);
    if (worker?.[1] !== undefined && entry.isDirectory()) workerDirs.push(Number(worker[1]));
    else if (/^\d{16}\.seg$/.test(entry.name)) rootHasSegments = true;
  }
  return { rootHasSegments, workerDirs: workerDirs.sort((a, b) => a - b) };
}
