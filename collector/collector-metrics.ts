import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import { METRIC_PREFIX } from '../lib/metrics.js';
import type { Spool } from './spool/spool.js';

/** The collector's Prometheus series (quoteflow_collector_*). */
export function createCollectorMetrics(registry: Registry, spool: () => Spool | undefined) {
  const prefix = `${METRIC_PREFIX}collector_`;
  const requests = new Counter({
    name: `${prefix}requests_total`,
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: `${prefix}events_total`,
    help: 'Events by outcome (kafka, spool, rejected, refused) and reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  });
  const kafkaLatency = new Histogram({
    name: `${prefix}kafka_produce_seconds`,
    help: 'Time Kafka took to acknowledge a produce request (acks=all)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: `${prefix}spool_bytes`,
    help: 'Bytes held in the spool (on disk and being written)',
    registers: [registry],
    collect() {
      this.set(spool()?.bytes ?? 0);
    },
  });
  new Gauge({
    name: `${prefix}spool_records`,
    help: 'Records in the spool not yet acknowledged by Kafka',
    registers: [registry],
    collect() {
      this.set(spool()?.stats().records ?? 0);
    },
  });
  const fallbacks = new Counter({
    name: `${prefix}kafka_fallbacks_total`,
    help: 'Produce requests whose events went to the spool, by reason (deadline, error)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const replayed = new Counter({
    name: `${prefix}spool_replayed_total`,
    help: 'Records replayed from the spool and acknowledged by Kafka',
    registers: [registry],
  });
  const deadLettered = new Counter({
    name: `${prefix}dead_letters_total`,
    help: "Records Kafka refused for good, kept in the spool directory's dead-letter file (alert on any)",
    registers: [registry],
  });
  const dlq = new Counter({
    name: `${prefix}dlq_total`,
    help: 'Rejected events sent to qf.dlq with their reason, by outcome (sent, failed: only counted and logged)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return { requests, events, kafkaLatency, fallbacks, replayed, deadLettered, dlq };
}

export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;
