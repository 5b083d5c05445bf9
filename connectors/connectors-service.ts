import type { KafkaClient as Kafka, KafkaProducer as Producer } from '../lib/kafka/client-types.js';
import { MemoizedDefaultPartitioner } from '../lib/kafka/memoized-partitioner.js';
import type { Config } from '../lib/config/schema.js';
import { QuoteflowError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { KafkaOffsetStore } from './offsets/offset-store.js';
import { MysqlLogReader } from './log/mysql-log-reader.js';
import { PgLogReader } from './log/pg-log-reader.js';
import { replicationNames } from '../lib/config/replication-identity.js';
import { PollReader } from './poll/poll-reader.js';
import type { SinkTopics } from './record-sink.js';
import { RecordSink } from './record-sink.js';
import type { SourceReader } from './source-runner.js';
import { SourceRunner } from './source-runner.js';
import type { SourceStatus } from './source-status.js';

export interface ConnectorsServiceOptions {
  config: Pick<Config, 'kafka' | 'connectors' | 'sources'>;
  kafka: Kafka;
  logger: Logger;
}

/**
 * `quoteflow connectors`: one runner per enabled source, sharing one idempotent producer and one
 * offset store. Sources fail and recover independently.
 */
export class ConnectorsService {
  private constructor(
    readonly runners: readonly SourceRunner[],
    private readonly producer: Producer,
  ) {}

  static async start(options: ConnectorsServiceOptions): Promise<ConnectorsService> {
    const { config, kafka, logger } = options;
    const sources = config.sources.filter((source) => source.enabled);
    const topics = await sinkTopics(kafka, config.kafka);
    // The Java client's partitioner (murmur2): a key lands where any Kafka client would put it;
    // each key hashed once (keys are station pairs, repeated across a batch).
    const producer = kafka.producer({
      createPartitioner: MemoizedDefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    try {
      const offsetStore = await KafkaOffsetStore.open({
        kafka,
        producer,
        topic: config.connectors.offsetsTopic,
        replicationFactor: config.kafka.topics.quotes.replicationFactor,
        logger,
      });
      const slotsInUse = new Set(
        sources
          .filter((source) => source.mode === 'log' && source.client === 'postgres')
          .map((source) => replicationNames(source).slot),
      );
      const runners = sources.map((source) => {
        // The binlog's before images carry the old stations: no last key per id to keep.
        const keysFromRows = source.mode === 'log' && source.client === 'mysql';
        const sink = new RecordSink({ source: source.name, producer, offsetStore, topics, keysFromRows });
        const log = logger.child({ source: source.name });
        let reader: SourceReader;
        if (source.mode === 'poll') reader = new PollReader(source, sink);
        else if (source.client === 'postgres') reader = new PgLogReader(source, sink, log, slotsInUse);
        else reader = new MysqlLogReader(source, sink, log);
        return new SourceRunner({ source, reader, logger, backoff: config.connectors });
      });
      for (const runner of runners) runner.start();
      logger.info(
        { sources: sources.map((s) => `${s.name} (${s.client}, ${s.mode})`) },
        'connectors started',
      );
      return new ConnectorsService(runners, producer);
    } catch (error) {
      await producer.disconnect();
      throw error;
    }
  }

  /** Each source's live status (the runners update it in place). */
  statuses(): SourceStatus[] {
    return this.runners.map((runner) => runner.status);
  }

  async stop(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    await this.producer.disconnect();
  }
}

async function sinkTopics(kafka: Kafka, config: Config['kafka']): Promise<SinkTopics> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = [config.topics.quotes.name, config.topics.bookings.name, config.topics.dlq.name];
    const existing = new Set(await admin.listTopics());
    const missing = names.filter((name) => !existing.has(name));
    if (missing.length > 0) {
      throw new QuoteflowError(
        'TOPICS_MISSING',
        `Kafka topics missing: ${missing.join(', ')} (run quoteflow migrate)`,
        { retriable: true },
      );
    }
    const metadata = await admin.fetchTopicMetadata({ topics: names });
    const partitions = (name: string) => metadata.topics.find((t) => t.name === name)?.partitions.length ?? 1;
    return {
      quote: { name: config.topics.quotes.name, partitions: partitions(config.topics.quotes.name) },
      booking: { name: config.topics.bookings.name, partitions: partitions(config.topics.bookings.name) },
      dlq: config.topics.dlq.name,
    };
  } finally {
    await admin.disconnect();
  }
}
