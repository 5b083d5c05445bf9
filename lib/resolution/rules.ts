import type { Config, ResolutionConfig } from '../config/schema.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The resolution rules in milliseconds, derived once from `resolution` and `sources` config. */
export interface ResolutionRules {
  phoneDefaultCountryCode: string;
  duplicatePickupToleranceMs: number;
  duplicateDropoffToleranceMs: number;
  duplicateQuotedWithinMs: number;
  matchPickupToleranceMs: number;
  matchDropoffToleranceMs: number;
  matchBookedWithinMs: number;
  /** Time zone of each source's timestamps without offset; absent sources read UTC. */
  sourceTimeZones: ReadonlyMap<string, string>;
}

export function resolutionRules(
  resolution: ResolutionConfig,
  sources: Config['sources'] = [],
): ResolutionRules {
  return {
    phoneDefaultCountryCode: resolution.phoneDefaultCountryCode,
    duplicatePickupToleranceMs: resolution.duplicates.pickupToleranceHours * HOUR_MS,
    duplicateDropoffToleranceMs: resolution.duplicates.dropoffToleranceHours * HOUR_MS,
    duplicateQuotedWithinMs: resolution.duplicates.quotedWithinDays * DAY_MS,
    matchPickupToleranceMs: resolution.matching.pickupToleranceHours * HOUR_MS,
    matchDropoffToleranceMs: resolution.matching.dropoffToleranceHours * HOUR_MS,
    matchBookedWithinMs: resolution.matching.bookedWithinDays * DAY_MS,
    sourceTimeZones: new Map(sources.map((source) => [source.name, source.timezone])),
  };
}

/**
 * Width of the pickup-time blocks: candidates lie in the same or a neighbouring block, so the
 * cost of finding them stays bounded however many records a customer has.
 */
export function blockWidthMs(rules: ResolutionRules): number {
  return Math.max(rules.duplicatePickupToleranceMs, rules.matchPickupToleranceMs, HOUR_MS);
}
