/** What the dashboard and /metrics show of one source (DESIGN.md: status per source). */
export interface SourceStatus {
  source: string;
  mode: 'poll' | 'log';
  client: 'postgres' | 'mysql';
  state: 'starting' | 'running' | 'failing' | 'stopped';
  /** snapshot until every table caught up once, then streaming. */
  phase: 'snapshot' | 'streaming';
  /** The committed offset of each table (poll) or of the source's log. */
  offsets: Record<string, unknown>;
  /** Seconds between now and the newest change committed (poll: its updatedAt; log: its commit time). */
  lagSeconds: number | null;
  rowsPerSecond: number;
  rowsTotal: number;
  dlqTotal: number;
  lastError: string | null;
  lastErrorAt: string | null;
  updatedAt: string;
}

export function initialStatus(
  source: string,
  mode: SourceStatus['mode'],
  client: SourceStatus['client'],
): SourceStatus {
  return {
    source,
    mode,
    client,
    state: 'starting',
    phase: 'snapshot',
    offsets: {},
    lagSeconds: null,
    rowsPerSecond: 0,
    rowsTotal: 0,
    dlqTotal: 0,
    lastError: null,
    lastErrorAt: null,
    updatedAt: new Date().toISOString(),
  };
}
