import type { BenchClient } from './bench-client.js';
import { kafkajsClient } from './kafkajs-client.js';
import { platformaticClient } from './platformatic-client.js';

export interface UnavailableClient {
  name: string;
  error: string;
}

/**
 * The candidates, kafkajs first (the baseline of every ratio). The librdkafka binding is a native
 * addon built from source at install time: where it did not build, it is reported, not measured.
 */
export async function loadClients(): Promise<{ clients: BenchClient[]; unavailable: UnavailableClient[] }> {
  const clients: BenchClient[] = [kafkajsClient, platformaticClient];
  const unavailable: UnavailableClient[] = [];
  try {
    const { confluentClient } = await import('./confluent-client.js');
    clients.push(confluentClient);
  } catch (error) {
    unavailable.push({
      name: '@confluentinc/kafka-javascript 1.10.1',
      error: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '',
    });
  }
  return { clients, unavailable };
}
