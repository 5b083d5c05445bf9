import type { Registry } from 'prom-client';
import { Counter, Gauge } from 'prom-client';
import { METRIC_PREFIX } from '../../lib/metrics.js';
import type { SourceStatus } from '../source-status.js';
import { statusAt } from '../source-status.js';

/**
 * Each source's status as Prometheus series, read from the runners whenever /metrics is scraped.
 * Labels: source, mode (poll|log), client (postgres|mysql).
 */
export function registerConnectorMetrics(registry: Registry, statuses: () => readonly SourceStatus[]): void {
  const labelNames = ['source', 'mode', 'client'] as const;
  const labels = (s: SourceStatus) => ({ source: s.source, mode: s.mode, client: s.client });
  // Counters follow the runners' totals: each scrape adds what changed since the one before.
  const counter = (name: string, help: string, total: (s: SourceStatus) => number) => {
    const seen = new Map<string, number>();
    return new Counter({
      name: `${METRIC_PREFIX}connector_${name}`,
      help,
      labelNames,
      registers: [registry],
      collect() {
        for (const status of statuses()) {
          const before = seen.get(status.source) ?? 0;
          const now = total(status);
          if (now > before) this.inc(labels(status), now - before);
          seen.set(status.source, Math.max(before, now));
        }
      },
    });
  };
  counter('rows_total', 'Row changes delivered to Kafka (acknowledged), per source', (s) => s.rowsTotal);
  counter('dlq_total', 'Rows that could not be mapped and went to the DLQ, per source', (s) => s.dlqTotal);
  const gauge = (name: string, help: string, value: (s: SourceStatus) => number | null) =>
    new Gauge({
      name: `${METRIC_PREFIX}connector_${name}`,
      help,
      labelNames,
      registers: [registry],
      collect() {
        const now = Date.now();
        for (const status of statuses()) {
          const v = value(statusAt(status, now));
          if (v !== null) this.set(labels(status), v);
        }
      },
    });
  gauge('up', '1 while the source is read without error, else 0', (s) => (s.state === 'running' ? 1 : 0));
  gauge('streaming', '1 once the snapshot is done and changes stream, 0 during the snapshot', (s) =>
    s.phase === 'streaming' ? 1 : 0,
  );
  gauge(
    'rows_per_second',
    'Rows per second of the latest batch or poll (0 once a log source was quiet for 10 s)',
    (s) => s.rowsPerSecond,
  );
  gauge(
    'lag_seconds',
    'Age of the newest delivered change (log) or of the last caught-up poll',
    (s) => s.lagSeconds,
  );
  gauge('last_error_timestamp_seconds', 'When the source last failed (0: never)', (s) =>
    s.lastErrorAt === null ? 0 : Date.parse(s.lastErrorAt) / 1000,
  );
  new Gauge({
    name: `${METRIC_PREFIX}connector_sources`,
    help: 'Enabled sources',
    registers: [registry],
    collect() {
      this.set(statuses().length);
    },
  });
}
