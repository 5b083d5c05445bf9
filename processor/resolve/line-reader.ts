import { createReadStream } from 'node:fs';

const NEWLINE = 0x0a;
/** readline's line endings (`/\r?\n|\r(?!\n)/`): CR LF, LF, or a CR alone. */
const LINE_ENDING = /\r\n|\n|\r/;

/**
 * The bytes of a file in chunks that end after a '\n' (the last chunk may end without one), so
 * each chunk holds whole lines and can be decoded and split on its own, by any thread. Cutting
 * after a '\n' never splits a UTF-8 character (0x0a occurs in no multi-byte sequence) nor a
 * CR LF. Only the unfinished line at the end of a read is carried over, so memory stays at about
 * one chunk however large the file (or one line, when a line is longer than a chunk).
 */
export async function* wholeLineChunks(file: string, chunkBytes = 256 * 1024): AsyncGenerator<Uint8Array> {
  // Reads without a newline yet, joined once the line ends (joining at every read is quadratic).
  let pending: Buffer[] = [];
  for await (const chunk of createReadStream(file, { highWaterMark: chunkBytes }) as AsyncIterable<Buffer>) {
    const end = chunk.lastIndexOf(NEWLINE) + 1;
    if (end === 0) {
      pending.push(chunk);
      continue;
    }
    const whole = chunk.subarray(0, end);
    yield pending.length === 0 ? whole : Buffer.concat([...pending, whole]);
    pending = end < chunk.length ? [chunk.subarray(end)] : [];
  }
  if (pending.length > 0) yield Buffer.concat(pending);
}

/**
 * The lines of a chunk from wholeLineChunks exactly as `readline` (crlfDelay: Infinity) yields
 * them, so line numbers in messages do not change: empty lines are kept (they count), the
 * terminator of the last line is optional. Decoded with Buffer#toString, which like readline keeps
 * a byte-order mark (TextDecoder would drop it).
 */
export function splitLines(chunk: Uint8Array): string[] {
  const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
  const lines = text.includes('\r') ? text.split(LINE_ENDING) : text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
