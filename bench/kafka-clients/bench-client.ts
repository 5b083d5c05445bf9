/**
 * What the Kafka client bench asks of each client: the collector's durable produce (acks=all,
 * resolved once every record of the call is acknowledged) and the processor's batch consume
 * (a batch per fetch of a partition, its offset committed by hand after it). One adapter a client
 * implements it, so the workloads around it are the same code for all.
 */
export interface BenchRecord {
  key: string;
  value: string;
}

export interface BenchProducer {
  /** Resolves when all records are acknowledged by all in-sync replicas; rejects when not. */
  send(topic: string, records: readonly BenchRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumedBatch {
  /** The records' values, in partition order. */
  values: string[];
}

export interface BenchConsumer {
  /**
   * Reads `topic` from its beginning in consumer group `groupId`, calls `onBatch` for each batch
   * and commits the batch's last offset + 1 after it, until `done()` says so.
   */
  consume(options: {
    topic: string;
    groupId: string;
    onBatch: (batch: ConsumedBatch) => void;
    done: () => boolean;
  }): Promise<void>;
}

export interface BenchClient {
  name: string;
  /** A connected producer with the collector's settings on `brokers`. */
  producer(brokers: string[]): Promise<BenchProducer>;
  consumer(brokers: string[]): BenchConsumer;
}

/** How the collector calls its producer (lib/config/schema.ts, collector section). */
export const COLLECTOR_PRODUCE = {
  /** `collector.lingerMs`: writes arriving within it share a request. */
  lingerMs: 2,
  /** `collector.maxInFlightProduces`. */
  inFlight: 8,
} as const;
