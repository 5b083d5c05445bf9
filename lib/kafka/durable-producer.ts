import { ProduceAcks, Producer } from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { KafkaConfig } from '../config/schema.js';
import { classifyKafkaError } from './kafka-errors.js';
import { javaCompatibleRecordPartitioner } from './partitioners.js';
import { connectionOptions } from './platformatic-options.js';

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

const toBuffer = (value: Buffer | string): Buffer => (typeof value === 'string' ? Buffer.from(value) : value);

/**
 * The durable producer on @platformatic/kafka (the collector's hot path: a third of kafkajs' CPU
 * per record, bench/README.md "kafka-clients.ts"). Not idempotent: an idempotent producer allows
 * one request in flight, which would serialise the collector's `maxInFlightProduces` calls; a
 * record sent twice (a retry of a request the broker wrote) is one event id, which the processor
 * stores once. Records are partitioned as the Java client (and kafkajs before) did, so a visitor's
 * events keep their partition across the switch. Topics are never created by a send: a missing
 * topic is the deployment's mistake.
 */
export function createDurableProducer(config: KafkaConfig, logger: Logger): DurableProducer {
  const producer = new Producer({
    ...connectionOptions(config),
    acks: ProduceAcks.ALL,
    idempotent: false,
    autocreateTopics: false,
    partitioner: javaCompatibleRecordPartitioner,
  });
  const log = logger.child({ component: 'kafka-producer' });
  // The client logs only through the `debug` package (DEBUG=plt:kafka:*); what operators need
  // is a broker connection lost, which it reports as an event. A failed attempt is debug only:
  // while a broker is down it fires on every retry, and the failed sends are logged by their callers.
  producer.on('client:broker:disconnect', ({ broker }) => {
    log.warn({ broker: `${broker.host}:${broker.port}` }, 'Kafka broker connection closed');
  });
  producer.on('client:broker:failed', ({ broker }) => {
    log.debug({ broker: `${broker.host}:${broker.port}` }, 'Kafka broker connection failed');
  });
  return {
    async connect() {
      try {
        // A metadata request opens (and authenticates) a connection to a bootstrap broker.
        await producer.metadata({ topics: [] });
      } catch (error) {
        throw classifyKafkaError(error);
      }
    },
    async send(topic, records) {
      try {
        await producer.send({
          messages: records.map((record) => ({
            topic,
            key: Buffer.from(record.key),
            value: toBuffer(record.value),
          })),
        });
      } catch (error) {
        throw classifyKafkaError(error);
      }
    },
    disconnect: () => producer.close(),
  };
}
