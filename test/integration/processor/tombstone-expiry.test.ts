import { expect } from 'chai';
import { createKafka } from '../../../lib/kafka/kafka-client.js';
import { resolutionRules } from '../../../lib/resolution/rules.js';
import { ProcessorService } from '../../../processor/processor-service.js';
import type { QuoteDoc, TombstoneDoc } from '../../../processor/store/documents.js';
import { ProcessorStore } from '../../../processor/store/processor-store.js';
import { ProcessorHarness } from '../../support/processor-harness.js';
import { silentLogger } from '../../support/silent-logger.js';
import { quote, remove } from '../../support/trip-records.js';

const DAY = 86_400_000;

describe('processor tombstone expiry (real Kafka and ReQL server)', function () {
  this.timeout(120_000);
  let harness: ProcessorHarness;
  let service: ProcessorService;

  before(async () => {
    harness = new ProcessorHarness();
    await harness.setUp();
    const { config } = harness;
    service = new ProcessorService({
      kafka: createKafka(config.kafka, silentLogger),
      store: new ProcessorStore(harness.client),
      logger: silentLogger,
      topics: config.kafka.topics,
      processor: config.processor,
      rules: resolutionRules(config.resolution, config.sources),
      kpiTimeZone: config.kpi.timezone,
    });
    await service.start();
  });

  after(async () => {
    await service.stop();
    await harness.tearDown();
  });

  describe('when a deleted quote’s tombstone is older than processor.tombstoneRetentionDays', () => {
    it('should remove it from the store and forget the delete, and not before', async () => {
      const stations = new Map<string, string>();
      await harness.produceTrips([quote('1', { version: 1 }), remove('quote', 'rentalcars:1', 2)], stations);
      await harness.waitUntilCaughtUp();
      const stones = await harness.table<TombstoneDoc>('tombstones');
      expect(stones.map((stone) => stone.recordId)).to.deep.equal(['rentalcars:1']);
      expect(Date.now() - Date.parse(stones[0]?.deletedAt ?? '')).to.be.within(0, 60_000);

      expect(await service.expireTombstones(Date.now())).to.equal(0);
      await harness.produceTrips([quote('1', { version: 1 })], stations);
      await harness.waitUntilCaughtUp();
      expect(
        await harness.table<QuoteDoc>('quotes'),
        'older version while the tombstone lives',
      ).to.deep.equal([]);

      const retention = harness.config.processor.tombstoneRetentionDays ?? 0;
      expect(await service.expireTombstones(Date.now() + (retention + 1) * DAY)).to.equal(1);
      expect(await harness.table<TombstoneDoc>('tombstones')).to.deep.equal([]);
      // Forgotten in memory too: past the retention, any version of the record is news again.
      await harness.produceTrips([quote('1', { version: 1 })], stations);
      await harness.waitUntilCaughtUp();
      expect((await harness.table<QuoteDoc>('quotes')).map((doc) => doc.id)).to.deep.equal(['rentalcars:1']);
    });
  });
});
