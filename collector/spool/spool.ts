import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { QuoteflowError } from '../../lib/errors.js';
import type { SpoolRecord } from './frame.js';
import { FRAME_HEADER_BYTES, decodeFrames, encodeFrame } from './frame.js';
import { readSegmentFile } from './segment-scan.js';

export interface SpoolOptions {
  dir: string;
  /** Disk budget: an append that would pass it fails with SPOOL_FULL. */
  maxBytes: number;
  /** A new segment starts once the current one holds this many bytes. */
  segmentBytes: number;
  logger: Logger;
}

interface Segment {
  id: number;
  path: string;
  /** Bytes of the file, counted against the budget. */
  fileBytes: number;
  /** End of the last whole, fsynced record: readers never go past it. */
  validEnd: number;
  /** Whole records not yet acknowledged. */
  records: number;
  /** Only the active segment is written to; every segment found at start-up is sealed. */
  sealed: boolean;
}

/** A run of records from one segment, handed to the drainer and acknowledged as a whole. */
export interface SpoolChunk {
  segmentId: number;
  start: number;
  end: number;
  records: SpoolRecord[];
}

interface PendingAppend {
  frames: Buffer[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface SpoolStats {
  bytes: number;
  segments: number;
  records: number;
  /** Segments found at start-up whose tail was torn (and skipped). */
  tornTails: number;
}

const SEGMENT_SUFFIX = '.seg';
const segmentName = (id: number) => `${String(id).padStart(16, '0')}${SEGMENT_SUFFIX}`;

/**
 * An append-only log of records in segment files, the collector's fallback when Kafka is down
 * or slow. `append` resolves only after the records are written and fsynced (appends that arrive
 * together share one write and one fsync). One reader takes records out in append order with
 * `read` and `acknowledge`; a segment file is deleted only once every record in it was
 * acknowledged. Segments left by an earlier process are sealed and replayed first; a torn record
 * at the end of one (a crash mid-write) is detected by its length and checksum and skipped.
 * One process per directory.
 */
export class Spool {
  private readonly segments: Segment[] = [];
  private active: { segment: Segment; file: FileHandle } | undefined;
  private queue: PendingAppend[] = [];
  private queuedBytes = 0;
  private writing: Promise<void> | undefined;
  /** Offset up to which segments[0] has been acknowledged. */
  private readOffset = 0;
  private reading = false;
  private closed = false;
  private tornTails = 0;
  private nextId: number;

  private constructor(
    private readonly options: SpoolOptions,
    existing: Segment[],
  ) {
    this.segments.push(...existing);
    this.nextId = (existing[existing.length - 1]?.id ?? 0) + 1;
  }

  /** Opens (creating if needed) the spool directory and takes stock of the segments left in it. */
  static async open(options: SpoolOptions): Promise<Spool> {
    await mkdir(options.dir, { recursive: true });
    const names = (await readdir(options.dir)).filter((name) => /^\d{16}\.seg$/.test(name)).sort();
    const segments: Segment[] = [];
    const cursor = await readCursor(options.dir);
    let readOffset = 0;
    let torn = 0;
    for (const name of names) {
      const path = join(options.dir, name);
      const id = Number(name.slice(0, 16));
      const from = segments.length === 0 && cursor?.segmentId === id ? cursor.offset : 0;
      const scan = await readSegmentFile(path, from);
      if (segments.length === 0) readOffset = scan.from;
      if (scan.stop) {
        torn++;
        options.logger.warn(
          { segment: name, offset: scan.stop.offset, reason: scan.stop.reason, records: scan.records },
          'spool segment ends in a torn record; skipping the tail',
        );
      }
      if (scan.records === 0) {
        await unlink(path);
        readOffset = 0;
        continue;
      }
      segments.push({
        id,
        path,
        fileBytes: scan.fileBytes,
        validEnd: scan.validEnd,
        records: scan.records,
        sealed: true,
      });
    }
    const spool = new Spool(options, segments);
    spool.tornTails = torn;
    spool.readOffset = readOffset;
    return spool;
  }

  /** Bytes on disk plus bytes waiting to be written: what the budget is checked against. */
  get bytes(): number {
    return this.diskBytes() + this.queuedBytes;
  }

  stats(): SpoolStats {
    return {
      bytes: this.bytes,
      segments: this.segments.length,
      records: this.segments.reduce((sum, s) => sum + s.records, 0),
      tornTails: this.tornTails,
    };
  }

  /** True when every record ever appended was acknowledged and no append is under way. */
  isDrained(): boolean {
    return (
      this.queue.length === 0 && this.writing === undefined && this.segments.every((s) => s.records === 0)
    );
  }

  /**
   * Appends records durably: resolves once they are written and fsynced. Fails at once with
   * SPOOL_FULL (retriable) when they would pass the disk budget; nothing of them is written then.
   */
  append(records: readonly SpoolRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new QuoteflowError('SPOOL_CLOSED', 'the spool is closed'));
    const frames = records.map(encodeFrame);
    const bytes = frames.reduce((sum, frame) => sum + frame.length, 0);
    if (this.bytes + bytes > this.options.maxBytes) {
      return Promise.reject(
        new QuoteflowError('SPOOL_FULL', 'the spool has reached its disk budget', { retriable: true }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ frames, bytes, resolve, reject });
      this.queuedBytes += bytes;
      this.startWriter();
    });
  }

