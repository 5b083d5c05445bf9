/** DESIGN.md "station: trim, upper-case". */
export function normaliseStation(station: string): string {
  return station.trim().toUpperCase();
}

/**
 * The Kafka key of a quote or booking: its normalised pickup and drop-off stations, so every
 * candidate duplicate or match lands in one partition.
 */
export function stationKey(pickup: string, dropoff: string): string {
  return `${normaliseStation(pickup)}|${normaliseStation(dropoff)}`;
}
