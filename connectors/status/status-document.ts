import type { SourceStatus } from '../source-status.js';
import { statusAt } from '../source-status.js';

/** The pipeline_status document of one source (lib/rethinkdb/tables.ts): component `connector:<source>`. */
export interface StatusDocument extends SourceStatus {
  id: string;
  component: string;
}

export function statusDocument(status: SourceStatus, now: Date): StatusDocument {
  const component = `connector:${status.source}`;
  // Offsets are plain JSON already; the copy keeps later changes out of a write in flight.
  return {
    ...statusAt(status, now.getTime()),
    offsets: JSON.parse(JSON.stringify(status.offsets)) as Record<string, unknown>,
    id: component,
    component,
    updatedAt: now.toISOString(),
  };
}
