import { normaliseStation } from '../../lib/resolution/normalise.js';

/**
 * The Kafka key of a quote or booking: its normalised pickup and drop-off stations, so every
 * candidate duplicate or match lands in one partition. The normalisation is the resolution rules'
 * own (lib/resolution/normalise.ts): partitioning is right only while the two agree, so there is
 * one copy.
 */
export function stationKey(pickup: string, dropoff: string): string {
  return `${normaliseStation(pickup)}|${normaliseStation(dropoff)}`;
}
