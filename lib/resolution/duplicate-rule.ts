import type { NormalisedQuote } from './trip-record.js';
import { sameCustomer, sameStations } from './trip-record.js';
import type { ResolutionRules } from './rules.js';

/** Two quotes are one demand (DESIGN.md): same customer, same stations, close pickup, drop-off and quote times. */
export function isDuplicatePair(a: NormalisedQuote, b: NormalisedQuote, rules: ResolutionRules): boolean {
  return (
    sameStations(a, b) &&
    sameCustomer(a, b) &&
    Math.abs(a.pickupAt - b.pickupAt) <= rules.duplicatePickupToleranceMs &&
    Math.abs(a.dropoffAt - b.dropoffAt) <= rules.duplicateDropoffToleranceMs &&
    Math.abs(a.quotedAt - b.quotedAt) <= rules.duplicateQuotedWithinMs
  );
}

export interface DuplicateExplanation {
  duplicate: boolean;
  /** Which normalised customer keys are equal on both sides. */
  sameCustomerBy: ('email' | 'phone' | 'name')[];
  sameStations: boolean;
  pickupApartMinutes: number;
  dropoffApartMinutes: number;
  quotedApartHours: number;
}

/** Why two quotes are (or are not) one demand, for the dashboard's demand view. */
export function explainDuplicate(
  a: NormalisedQuote,
  b: NormalisedQuote,
  rules: ResolutionRules,
): DuplicateExplanation {
  const keys = ['email', 'phone', 'name'] as const;
  return {
    duplicate: isDuplicatePair(a, b, rules),
    sameCustomerBy: keys.filter((key) => a[key] !== null && a[key] === b[key]),
    sameStations: sameStations(a, b),
    pickupApartMinutes: Math.abs(a.pickupAt - b.pickupAt) / 60_000,
    dropoffApartMinutes: Math.abs(a.dropoffAt - b.dropoffAt) / 60_000,
    quotedApartHours: Math.abs(a.quotedAt - b.quotedAt) / 3_600_000,
  };
}
