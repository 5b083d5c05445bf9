import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { HttpError } from './http-error.js';

export interface BodyRules {
  /** Largest body, after gzip decoding. */
  maxBytes: number;
  /** Accepted media types (without parameters), or `any`: the route reads every body the same way. */
  mediaTypes: readonly string[] | 'any';
}

/** The media type of a request, lower-case and without parameters; '' when absent. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Reads a request body within the rules: 415 for another media type or content encoding (gzip is
 * decoded whatever the media type), 413 as
 * soon as it is known to be too large (from Content-Length, or while reading), 400 when the
 * client stops half-way or sends broken gzip.
 */
export async function readBody(req: IncomingMessage, rules: BodyRules): Promise<Buffer> {
  if (rules.mediaTypes !== 'any' && !rules.mediaTypes.includes(mediaType(req))) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `Content-Type must be one of: ${rules.mediaTypes.join(', ')}`,
    );
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new HttpError(415, 'unsupported_encoding', 'Content-Encoding must be gzip or identity');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (encoding === 'identity' && declared > rules.maxBytes) {
    throw tooLarge(rules.maxBytes);
  }
  let source: Readable = req;
  if (encoding === 'gzip') {
    const gunzip = createGunzip();
    req.on('error', (error) => gunzip.destroy(error));
    source = req.pipe(gunzip);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > rules.maxBytes) throw tooLarge(rules.maxBytes);
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(
      400,
      'bad_body',
      encoding === 'gzip' ? 'body is not valid gzip' : 'body could not be read',
    );
  } finally {
    if (source !== req) source.destroy();
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'too_large', `body larger than ${maxBytes} bytes`);
}

/** JSON.parse that answers 400 instead of throwing a SyntaxError with the input in it. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'bad_json', 'body is not valid JSON');
  }
}