  /** One writer at a time; it takes everything queued so far as one write and one fsync. */
  private startWriter(): void {
    if (this.writing !== undefined || this.queue.length === 0) return;
    this.writing = this.writeQueued().finally(() => {
      this.writing = undefined;
      // Appends made while the last group was being fsynced.
      this.startWriter();
    });
  }

  /**
   * The next records after the last acknowledged ones, at most `maxRecords` (and about
   * `maxBytes`), all from one segment; null when there is nothing durable left to read. Only one
   * chunk may be out at a time: acknowledge it before reading the next.
   */
  async read(maxRecords: number, maxBytes = 8 * 1024 * 1024): Promise<SpoolChunk | null> {
    if (this.reading) throw new QuoteflowError('SPOOL_READER_BUSY', 'acknowledge the last chunk first');
    for (;;) {
      const segment = this.segments[0];
      if (!segment) return null;
      if (this.readOffset >= segment.validEnd) {
        if (!segment.sealed || segment.records > 0) return null;
        await this.removeFirstSegment();
        continue;
      }
      const chunk = await this.readFrom(segment, maxRecords, maxBytes);
      this.reading = true;
      return chunk;
    }
  }

  /** Marks a chunk from `read` as delivered; deletes its segment when nothing in it is left. */
  async acknowledge(chunk: SpoolChunk): Promise<void> {
    const segment = this.segments[0];
    if (!this.reading || segment?.id !== chunk.segmentId || chunk.start !== this.readOffset) {
      throw new QuoteflowError('SPOOL_BAD_ACK', 'acknowledged chunk is not the one last read');
    }
    this.reading = false;
    this.readOffset = chunk.end;
    segment.records -= chunk.records.length;
    if (this.readOffset < segment.validEnd) {
      await writeCursor(this.options.dir, { segmentId: segment.id, offset: this.readOffset });
      return;
    }
    if (segment.sealed) {
      await this.removeFirstSegment();
    } else if (this.queue.length === 0 && this.writing === undefined) {
      // The active segment is fully delivered: drop it; the next append starts a fresh one.
      await this.sealActive();
      await this.removeFirstSegment();
    }
  }

  /** Gives back a chunk that could not be delivered: the next `read` returns it again. */
  release(chunk: SpoolChunk): void {
    if (this.segments[0]?.id === chunk.segmentId && chunk.start === this.readOffset) this.reading = false;
  }

