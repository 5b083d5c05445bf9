import type { CanonicalEvent } from '../../lib/records/canonical.js';
import { toEpochMs } from '../../lib/resolution/instant.js';
import { normaliseEmail, normalisePhone } from '../../lib/resolution/normalise.js';

/**
 * What an `identify` or `alias` call says about who a web visitor is: table `identities`, one
 * document per call, keyed by the event's id. Keyed so, a replayed or repeated call writes the
 * same document again and two calls never overwrite each other, whatever order they arrive in:
 * the links are exact under replays without any merging. Who a visitor is now is a read:
 * its links, latest `at` first (processor/README.md, "Identities").
 */
export interface IdentityLink {
  /** The id of the identify or alias event. */
  id: string;
  via: 'identify' | 'alias';
  project: string;
  /** identify: the visitor's anonymousId; alias: the earlier identity (`previousId`). */
  anonymousId: string | null;
  userId: string | null;
  /** `traits.email` normalised as the resolution rules normalise a customer's email. */
  email: string | null;
  /** `traits.phone` normalised as the resolution rules normalise a customer's phone. */
  phone: string | null;
  /** The call's traits as sent. */
  traits: Record<string, unknown>;
  /** When the call happened (the event's `timestamp`, else `receivedAt`), ISO-8601 UTC. */
  at: string;
  partition: number;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : null;

/**
 * The link an event makes, or null: an identify that names a userId or gives an email or a
 * phone, or an alias (previousId → userId). Other events link nothing.
 */
export function identityLink(
  event: CanonicalEvent,
  phoneDefaultCountryCode: string,
  partition: number,
): IdentityLink | null {
  if (event.type !== 'identify' && event.type !== 'alias') return null;
  const traits = event.traits ?? {};
  const email = normaliseEmail(text(traits.email));
  const phone = normalisePhone(text(traits.phone), phoneDefaultCountryCode);
  const anonymousId = event.type === 'alias' ? (event.previousId ?? null) : (event.anonymousId ?? null);
  const userId = event.userId ?? null;
  if (event.type === 'identify' && userId === null && email === null && phone === null) return null;
  if (event.type === 'alias' && (anonymousId === null || userId === null)) return null;
  return {
    id: event.id,
    via: event.type,
    project: event.project,
    anonymousId,
    userId,
    email,
    phone,
    traits,
    at: new Date(toEpochMs(event.timestamp ?? event.receivedAt, 'UTC', 'timestamp')).toISOString(),
    partition,
  };
}
