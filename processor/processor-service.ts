import type {
  KafkaBatchPayload as EachBatchPayload,
  KafkaClient as Kafka,
  KafkaConsumer as Consumer,
  KafkaProducer as Producer,
} from '../lib/kafka/client-types.js';
import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { KafkaConfig, ProcessorConfig } from '../lib/config/schema.js';
import { QuoteflowError } from '../lib/errors.js';
import { KeyedLock } from '../lib/keyed-lock.js';
import type { Logger } from '../lib/logger.js';
import { METRIC_PREFIX } from '../lib/metrics.js';
import { coPartitionAssigner } from '../lib/kafka/co-partition-assigner.js';
import { BucketClock } from './core/kpi/buckets.js';
import type { ResolutionRules } from '../lib/resolution/rules.js';
import { eventJournal, validateEvents } from './pipeline/event-batch.js';
import type { DlqEntry, InboundBatch } from './pipeline/messages.js';
import { StepTimer } from './pipeline/step-timer.js';
import { TripSlot } from './pipeline/trip-slot.js';
import type { Journal } from './store/documents.js';
import type { ProcessorStore } from './store/processor-store.js';

export interface ProcessorServiceOptions {
  kafka: Kafka;
  store: ProcessorStore;
  logger: Logger;
  topics: KafkaConfig['topics'];
  processor: ProcessorConfig;
  rules: ResolutionRules;
  /** IANA zone of day buckets (kpi.timezone). */
  kpiTimeZone: string;
  /** Where the step timings and counters go; none in tests that do not read them. */
  registry?: Registry;
  /** Consume from the earliest retained offset when the group has none. Default true. */
  fromBeginning?: boolean;
  /**
   * Called when the consumer stops for good (kafkajs gives up on a non-retriable error, e.g. the
   * group evicted this member): the process should exit so that its supervisor starts it again.
   */
  onFatal?: (error: Error) => void;
  /** Called after a batch is written and committed, with its messages' Kafka timestamps (bench, tests). */
  onCommitted?: (batch: { topic: string; partition: number; timestamps: number[] }) => void;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface Metrics {
  records?: Counter<'topic' | 'outcome'>;
  latency?: Histogram;
  lag?: Gauge<'topic' | 'partition'>;
  timer: StepTimer;
}

/**
 * `quoteflow processor`: one member of the processor consumer group. For each batch of a
 * topic-partition it runs the pipeline on the in-memory state of that partition number, writes
 * the batch's journal, applies it to RethinkDB, and only then commits the Kafka offset. State is
 * (re)built from RethinkDB, after re-applying the last journal, whenever the group rebalances.
 */
export class ProcessorService {
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly slots = new Map<string, TripSlot | 'events'>();
  /** Partition N of qf.quotes and of qf.bookings share slot `trip:N`: their batches take turns. */
  private readonly slotLock = new KeyedLock();
  private readonly clock: BucketClock;
  private readonly metrics: Metrics;
  private running = false;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: ProcessorServiceOptions) {
    const { kafka, processor } = options;
    this.consumer = kafka.consumer({
      groupId: processor.groupId,
      sessionTimeout: processor.sessionTimeoutMs,
      maxBytesPerPartition: processor.maxBytesPerPartition,
      partitionAssigners: [coPartitionAssigner],
    });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.clock = new BucketClock(options.kpiTimeZone);
    const { registry } = options;
    this.metrics = {
      timer: new StepTimer(registry ? StepTimer.histogram(registry) : undefined),
      ...(registry
        ? {
            records: new Counter({
              name: `${METRIC_PREFIX}processor_records_total`,
              help: 'Messages processed, by topic and outcome (applied, unchanged, dlq)',
              labelNames: ['topic', 'outcome'],
              registers: [registry],
            }),
            latency: new Histogram({
              name: `${METRIC_PREFIX}processor_latency_seconds`,
              help: 'From the Kafka message timestamp to its batch written to RethinkDB',
              buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
              registers: [registry],
            }),
            lag: new Gauge({
              name: `${METRIC_PREFIX}processor_lag_messages`,
              help: 'Messages on the partition after the last one processed, when its last batch was fetched',
              labelNames: ['topic', 'partition'],
              registers: [registry],
            }),
          }
        : {}),
    };
  }

