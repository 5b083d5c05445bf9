import { wallClockAt, zonedToEpochMs } from '../../../lib/resolution/instant.js';

export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Every zone offset is a multiple of 15 minutes, so a local day starts on a 15-minute boundary. */
const QUARTER = 15 * MINUTE;

/**
 * Bucket starts of an instant: minutes and hours in UTC, days at midnight of the KPI time zone
 * (a local day may last 23 or 25 hours). Returned as ISO-8601 UTC strings, the rollups' `start`.
 */
export class BucketClock {
  private readonly dayStarts = new Map<number, number>();

  constructor(private readonly zone: string) {}

  starts(ms: number): Record<Granularity, string> {
    return {
      minute: new Date(Math.floor(ms / MINUTE) * MINUTE).toISOString(),
      hour: new Date(Math.floor(ms / HOUR) * HOUR).toISOString(),
      day: new Date(this.dayStart(ms)).toISOString(),
    };
  }

  dayStart(ms: number): number {
    const quarter = Math.floor(ms / QUARTER);
    let start = this.dayStarts.get(quarter);
    if (start === undefined) {
      const wall = wallClockAt(ms, this.zone);
      start = zonedToEpochMs({ ...wall, hour: 0, minute: 0, second: 0 }, this.zone);
      if (this.dayStarts.size > 10_000) this.dayStarts.clear();
      this.dayStarts.set(quarter, start);
    }
    return start;
  }
}
