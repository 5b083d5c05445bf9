import type { BenchClient } from './bench-client.js';
import { cpuSince } from './workload.js';

/** A client that has not read everything by then is reported as stuck, not waited for. */
const CONSUME_LIMIT_MS = 120_000;

export interface ConsumeFigures {
  messagesPerSecond: number;
  cpuMicrosPerMessage: number;
  /** From the consumer's start to its first batch: connecting and joining the group. */
  firstBatchMs: number;
}

/**
 * The processor's batch pattern over a topic already holding `messages` records: a new consumer
 * group reads it from the beginning, a batch per partition fetch, each batch's offset committed by
 * hand before the next. Measured from the first batch to the last, so joining the group (which
 * depends on the broker's rebalance delay, not the client) is reported apart.
 */
export async function measureConsume(
  client: BenchClient,
  brokers: string[],
  topic: string,
  options: { messages: number; groupId: string },
): Promise<ConsumeFigures> {
  let read = 0;
  let firstCount: number | undefined;
  let firstAt: number | undefined;
  let cpu: NodeJS.CpuUsage | undefined;
  const started = performance.now();
  const consuming = client.consumer(brokers).consume({
    topic,
    groupId: options.groupId,
    onBatch: (batch) => {
      // The first batch only starts the clock; its own records are not counted in the rate.
      if (firstAt === undefined) {
        firstAt = performance.now();
        cpu = process.cpuUsage();
        firstCount = batch.values.length;
      } else {
        read += batch.values.length;
      }
    },
    done: () => (firstCount ?? 0) + read >= options.messages,
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `read ${(firstCount ?? 0) + read} of ${options.messages} records in ${CONSUME_LIMIT_MS} ms`,
        ),
      );
    }, CONSUME_LIMIT_MS);
  });
  await Promise.race([consuming, timedOut]).finally(() => {
    clearTimeout(timer);
  });
  const ended = performance.now();
  const cpuMicros = cpu ? cpuSince(cpu) : Number.NaN;
  return {
    messagesPerSecond: read / ((ended - (firstAt ?? ended)) / 1000),
    cpuMicrosPerMessage: cpuMicros / read,
    firstBatchMs: (firstAt ?? ended) - started,
  };
}
