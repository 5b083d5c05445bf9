import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Where a page starts or ends: a row's sort key, its time and (for ties) its id. */
export interface PageKey {
  time: string;
  id: string;
}

/**
 * A position in a listing: the rows `after` or `before` the row with `key`. `position` is that
 * row's place in the listing (0 = the first row), carried only to show "51–100 of 1,833" without
 * counting the rows before it.
 */
export interface PageCursor {
  direction: 'after' | 'before';
  key: PageKey;
  position: number;
}

export type CursorDecode = { ok: true; cursor: PageCursor } | { ok: false; message: string };

/** The payload as it travels, with short names: a token goes into every URL of a pager. */
const payloadSchema = z.strictObject({
  d: z.enum(['after', 'before']),
  t: z.string().max(64),
  // RethinkDB's primary keys are at most 127 bytes; 127 characters bounds the token's size.
  i: z.string().min(1).max(127),
  p: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/** 16 bytes of HMAC-SHA256: 128 bits are far beyond guessing, and the token stays short. */
const MAC_BYTES = 16;
/** The longest token a cursor of the bounds above makes, with room: longer is refused unread. */
export const MAX_TOKEN_LENGTH = 512;

const REFUSED = 'must be a next or previous token given by this listing, unaltered, with the same filters';

/**
 * Opaque page tokens: base64url of the cursor, a dot, and a MAC over the cursor and the listing's
 * `scope` (its kind and filters). The MAC makes an altered token, or one from another listing, a
 * clear 400 rather than a page of something else; the key is derived from the dashboard's session
 * secret, so every instance behind the load balancer reads every other's tokens.
 */
export function createPageCursors(secret: string) {
  const key = createHmac('sha256', secret).update('quoteflow records page cursor').digest();
  const mac = (payload: string, scope: string) =>
    createHmac('sha256', key).update(payload).update('\n').update(scope).digest().subarray(0, MAC_BYTES);

  return {
    encode(cursor: PageCursor, scope: string): string {
      const payload = Buffer.from(
        JSON.stringify({ d: cursor.direction, t: cursor.key.time, i: cursor.key.id, p: cursor.position }),
      ).toString('base64url');
      return `${payload}.${mac(payload, scope).toString('base64url')}`;
    },

    decode(token: string, scope: string): CursorDecode {
      const parts = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
      const [payload, signature] = parts;
      if (parts.length !== 2 || payload === undefined || signature === undefined) {
        return { ok: false, message: REFUSED };
      }
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(payload, scope);
      // timingSafeEqual: comparing byte by byte with early exit would leak the MAC a byte at a time.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, message: REFUSED };
      }
      // Signed by us, so this parses; checked anyway, as a key rotation would not change the shape.
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, message: REFUSED };
      }
      const parsed = payloadSchema.safeParse(json);
      if (!parsed.success) return { ok: false, message: REFUSED };
      const { d, t, i, p } = parsed.data;
      return { ok: true, cursor: { direction: d, key: { time: t, id: i }, position: p } };
    },
  };
}

export type PageCursors = ReturnType<typeof createPageCursors>;