  get healthy(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    const { topics, logger } = this.options;
    await this.checkCoPartitioned();
    await this.producer.connect();
    await this.consumer.connect();
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      // Another member may have written the partitions we get back: rebuild them from the store.
      this.slots.clear();
      logger.info({ assignment: event.payload.memberAssignment }, 'partitions assigned');
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.slots.clear();
      const { error, restart } = event.payload;
      logger.error({ err: error, restart }, 'consumer crashed');
      if (restart) return;
      // kafkajs will not restart it: a live process that consumes nothing would look healthy.
      this.running = false;
      this.options.onFatal?.(error);
    });
    await this.consumer.subscribe({
      topics: [topics.quotes.name, topics.bookings.name, topics.events.name],
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: this.options.processor.concurrentPartitions,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.running = true;
    this.sweeper = setInterval(() => {
      this.expireTombstones().catch((error: unknown) => {
        logger.warn({ err: error }, 'could not expire tombstones; trying again in an hour');
      });
    }, HOUR_MS);
    this.sweeper.unref();
  }

  /**
   * Forgets the deletes older than processor.tombstoneRetentionDays in every partition this
   * instance holds and removes their tombstones from the store (hourly, and after each rebuild).
   * Returns how many expired.
   */
  async expireTombstones(now = Date.now()): Promise<number> {
    const cutoff = this.tombstoneCutoff(now);
    if (cutoff === undefined) return 0;
    let expired = 0;
    for (const slot of [...this.slots.values()]) {
      if (slot !== 'events') expired += await this.expireIn(slot, cutoff);
    }
    if (expired > 0) this.options.logger.info({ expired }, 'expired tombstones of old deletes');
    return expired;
  }

  private tombstoneCutoff(now: number): number | undefined {
    const days = this.options.processor.tombstoneRetentionDays;
    return days === null ? undefined : now - days * DAY_MS;
  }

  private async expireIn(slot: TripSlot, cutoff: number): Promise<number> {
    const ids = slot.expireTombstones(cutoff);
    if (ids.length > 0) await this.options.store.expireTombstones(ids, new Date(cutoff).toISOString());
    return ids.length;
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.running = false;
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  private async checkCoPartitioned(): Promise<void> {
    const { kafka, topics } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topics.quotes.name, topics.bookings.name] });
      const counts = metadata.topics.map((topic) => topic.partitions.length);
      if (counts[0] !== counts[1]) {
        throw new QuoteflowError(
          'KAFKA_TOPICS_NOT_COPARTITIONED',
          `${topics.quotes.name} has ${counts[0] ?? 0} partitions and ${topics.bookings.name} ${counts[1] ?? 0}: ` +
            'they must have the same number (kafka.topics.quotes.partitions, kafka.topics.bookings.partitions)',
        );
      }
    } finally {
      await admin.disconnect();
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const isEvents = batch.topic === this.options.topics.events.name;
    const slotId = `${isEvents ? 'events' : 'trip'}:${batch.partition}`;
    await this.slotLock.run(slotId, () => this.processBatch(payload, slotId, isEvents));
  }

  private async processBatch(payload: EachBatchPayload, slotId: string, isEvents: boolean): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || payload.isStale() || !payload.isRunning()) return;
    const { topics, store } = this.options;
    const { timer } = this.metrics;
    const inbound: InboundBatch = {
      topic: batch.topic,
      partition: batch.partition,
      messages: batch.messages,
    };
    try {
      const slot = await this.slot(slotId, batch.partition, isEvents);
      await payload.heartbeat();
      let journal: Journal;
      let dlq: DlqEntry[];
      let applied: number;
      if (slot === 'events') {
        const validated = validateEvents(inbound, timer);
        const stored = await store.storedEventIds(validated.events.map((event) => event.id));
        journal = eventJournal(
          inbound,
          validated.events,
          stored,
          this.clock,
          timer,
          this.options.rules.phoneDefaultCountryCode,
        );
        dlq = validated.dlq;
        applied = journal.events.length;
      } else {
        const kind = batch.topic === topics.quotes.name ? 'quote' : 'booking';
        ({ journal, dlq, applied } = await slot.processBatch(inbound, kind));
      }
      // Heartbeats between the steps: a long batch (a rebuild, many reads) must not cost this
      // member its place in the group (processor.sessionTimeoutMs). kafkajs sends one only when
      // the heartbeat interval has passed, so this is cheap.
      await payload.heartbeat();
      if (dlq.length > 0) await this.sendToDlq(dlq);
      await timer.timeAsync('journal', () => store.writeJournal(journal));
      await timer.timeAsync('write', () => store.applyJournal(journal));
      await payload.heartbeat();
      await timer.timeAsync('sync', () => store.syncApplied());
      await timer.timeAsync('commit', () =>
        this.consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(batch.lastOffset()) + 1n).toString(),
          },
        ]),
      );
      // The high watermark comes with the fetch: how far behind this partition was at that moment.
      const lag = Number(BigInt(batch.highWatermark) - BigInt(batch.lastOffset()) - 1n);
      this.observe(batch.topic, batch.messages, applied, dlq.length);
      this.metrics.lag?.set({ topic: batch.topic, partition: batch.partition }, lag);
      await this.reportStatus(batch.topic, batch.partition, batch.lastOffset(), {
        lag,
        applied,
        unchanged: batch.messages.length - applied - dlq.length,
        dlq: dlq.length,
      });
      this.options.onCommitted?.({
        topic: batch.topic,
        partition: batch.partition,
        timestamps: batch.messages.map((message) => Number(message.timestamp)),
      });
    } catch (error) {
      // The in-memory state may be ahead of the store: drop it; the next batch rebuilds it.
      this.slots.delete(slotId);
      throw error;
    } finally {
      timer.flush();
    }
  }

  private async slot(slotId: string, partition: number, isEvents: boolean): Promise<TripSlot | 'events'> {
    const existing = this.slots.get(slotId);
    if (existing) return existing;
    const { store, rules } = this.options;
    const pending = await store.readJournal(slotId);
    if (pending) await store.applyJournal(pending);
    let slot: TripSlot | 'events' = 'events';
    if (!isEvents) {
      const started = Date.now();
      const trip = new TripSlot(partition, {
        rules,
        clock: this.clock,
        timer: this.metrics.timer,
        memory: {
          reader: store.tripReader,
          keepPastPickupMs: this.options.processor.keepPastPickupDays * DAY_MS,
        },
      });
      // Journals of older versions carry no watermark: start the floor from now then.
      const watermark =
        pending?.watermark ?? ((await store.hasTripRecords(partition)) ? Date.now() : undefined);
      const loaded = await trip.restoreWindow(await store.loadTombstones(partition), watermark);
      const cutoff = this.tombstoneCutoff(Date.now());
      if (cutoff !== undefined) await this.expireIn(trip, cutoff);
      slot = trip;
      this.options.logger.info(
        { partition, ...loaded, watermark, ms: Date.now() - started },
        'partition state rebuilt from RethinkDB',
      );
    }
    this.slots.set(slotId, slot);
    return slot;
  }

  /** Status for the dashboard's pipeline view; a failure here is logged, never fatal. */
  private async reportStatus(
    topic: string,
    partition: number,
    lastOffset: string,
    counts: { lag: number; applied: number; unchanged: number; dlq: number },
  ): Promise<void> {
    try {
      await this.options.store.reportStatus({
        id: `processor:${topic}:${partition}`,
        component: 'processor',
        topic,
        partition,
        lastOffset,
        ...counts,
        updatedAt: new Date().toISOString(),
      });
    } catch (error) {
      this.options.logger.warn({ topic, partition, err: error }, 'could not write pipeline status');
    }
  }

  private async sendToDlq(entries: readonly DlqEntry[]): Promise<void> {
    const { topics, logger } = this.options;
    for (const entry of entries) {
      logger.warn(
        { topic: entry.topic, partition: entry.partition, offset: entry.offset, reason: entry.reason },
        'record sent to the DLQ',
      );
    }
    await this.producer.send({
      topic: topics.dlq.name,
      acks: -1,
      messages: entries.map((entry) => ({
        key: `${entry.topic}:${entry.partition}:${entry.offset}`,
        value: JSON.stringify(entry),
      })),
    });
  }

  private observe(
    topic: string,
    messages: readonly { timestamp: string }[],
    applied: number,
    dlq: number,
  ): void {
    const { records, latency } = this.metrics;
    records?.inc({ topic, outcome: 'applied' }, applied);
    records?.inc({ topic, outcome: 'dlq' }, dlq);
    records?.inc({ topic, outcome: 'unchanged' }, messages.length - applied - dlq);
    const now = Date.now();
    for (const message of messages) latency?.observe((now - Number(message.timestamp)) / 1000);
  }
}
