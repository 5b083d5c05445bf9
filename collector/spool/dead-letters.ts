import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { QuoteflowError } from '../../lib/errors.js';
import type { SpoolRecord } from './frame.js';

/** The file of a spool directory that keeps the records Kafka refused for good. */
export const DEAD_LETTER_FILE = 'dead-letters.ndjson';

/** One line of the dead-letter file. */
export interface DeadLetter {
  /** When the record was set aside (ISO-8601 UTC). */
  at: string;
  /** The error code (KAFKA_RECORD_REFUSED) and the broker's reason. */
  code: string;
  reason: string;
  /** The Kafka key and value, exactly as they would have been sent (the value is UTF-8 JSON). */
  key: string;
  bytes: number;
  value: string;
}

/**
 * Where the spool drainer puts a record Kafka refuses for good (one larger than the broker's
 * message.max.bytes, say), so that it neither blocks every record behind it nor vanishes: one
 * JSON line per record in `<spool dir>/dead-letters.ndjson`, appended and fsynced before the
 * spool forgets the record. Nothing reads it back automatically: an operator inspects it (the
 * reason is on each line) and replays what can be fixed. Appends are serialised.
 */
export class DeadLetters {
  readonly path: string;
  private tail: Promise<void> = Promise.resolve();
  private appended = 0;
  private dirSynced = false;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {
    this.path = join(dir, DEAD_LETTER_FILE);
  }

  /**
   * Opens the dead-letter file of `dir` (created on the first append) and counts the records
   * already in it, so that the count an operator sees survives restarts.
   */
  static async open(dir: string, logger: Logger): Promise<DeadLetters> {
    const letters = new DeadLetters(dir, logger);
    letters.appended = await countLines(letters.path);
    return letters;
  }

  /** Records in the dead-letter file (for an operator to look at and replay). */
  get count(): number {
    return this.appended;
  }

  append(record: SpoolRecord, error: unknown): Promise<void> {
    const letter: DeadLetter = {
      at: new Date().toISOString(),
      code: error instanceof QuoteflowError ? error.code : 'ERROR',
      reason: error instanceof Error ? error.message : String(error),
      key: record.key,
      bytes: record.value.length,
      value: record.value.toString('utf8'),
    };
    const write = this.tail.then(() => this.write(`${JSON.stringify(letter)}\n`));
    this.tail = write.catch(() => undefined);
    return write.then(() => {
      this.appended++;
      this.logger.error(
        { path: this.path, key: letter.key, bytes: letter.bytes, code: letter.code, reason: letter.reason },
        'Kafka refused a record for good; kept it in the dead-letter file',
      );
    });
  }

  private async write(line: string): Promise<void> {
    const file = await open(this.path, 'a');
    try {
      await file.writeFile(line);
      await file.datasync();
    } finally {
      await file.close();
    }
    if (this.dirSynced) return;
    // The file may be new: its directory entry must be durable too.
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.dirSynced = true;
  }
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      const buffer = chunk as Buffer;
      for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) lines++;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return lines;
}
