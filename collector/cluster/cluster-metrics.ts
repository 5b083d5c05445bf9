import cluster from 'node:cluster';
import type { Registry } from 'prom-client';
import { AggregatorRegistry } from 'prom-client';
import { errorMessage } from '../../lib/errors.js';

/** What GET /metrics answers with: one registry, or the sum over the workers. */
export interface MetricsExposition {
  metrics(): Promise<string>;
  readonly contentType: string;
}

const REQUEST = 'quoteflow:metrics-request';
const RESPONSE = 'quoteflow:metrics-response';
const TIMEOUT_MS = 5000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}

interface MetricsResponse {
  type: typeof RESPONSE;
  id: number;
  text?: string;
  error?: string;
}

const isMessage = <T extends { type: string }>(message: unknown, type: T['type']): message is T =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/**
 * In the primary: answers a worker's request for the metrics of all workers. A scrape reaches one
 * worker (the port is shared), so that worker asks the primary, which gathers every worker's
 * registry with prom-client's AggregatorRegistry (counters and histograms summed).
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    const reply = (answer: Omit<MetricsResponse, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: RESPONSE, id: message.id, ...answer });
    };
    aggregator.clusterMetrics().then(
      (text) => {
        reply({ text });
      },
      (error: unknown) => {
        reply({ error: errorMessage(error) });
      },
    );
  });
}

/** In a worker: the exposition of all workers, asked of the primary; the registry is this worker's share. */
export function clusterMetricsExposition(registry: Registry): MetricsExposition {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs prom-client's listener that answers the primary's gathering.
  new AggregatorRegistry();
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  process.on('message', (message: unknown) => {
    if (!isMessage<MetricsResponse>(message, RESPONSE)) return;
    const request = pending.get(message.id);
    pending.delete(message.id);
    if (message.text !== undefined) request?.resolve(message.text);
    else request?.reject(new Error(message.error ?? 'no metrics'));
  });
  return {
    contentType: registry.contentType,
    metrics: () =>
      new Promise<string>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('the primary did not answer with the metrics'));
        }, TIMEOUT_MS);
        pending.set(id, {
          resolve: (text) => {
            clearTimeout(timer);
            resolve(text);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        process.send?.({ type: REQUEST, id } satisfies MetricsRequest);
      }),
  };
}
