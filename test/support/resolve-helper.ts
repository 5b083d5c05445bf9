import { parseConfig } from '../../lib/config/load-config.js';
import type { BookingUpsert, QuoteUpsert, RecordDelete } from '../../lib/records/canonical.js';
import type { ResolutionLine } from '../../processor/core/resolution-output.js';
import { resolutionLines } from '../../processor/core/resolution-output.js';
import { Resolver } from '../../processor/core/resolver.js';
import type { ResolutionRules } from '../../lib/resolution/rules.js';
import { resolutionRules } from '../../lib/resolution/rules.js';
import { toTripChange } from '../../processor/core/trip-change.js';

export const defaultRules: ResolutionRules = resolutionRules(parseConfig('', {}).config.resolution);

export type TripRecord = QuoteUpsert | BookingUpsert | RecordDelete;

export function resolveRecords(records: readonly TripRecord[], rules = defaultRules): Resolver {
  const resolver = new Resolver(rules);
  for (const record of records) resolver.apply(toTripChange(record, rules));
  return resolver;
}

export function resolve(records: readonly TripRecord[], rules = defaultRules): ResolutionLine[] {
  return resolutionLines(resolveRecords(records, rules));
}
