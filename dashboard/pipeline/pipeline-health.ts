/**
 * Pipeline health as cards (pure): one per connector source, per processor partition group, per
 * collector and per worker, each with a state, a lag, a rate that reads 0 when nothing moves, the
 * last error, a few figures and the raw document behind a "details" toggle.
 *
 * A processor partition group is one partition number across the trip and event topics: the
 * co-partition assigner gives quotes and bookings partition N to one member, and its lag is what
 * an operator acts on. Its rate comes from the committed offsets between two samples, so a quiet
 * group reads 0 and not its last batch's size.
 */

export type CardKind = 'connector' | 'processor' | 'collector' | 'worker';
export type CardState =
  'running' | 'caught-up' | 'behind' | 'starting' | 'failing' | 'stopped' | 'stale' | 'unknown';

export interface HealthCard {
  id: string;
  kind: CardKind;
  title: string;
  state: CardState;
  /** Connectors: seconds behind the source; processors: messages not yet processed; else null. */
  lag: number | null;
  /** Connectors: rows/s; processors: messages/s; collectors and workers: null. */
  rate: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
  updatedAt: string | null;
  /** What else an operator reads on the card, in order. */
  figures: [string, string | number | null][];
  /** The documents behind the card, for the details toggle (offsets and all). */
  details: Record<string, unknown>[];
  /** Committed offsets summed over the group (processors), to derive the next rate. */
  position?: number;
}

export interface HealthSample {
  at: number;
  lag: number | null;
  rate: number | null;
}

/** A connector that has written no status for this long is shown as stale, its rate as 0. */
export const STALE_AFTER_MS = 60_000;

type Doc = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

function isStale(doc: Doc, now: number): boolean {
  const updated = Date.parse(text(doc.updatedAt) ?? '');
  return Number.isNaN(updated) || now - updated > STALE_AFTER_MS;
}

function connectorCard(doc: Doc, now: number): HealthCard {
  const stale = isStale(doc, now);
  const reported = text(doc.state);
  const state: CardState = stale
    ? 'stale'
    : reported === 'running' || reported === 'failing' || reported === 'starting' || reported === 'stopped'
      ? reported
      : 'unknown';
  const source = text(doc.source) ?? String(doc.id);
  return {
    id: String(doc.id),
    kind: 'connector',
    title: source,
    state,
    lag: num(doc.lagSeconds),
    // A connector that stopped reporting moves nothing that we know of.
    rate: stale ? 0 : (num(doc.rowsPerSecond) ?? 0),
    lastError: text(doc.lastError),
    lastErrorAt: text(doc.lastErrorAt),
    updatedAt: text(doc.updatedAt),
    figures: [
      ['mode', [text(doc.mode), text(doc.client)].filter((part) => part !== null).join(' · ')],
      ['phase', text(doc.phase)],
      ['rows', num(doc.rowsTotal)],
      ['to DLQ', num(doc.dlqTotal)],
    ],
    details: [doc],
  };
}

function processorCards(
  docs: Doc[],
  now: number,
  previous: Map<string, { at: number; position: number }>,
): HealthCard[] {
  const groups = new Map<number, Doc[]>();
  for (const doc of docs) {
    const partition = num(doc.partition) ?? -1;
    groups.set(partition, [...(groups.get(partition) ?? []), doc]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([partition, group]) => {
      const id = `processor:${partition}`;
      const lags = group.map((doc) => num(doc.lag));
      const lag = lags.some((l) => l === null) ? null : lags.reduce<number>((sum, l) => sum + (l ?? 0), 0);
      const position = group.reduce((sum, doc) => sum + Number(text(doc.lastOffset) ?? 0), 0);
      const before = previous.get(id);
      const seconds = before ? (now - before.at) / 1000 : 0;
      const rate = before && seconds > 0 ? Math.max(0, (position - before.position) / seconds) : 0;
      const lagError = group.map((doc) => text(doc.lagError)).find((error) => error !== null) ?? null;
      const newest =
        group
          .map((doc) => text(doc.updatedAt) ?? '')
          .sort()
          .at(-1) ?? null;
      return {
        id,
        kind: 'processor' as const,
        title: `partition ${partition}`,
        state: lag === null ? ('unknown' as const) : lag === 0 ? ('caught-up' as const) : ('behind' as const),
        lag,
        rate,
        lastError: lagError,
        lastErrorAt: null,
        updatedAt: newest === '' ? null : newest,
        figures: [
          ['topics', group.map((doc) => text(doc.topic) ?? '?').join(', ')],
          ['to DLQ (last batch)', group.reduce((sum, doc) => sum + (num(doc.dlq) ?? 0), 0)],
        ],
        details: group,
        position,
      };
    });
}

function collectorCard(doc: Doc, now: number): HealthCard {
  const deadLetters = num(doc.deadLetters) ?? 0;
  return {
    id: String(doc.id),
    kind: 'collector',
    title: String(doc.id).replace(/^collector:/, ''),
    state: isStale(doc, now) ? 'stale' : deadLetters > 0 ? 'failing' : 'running',
    lag: null,
    rate: null,
    lastError:
      deadLetters > 0
        ? `${deadLetters} event(s) Kafka refused for good, in the spool's dead-letter file`
        : null,
    lastErrorAt: null,
    updatedAt: text(doc.updatedAt),
    figures: [
      ['spooled events', num(doc.spoolRecords)],
      ['spool bytes', num(doc.spoolBytes)],
      ['segments', num(doc.spoolSegments)],
      ['dead letters', deadLetters],
    ],
    details: [doc],
  };
}

function workerCard(doc: Doc, now: number): HealthCard {
  const failed = (num(doc.checksFailed) ?? 0) + (num(doc.notificationsFailed) ?? 0);
  return {
    id: String(doc.id),
    kind: 'worker',
    title: String(doc.id).replace(/^worker:/, ''),
    state: isStale(doc, now) ? 'stale' : failed > 0 ? 'failing' : 'running',
    lag: null,
    rate: null,
    lastError: text(doc.lastFailure),
    lastErrorAt: text(doc.lastFailureAt),
    updatedAt: text(doc.updatedAt),
    figures: [
      ['checks done', num(doc.checksCompleted)],
      ['checks failed', num(doc.checksFailed)],
      ['notifications sent', num(doc.notificationsDelivered)],
      ['delivery failures', num(doc.notificationsFailed)],
    ],
    details: [doc],
  };
}

/** The cards of every pipeline_status document (processors with `lag` from Kafka), connectors first. */
export function healthCards(
  components: Doc[],
  now: number,
  previous: Map<string, { at: number; position: number }> = new Map(),
): HealthCard[] {
  const component = (doc: Doc) => text(doc.component) ?? '';
  return [
    ...components
      .filter((doc) => component(doc).startsWith('connector:'))
      .map((doc) => connectorCard(doc, now)),
    ...processorCards(
      components.filter((doc) => component(doc) === 'processor'),
      now,
      previous,
    ),
    ...components.filter((doc) => component(doc) === 'collector').map((doc) => collectorCard(doc, now)),
    ...components.filter((doc) => component(doc) === 'worker').map((doc) => workerCard(doc, now)),
  ];
}
