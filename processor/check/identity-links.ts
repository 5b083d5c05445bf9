import type { CanonicalEvent } from '../../lib/records/canonical.js';
import type { IdentityLink } from '../core/identity.js';
import { identityLink } from '../core/identity.js';

/** The fields of an identity link that a recomputation from its event must reproduce. */
const COMPARED = [
  'via',
  'project',
  'anonymousId',
  'userId',
  'email',
  'phone',
  'traits',
  'at',
  'partition',
] as const;

/** JSON with object keys sorted, so a document RethinkDB hands back with its keys reordered compares equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The expected link of a stored event (processor/core/identity.ts), or null. The stored event doc
 * carries the partition that wrote it.
 */
export function expectedLink(
  event: CanonicalEvent & { partition?: number },
  phoneDefaultCountryCode: string,
): IdentityLink | null {
  return identityLink(event, phoneDefaultCountryCode, event.partition ?? 0);
}

/**
 * Differences between the links recomputed from a slice of events and the stored documents of
 * the same ids: a link missing, or a field that differs (named, without its value: traits hold
 * personal data).
 */
export function identityDifferences(
  expected: readonly IdentityLink[],
  stored: ReadonlyMap<string, Record<string, unknown>>,
): string[] {
  const out: string[] = [];
  for (const link of expected) {
    const doc = stored.get(link.id);
    if (doc === undefined) {
      out.push(`identity ${link.id}: expected but not stored`);
      continue;
    }
    for (const field of COMPARED) {
      if (canonicalJson(doc[field]) !== canonicalJson(link[field])) {
        out.push(`identity ${link.id} ${field}: stored value differs from the recomputed one`);
      }
    }
  }
  return out;
}
