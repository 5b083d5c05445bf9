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

/**
 * How long a log source may deliver nothing before its rate reads 0 (and, streaming without error,
 * its lag 0): a rate and lag are set per delivered batch, and without this they would show the
 * last batch's figures for as long as the source's tables stay quiet.
 */
export const IDLE_AFTER_MS = 10_000;

/** The status as it stands at `now` (epoch ms): a quiet log source moves no rows and lags nothing. */
export function statusAt(status: SourceStatus, now: number): SourceStatus {
  if (status.mode !== 'log' || now - Date.parse(status.updatedAt) < IDLE_AFTER_MS) return status;
  const caughtUp = status.state === 'running' && status.phase === 'streaming';
  return { ...status, rowsPerSecond: 0, lagSeconds: caughtUp ? 0 : status.lagSeconds };
}
