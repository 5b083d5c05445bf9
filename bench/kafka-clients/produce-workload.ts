import type { BenchClient } from './bench-client.js';
import { COLLECTOR_PRODUCE } from './bench-client.js';
import { batchesOf, cpuSince, percentile } from './workload.js';

export interface ProduceFigures {
  messagesPerSecond: number;
  /** Per produce call: every record of a call is acknowledged together. */
  ackP50Ms: number;
  ackP99Ms: number;
  cpuMicrosPerMessage: number;
}

/**
 * The collector's durable sink pattern: `inFlight` calls at once, each a batch of `batchSize`
 * records sent with acks=all, the next batch going as soon as a call resolves. The records are
 * made before the clock starts, so only the client's work (and the broker's answer) is measured.
 */
export async function measureProduce(
  client: BenchClient,
  brokers: string[],
  topic: string,
  options: { messages: number; batchSize: number; runId: string },
): Promise<ProduceFigures> {
  const producer = await client.producer(brokers);
  try {
    // Connections, metadata and the producer's first request are set up outside the measure.
    await producer.send(
      topic,
      batchesOf(-options.batchSize, options.batchSize, options.batchSize, options.runId)[0] ?? [],
    );
    const batches = batchesOf(0, options.messages, options.batchSize, options.runId);
    const latencies: number[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let batch = batches[next++]; batch !== undefined; batch = batches[next++]) {
        const started = performance.now();
        await producer.send(topic, batch);
        latencies.push(performance.now() - started);
      }
    };
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(Array.from({ length: COLLECTOR_PRODUCE.inFlight }, lane));
    const seconds = (performance.now() - started) / 1000;
    const cpuMicros = cpuSince(cpu);
    latencies.sort((a, b) => a - b);
    return {
      messagesPerSecond: options.messages / seconds,
      ackP50Ms: percentile(latencies, 50),
      ackP99Ms: percentile(latencies, 99),
      cpuMicrosPerMessage: cpuMicros / options.messages,
    };
  } finally {
    await producer.close();
  }
}
