import { Registry, collectDefaultMetrics } from 'prom-client';

export const METRIC_PREFIX = 'quoteflow_';

/**
 * One Prometheus registry per process, with the Node.js runtime metrics and a `service` label on
 * every series, so one scrape config serves every Quoteflow container.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
