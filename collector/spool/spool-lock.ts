import { hostname } from 'node:os';
import { join } from 'node:path';
import { readFile, unlink, writeFile } from 'node:fs/promises';

/** The file a running collector keeps in the spool directory it writes (its own, not orphans). */
export const SPOOL_LOCK_FILE = 'collector.lock';

/** Who writes a spool directory: a collector process, seen from its host. */
export interface SpoolHolder {
  pid: number;
  host: string;
  since: string;
}

/**
 * Marks `dir` as written by this process, for tools that must not run beside a collector (the
 * dead-letter replay). Written unconditionally: the spool layout already gives each directory one
 * writer (collector/README.md), and a collector restarted after a crash, often with a new host
 * name (a new container), must start whatever its predecessor left behind.
 */
export async function markSpoolHolder(dir: string): Promise<void> {
  const holder: SpoolHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await writeFile(join(dir, SPOOL_LOCK_FILE), `${JSON.stringify(holder)}\n`);
}

/** Removes the mark at a clean stop; a killed collector leaves it (see `liveHolder`). */
export async function clearSpoolHolder(dir: string): Promise<void> {
  await unlink(join(dir, SPOOL_LOCK_FILE)).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  });
}

/** Whether process `pid` of this host is alive (signal 0 checks without sending anything). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The collector that may be writing `dir`: its mark, unless the mark is provably stale (left on
 * this host by a process that is gone). A mark from another host cannot be checked from here (a
 * container sharing the volume): it counts as live, and the operator decides (`--force`).
 */
export async function liveHolder(dir: string): Promise<SpoolHolder | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, SPOOL_LOCK_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let holder: SpoolHolder;
  try {
    holder = JSON.parse(text) as SpoolHolder;
  } catch {
    // A torn mark (killed mid-write): someone was there; as unverifiable as another host's.
    return { pid: 0, host: 'unknown', since: 'unknown' };
  }
  // Our own pid in the mark: a collector of an earlier life of this container, not us.
  const gone = holder.pid === process.pid || !processAlive(holder.pid);
  if (holder.host === hostname() && gone) return undefined;
  return holder;
}
