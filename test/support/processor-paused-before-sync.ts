/**
 * `quoteflow processor` for crash tests: the same service, configured from the QF_ environment
 * as the CLI does, except that the Nth batch (QF_TEST_PAUSE_AT_SYNC, default 1) stops after its
 * soft writes, just before they are synced and its offset committed. It then prints
 * QF_TEST_PAUSE_MARKER on standard output and waits for the test to kill it (and, in one test,
 * the RethinkDB server under it). Started by ProcessorHarness.startPausedBeforeSync.
 */
import { pino } from 'pino';
import { parseConfig } from '../../lib/config/load-config.js';
import { createKafka } from '../../lib/kafka/kafka-client.js';
import { createLogger } from '../../lib/logger.js';
import { RethinkdbClient } from '../../lib/rethinkdb/rethinkdb-client.js';
import { resolutionRules } from '../../lib/resolution/rules.js';
import { ProcessorService } from '../../processor/processor-service.js';
import { ProcessorStore } from '../../processor/store/processor-store.js';

const pauseAt = Number(process.env.QF_TEST_PAUSE_AT_SYNC ?? '1');
const marker = process.env.QF_TEST_PAUSE_MARKER ?? 'paused';

class PausingStore extends ProcessorStore {
  private syncs = 0;

  override async syncApplied(): Promise<void> {
    this.syncs++;
    if (this.syncs === pauseAt) {
      process.stdout.write(`${marker}\n`);
      await new Promise<never>(() => undefined);
    }
    await super.syncApplied();
  }
}

const { config } = parseConfig('', process.env);
const logger = createLogger({ level: config.log.level, name: 'processor', destination: pino.destination(2) });
const client = RethinkdbClient.fromConfig(config.rethinkdb, logger);
const service = new ProcessorService({
  kafka: createKafka(config.kafka, logger),
  store: new PausingStore(client),
  logger,
  topics: config.kafka.topics,
  processor: config.processor,
  rules: resolutionRules(config.resolution, config.sources),
  kpiTimeZone: config.kpi.timezone,
});
await service.start();
