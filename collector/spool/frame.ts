import { crc32 } from 'node:zlib';

/**
 * How one record sits in a spool segment: `[u32 length][u32 crc32][payload]`, big-endian, where
 * the payload is `[u16 key length][key][value]`. The length and the checksum let a reader tell a
 * whole record from the torn tail a crash leaves behind.
 */
export const FRAME_HEADER_BYTES = 8;
/** A length beyond this is garbage, not a record (the collector's bodies are far smaller). */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export interface SpoolRecord {
  /** Kafka message key (the visitor id), kept so that replay partitions exactly like a direct send. */
  key: string;
  value: Buffer;
}

export function encodeFrame(record: SpoolRecord): Buffer {
  const key = Buffer.from(record.key, 'utf8');
  if (key.length > 0xffff) throw new RangeError('spool record key longer than 65535 bytes');
  const payloadLength = 2 + key.length + record.value.length;
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadLength);
  frame.writeUInt32BE(payloadLength, 0);
  frame.writeUInt16BE(key.length, FRAME_HEADER_BYTES);
  key.copy(frame, FRAME_HEADER_BYTES + 2);
  record.value.copy(frame, FRAME_HEADER_BYTES + 2 + key.length);
  frame.writeUInt32BE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
  return frame;
}

export interface DecodedFrames {
  records: SpoolRecord[];
  /** Offset (in the buffer) just past the last whole record. */
  end: number;
  /** Why decoding stopped before the end of the buffer, or null when it reached it. */
  stop: null | { offset: number; reason: 'truncated' | 'bad-length' | 'bad-checksum' };
}

/**
 * Decodes whole records from `buffer`, starting at `start`, up to `maxRecords`. It stops at the
 * first frame that is cut short or fails its checksum and says where and why; what lies beyond
 * is never returned as a record.
 */
export function decodeFrames(buffer: Buffer, start = 0, maxRecords = Infinity): DecodedFrames {
  const records: SpoolRecord[] = [];
  let offset = start;
  while (offset < buffer.length && records.length < maxRecords) {
    if (buffer.length - offset < FRAME_HEADER_BYTES) {
      return { records, end: offset, stop: { offset, reason: 'truncated' } };
    }
    const length = buffer.readUInt32BE(offset);
    if (length < 2 || length > MAX_PAYLOAD_BYTES) {
      return { records, end: offset, stop: { offset, reason: 'bad-length' } };
    }
    const payloadStart = offset + FRAME_HEADER_BYTES;
    if (buffer.length - payloadStart < length) {
      return { records, end: offset, stop: { offset, reason: 'truncated' } };
    }
    const payload = buffer.subarray(payloadStart, payloadStart + length);
    if (crc32(payload) !== buffer.readUInt32BE(offset + 4)) {
      return { records, end: offset, stop: { offset, reason: 'bad-checksum' } };
    }
    const keyLength = payload.readUInt16BE(0);
    if (2 + keyLength > length) {
      return { records, end: offset, stop: { offset, reason: 'bad-length' } };
    }
    records.push({
      key: payload.toString('utf8', 2, 2 + keyLength),
      value: Buffer.from(payload.subarray(2 + keyLength)),
    });
    offset = payloadStart + length;
  }
  return { records, end: offset, stop: null };
}