  /** Waits for the appends under way, then closes the files. Later appends fail. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writing) await this.writing;
    await this.sealActive();
  }

  private diskBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.fileBytes, 0);
  }

  private async readFrom(segment: Segment, maxRecords: number, maxBytes: number): Promise<SpoolChunk> {
    const file = await open(segment.path, 'r');
    try {
      let length = Math.min(segment.validEnd - this.readOffset, maxBytes);
      for (;;) {
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await file.read(buffer, 0, length, this.readOffset);
        const decoded = decodeFrames(buffer.subarray(0, bytesRead), 0, maxRecords);
        if (decoded.records.length > 0) {
          return {
            segmentId: segment.id,
            start: this.readOffset,
            end: this.readOffset + decoded.end,
            records: decoded.records,
          };
        }
        // One record larger than maxBytes: read exactly that record.
        const frameLength = FRAME_HEADER_BYTES + buffer.readUInt32BE(0);
        if (bytesRead < FRAME_HEADER_BYTES || frameLength <= length) {
          throw new QuoteflowError(
            'SPOOL_CORRUPT',
            `unreadable record in ${segment.path} at ${this.readOffset}`,
          );
        }
        length = frameLength;
      }
    } finally {
      await file.close();
    }
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const bytes = batch.reduce((sum, item) => sum + item.bytes, 0);
      const count = batch.reduce((sum, item) => sum + item.frames.length, 0);
      try {
        const { segment, file } = await this.activeForWrite();
        const frames = batch.flatMap((item) => item.frames);
        let written = 0;
        while (written < bytes) {
          const { bytesWritten } = await file.writev(frames, segment.fileBytes + written);
          written += bytesWritten;
          if (written < bytes) frames.splice(0, frames.length, Buffer.concat(frames).subarray(bytesWritten));
        }
        segment.fileBytes += bytes;
        await file.datasync();
        segment.validEnd = segment.fileBytes;
        segment.records += count;
        this.queuedBytes -= bytes;
        for (const item of batch) item.resolve();
      } catch (error) {
        this.queuedBytes -= bytes;
        const failure = new QuoteflowError('SPOOL_WRITE_FAILED', 'could not write to the spool', {
          retriable: true,
          cause: error,
        });
        this.options.logger.error({ err: error }, failure.message);
        // A failed write may have left part of a record behind: start a new segment for the next one.
        await this.sealActive().catch(() => undefined);
        for (const item of batch) item.reject(failure);
      }
    }
  }

  private async activeForWrite(): Promise<{ segment: Segment; file: FileHandle }> {
    if (this.active && this.active.segment.fileBytes >= this.options.segmentBytes) await this.sealActive();
    if (this.active) return this.active;
    const id = this.nextId++;
    const path = join(this.options.dir, segmentName(id));
    const file = await open(path, 'wx');
    await syncDirectory(this.options.dir);
    const segment: Segment = { id, path, fileBytes: 0, validEnd: 0, records: 0, sealed: false };
    this.segments.push(segment);
    this.active = { segment, file };
    return this.active;
  }

  private async sealActive(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    active.segment.sealed = true;
    // After a failed write the file may hold bytes past validEnd; they are never read.
    await active.file.close();
  }

  private async removeFirstSegment(): Promise<void> {
    const segment = this.segments.shift();
    this.readOffset = 0;
    if (!segment) return;
    // The cursor speaks of this segment only; ids may be reused once the directory is empty.
    await unlink(join(this.options.dir, CURSOR_FILE)).catch(() => undefined);
    await unlink(segment.path);
    if (segment.records !== 0) {
      this.options.logger.error(
        { segment: segment.path, records: segment.records },
        'spool segment removed early',
      );
    }
  }
}

/** Makes a directory's entries (a file created, renamed or removed in it) durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

interface Cursor {
  segmentId: number;
  offset: number;
}

const CURSOR_FILE = 'cursor.json';

/**
 * Where the acknowledged records of the first segment end, so that a restart does not replay
 * what Kafka already has. Written without fsync: losing it only means replaying more (events
 * carry ids, and a replay is a duplicate, never a loss).
 */
async function writeCursor(dir: string, cursor: Cursor): Promise<void> {
  const path = join(dir, CURSOR_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(cursor));
  await rename(`${path}.tmp`, path);
}

async function readCursor(dir: string): Promise<Cursor | undefined> {
  try {
    const value = JSON.parse(await readFile(join(dir, CURSOR_FILE), 'utf8')) as Partial<Cursor>;
    return typeof value.segmentId === 'number' && typeof value.offset === 'number'
      ? { segmentId: value.segmentId, offset: value.offset }
      : undefined;
  } catch {
    return undefined;
  }
}
