import { z } from 'zod';
import { isTimestamp, isUtcTimestamp } from './timestamp.js';

/**
 * The canonical records that travel on Kafka (DESIGN.md, "Canonical records"). Unknown fields are
 * dropped rather than rejected, so a newer producer does not stop an older processor during an
 * upgrade; what a source has beyond the canonical fields belongs in `attributes`.
 */

const text = (max = 1024) => z.string().max(max);
const optionalText = (max = 1024) => text(max).nullish();

export const timestamp = z.string().max(64).refine(isTimestamp, { message: 'must be an ISO-8601 date-time' });

export const version = z.union([
  z.int().min(0),
  z.string().regex(/^\d{1,40}$/),
  z.string().max(64).refine(isUtcTimestamp, { message: 'must be an ISO-8601 UTC date-time' }),
]);

const place = z.object({
  station: text(64).trim().min(1),
  at: timestamp,
});

const customer = z
  .object({
    email: optionalText(320),
    phone: optionalText(64),
    name: optionalText(256),
  })
  .nullish();

const price = z
  .object({
    amount: z.number(),
    currency: z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as EUR' }),
  })
  .nullish();

const identity = {
  id: text(512).min(3),
  source: text(64).min(1),
  sourceKey: text(256).min(1),
  version,
};

const tripFields = {
  customer,
  pickup: place,
  dropoff: place,
  carGroup: text(32).min(1),
  price,
  channel: optionalText(64),
  attributes: z.record(z.string(), z.unknown()).default({}),
};

/** The id must be `<source>:<sourceKey>`: every stage relies on it being stable and derivable. */
function idMatchesSource(record: { id: string; source: string; sourceKey: string }, ctx: z.RefinementCtx) {
  if (record.id !== `${record.source}:${record.sourceKey}`) {
    ctx.addIssue({ code: 'custom', path: ['id'], message: 'must be <source>:<sourceKey>' });
  }
}

export const quoteUpsertSchema = z
  .object({
    kind: z.literal('quote'),
    op: z.literal('upsert'),
    ...identity,
    quotedAt: timestamp,
    brokerQuoteRef: optionalText(256),
    ...tripFields,
  })
  .superRefine(idMatchesSource);

export const bookingUpsertSchema = z
  .object({
    kind: z.literal('booking'),
    op: z.literal('upsert'),
    ...identity,
    bookedAt: timestamp,
    quoteRef: optionalText(256),
    status: z.enum(['confirmed', 'cancelled']),
    ...tripFields,
  })
  .superRefine(idMatchesSource);

/** A delete from a replication log may carry nothing but the key. */
export const deleteSchema = z
  .object({
    kind: z.enum(['quote', 'booking']),
    op: z.literal('delete'),
    ...identity,
  })
  .superRefine(idMatchesSource);

/** Event types: what the collector makes (click, postback), the pixel's view, and the Segment spec's calls. */
export const EVENT_TYPES = [
  'click',
  'view',
  'postback',
  'track',
  'page',
  'screen',
  'identify',
  'group',
  'alias',
] as const;

/** A JSON object of anything (Segment's traits, integrations and the objects of its context). */
const looseRecord = z.record(z.string(), z.unknown());

export const eventSchema = z.object({
  kind: z.literal('event'),
  /** A UUID; derived from `messageId` when the client sent one, so a client's retry keeps it. */
  id: z.uuid(),
  type: z.enum(EVENT_TYPES),
  name: text(256).min(1),
  receivedAt: timestamp,
  sentAt: timestamp.nullish(),
  /** The client's identity of the event (Segment's `messageId`, any string), else the `id`. */
  messageId: optionalText(512),
  /** When the event happened: the client's time corrected for its clock skew (see collector/README.md). */
  timestamp: timestamp.nullish(),
  /** The client's own clock reading of when it happened (Segment's `timestamp`/`originalTimestamp`). */
  originalTimestamp: timestamp.nullish(),
  project: text(64).min(1),
  anonymousId: optionalText(256),
  userId: optionalText(256),
  /** identify and group: what is known of the user or the group (email, phone, name…). */
  traits: looseRecord.nullish(),
  /** group: the group (account, company) the user belongs to. */
  groupId: optionalText(256),
  /** alias: the earlier identity (an anonymousId or an older userId) now known as `userId`. */
  previousId: optionalText(256),
  /** Segment's destination switches, kept as sent. */
  integrations: looseRecord.nullish(),
  /** Segment's `channel` (`browser`, `server`, `mobile`). */
  channel: optionalText(64),
  properties: looseRecord.default({}),
  // Segment lets a context carry any key (library, app, device, os, locale, timezone, traits…):
  // they are kept as sent. `page` and `referrer` are URLs here; the spec's objects of the same
  // names are kept whole as `pageInfo` / `referrerInfo` (the collector maps them).
  context: z
    .looseObject({
      ip: optionalText(64),
      userAgent: optionalText(2048),
      referrer: optionalText(2048),
      page: optionalText(2048),
      pageInfo: looseRecord.nullish(),
      referrerInfo: looseRecord.nullish(),
      campaign: z.record(z.string(), text()).default({}),
      /** What the collector made of the user agent (absent on events from elsewhere). */
      agent: z
        .object({
          browser: optionalText(64),
          browserVersion: optionalText(64),
          os: optionalText(64),
          osVersion: optionalText(64),
          deviceType: optionalText(64),
          bot: z.boolean(),
        })
        .nullish(),
    })
    .prefault({}),
});

export type QuoteUpsert = z.output<typeof quoteUpsertSchema>;
export type BookingUpsert = z.output<typeof bookingUpsertSchema>;
export type RecordDelete = z.output<typeof deleteSchema>;
export type Quote = QuoteUpsert | (RecordDelete & { kind: 'quote' });
export type Booking = BookingUpsert | (RecordDelete & { kind: 'booking' });
export type CanonicalEvent = z.output<typeof eventSchema>;
export type CanonicalRecord = QuoteUpsert | BookingUpsert | RecordDelete | CanonicalEvent;
