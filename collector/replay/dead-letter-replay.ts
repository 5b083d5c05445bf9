import { appendFile, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { QuoteflowError } from '../../lib/errors.js';
import { isRecordRefusal } from '../../lib/kafka/kafka-errors.js';
import { listSpool, workerSpoolDir } from '../cluster/spool-layout.js';
import type { DeadLetter } from '../spool/dead-letters.js';
import { DEAD_LETTER_FILE } from '../spool/dead-letters.js';
import type { SpoolRecord } from '../spool/frame.js';
import { liveHolder } from '../spool/spool-lock.js';
import { syncDirectory } from '../spool/spool.js';

/** Dead letters taken out of the file by a replay under way: a crashed replay resumes from it. */
export const REPLAYING_FILE = 'dead-letters.replaying.ndjson';

export interface ReplayOptions {
  /** The collector's spool.dir: its own dead-letter file and those of every worker-<n>/. */
  spoolDir: string;
  /** Sends one record to the events topic; rejects with a classified Kafka error. */
  send: (record: SpoolRecord) => Promise<void>;
  /** Replay even where a collector's mark says it may be running (one on another host that is gone). */
  force?: boolean;
}

/** What one spool directory's replay did. */
export interface DirectoryReplay {
  dir: string;
  /** Dead letters read. */
  read: number;
  /** Sent to Kafka and acknowledged: gone from the file. */
  sent: number;
  /** Refused by Kafka again (still too large, say): kept in the file with the new reason. */
  refused: number;
  /** Not tried because Kafka became unreachable or refused every request: kept as they were. */
  unsent: number;
  /** Lines that are not dead letters (edited by hand?): kept as they were. */
  unreadable: number;
}

export interface ReplayReport {
  directories: DirectoryReplay[];
  /** Why sending stopped early (Kafka unavailable, authorisation), if it did. */
  stoppedBy: string | null;
}

/** The spool directories that may hold dead letters: the root and every worker-<n>. */
async function spoolDirectories(root: string): Promise<string[]> {
  const listing = await listSpool(root);
  return [root, ...listing.workerDirs.map((n) => workerSpoolDir(root, n))];
}

/**
 * Sends the records the collector kept in its dead-letter files back to Kafka, once what made
 * Kafka refuse them is fixed (the broker's message.max.bytes raised, say). Sent records leave the
 * file; refused ones stay with the new reason. A replayed event keeps its id, and the processor
 * stores and counts events by id, so a record that reaches Kafka twice (a replay interrupted
 * between the send and the file's update, then run again) changes nothing downstream.
 *
 * It refuses to run beside a collector writing the same spool (its mark, `collector.lock`): the
 * collector appends to the dead-letter file that the replay takes apart. The file is first
 * renamed to `dead-letters.replaying.ndjson` (atomic), so a collector started meanwhile appends
 * to a new file instead of racing; a replay that crashes resumes from the renamed file.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayReport> {
  const dirs = await spoolDirectories(options.spoolDir);
  if (options.force !== true) {
    for (const dir of dirs) {
      const holder = await liveHolder(dir);
      if (holder) {
        throw new QuoteflowError(
          'SPOOL_IN_USE',
          `a collector writes ${dir} (pid ${String(holder.pid)} on ${holder.host}, since ${holder.since}); ` +
            'stop it first, or pass --force if that collector is gone (killed, or its container removed)',
        );
      }
    }
  }
  const report: ReplayReport = { directories: [], stoppedBy: null };
  for (const dir of dirs) {
    const taken = await takeDeadLetters(dir);
    if (!taken) continue;
    report.directories.push(await replayFile(dir, taken, options, report));
  }
  return report;
}

/** Moves the dead-letter file aside for replay (joining a crashed replay's leftovers); its path, or null. */
async function takeDeadLetters(dir: string): Promise<string | null> {
  const main = join(dir, DEAD_LETTER_FILE);
  const replaying = join(dir, REPLAYING_FILE);
  const mainExists = await exists(main);
  const leftover = await exists(replaying);
  if (mainExists && leftover) {
    // Appended before the unlink: a crash in between sends some twice, which ids make harmless.
    await appendDurably(replaying, await readFile(main, 'utf8'));
    await unlink(main);
  } else if (mainExists) {
    await rename(main, replaying);
  }
  if (!mainExists && !leftover) return null;
  await syncDirectory(dir);
  return replaying;
}

async function replayFile(
  dir: string,
  path: string,
  options: ReplayOptions,
  report: ReplayReport,
): Promise<DirectoryReplay> {
  const result: DirectoryReplay = { dir, read: 0, sent: 0, refused: 0, unsent: 0, unreadable: 0 };
  const kept: string[] = [];
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    if (line.trim() === '') continue;
    const letter = parseLetter(line);
    if (!letter) {
      result.unreadable++;
      kept.push(line);
      continue;
    }
    result.read++;
    if (report.stoppedBy !== null) {
      result.unsent++;
      kept.push(line);
      continue;
    }
    try {
      await options.send({ key: letter.key, value: Buffer.from(letter.value, 'utf8') });
      result.sent++;
    } catch (error) {
      if (isRecordRefusal(error)) {
        result.refused++;
        const reason = error instanceof Error ? error.message : String(error);
        kept.push(JSON.stringify({ ...letter, at: new Date().toISOString(), reason }));
      } else if (error instanceof QuoteflowError) {
        // Kafka away or refusing every request: no point trying the others now.
        report.stoppedBy = error.message;
        result.unsent++;
        kept.push(line);
      } else {
        throw error;
      }
    }
  }
  // What stays goes back to the dead-letter file (appended: a collector may have started).
  if (kept.length > 0) await appendDurably(join(dir, DEAD_LETTER_FILE), `${kept.join('\n')}\n`);
  await unlink(path);
  await syncDirectory(dir);
  return result;
}

function parseLetter(line: string): DeadLetter | undefined {
  try {
    const value = JSON.parse(line) as Partial<DeadLetter> | null;
    if (typeof value?.key === 'string' && typeof value.value === 'string') return value as DeadLetter;
  } catch {
    // Not JSON: kept as it is, counted as unreadable.
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function appendDurably(path: string, text: string): Promise<void> {
  await appendFile(path, text);
  const file = await open(path, 'r+');
  try {
    await file.datasync();
  } finally {
    await file.close();
  }
}
