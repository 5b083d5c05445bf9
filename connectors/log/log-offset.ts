import type { Cursorable } from '../poll/poll-cursor.js';

/** The key log mode commits its offset under: one position for the whole source. */
export const LOG_OFFSET_KEY = '$log';

/**
 * What log mode commits: the phase, the log position to stream from (Postgres: an LSN; MySQL: a
 * binlog file and position), and during the snapshot the table and key it reached.
 */
export interface LogOffset {
  mode: 'log';
  phase: 'snapshot' | 'streaming';
  /** Identifies the slot (Postgres) or server (MySQL) the position belongs to. */
  stream: string;
  position: string;
  snapshot: { table: string; key: Cursorable | null } | null;
}

export function isLogOffset(value: unknown): value is LogOffset {
  return typeof value === 'object' && value !== null && (value as { mode?: unknown }).mode === 'log';
}

/** The offset of a position reached while streaming changes. */
export function streamingOffset(stream: string, position: string): LogOffset {
  return { mode: 'log', phase: 'streaming', stream, position, snapshot: null };
}
