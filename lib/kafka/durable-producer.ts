import type { Kafka } from 'kafkajs';
import { classifyKafkaError } from './kafka-errors.js';

/** One Kafka record as the appliance writes it: a key (it picks the partition) and a value. */
export interface KeyedRecord {
  key: string;
  value: Buffer | string;
}

/**
 * What the collector needs of a Kafka producer: a call that resolves only once every record of it
 * is acknowledged by all in-sync replicas (acks=all), and rejects with an error already classified
 * by `classifyKafkaError` (KAFKA_RECORD_REFUSED, KAFKA_REFUSED, or the retriable KAFKA_UNAVAILABLE),
 * so callers decide between the spool, the DLQ and a retry without knowing the client.
 */
export interface DurableProducer {
  connect(): Promise<void>;
  send(topic: string, records: readonly KeyedRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * The durable producer on kafkajs. Not idempotent: kafkajs allows that only with one request in
 * flight, which would serialise the collector's `maxInFlightProduces` calls; a record sent twice
 * (a retry of a request the broker wrote) is one event id, which the processor stores once.
 * Topics are never created by a send: a missing topic is the deployment's mistake (KAFKA_REFUSED).
 */
export function createDurableProducer(kafka: Kafka): DurableProducer {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  return {
    connect: () => producer.connect(),
    async send(topic, records) {
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: records.map((record) => ({ key: record.key, value: record.value })),
        });
      } catch (error) {
        throw classifyKafkaError(error);
      }
    },
    disconnect: () => producer.disconnect(),
  };
}
