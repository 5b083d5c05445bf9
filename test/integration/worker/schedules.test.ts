import { Queue } from 'bullmq';
import { expect } from 'chai';
import type { Registry } from 'prom-client';
import { createRedis } from '../../../lib/redis.js';
import { CHECKS_QUEUE } from '../../../worker/queues.js';
import { waitFor } from '../../support/alert-receivers.js';
import { services } from '../../support/services.js';
import { silentLogger } from '../../support/silent-logger.js';
import { TestWorkers, onlyCheckEverySecond } from '../../support/test-worker.js';

const onlyConnectorsEverySecond = onlyCheckEverySecond('connectors');

async function completedChecks(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('quoteflow_worker_jobs_total')?.get();
  return (metric?.values ?? [])
    .filter((value) => value.labels.queue === 'checks' && value.labels.outcome === 'completed')
    .reduce((sum, value) => sum + value.value, 0);
}

describe('worker schedules (real Redis and RethinkDB)', function () {
  this.timeout(60_000);
  let workers: TestWorkers;

  beforeEach(async () => {
    workers = new TestWorkers();
    await workers.migrate();
  });

  afterEach(async () => {
    await workers.close();
  });

  describe('when three workers run the same schedules', () => {
    it('should run each tick once, not once per worker', async () => {
      const config = workers.config(onlyConnectorsEverySecond);
      const started = await Promise.all(['a', 'b', 'c'].map((name) => workers.start(config, name)));
      const total = async () =>
        (await Promise.all(started.map(({ registry }) => completedChecks(registry)))).reduce(
          (a, b) => a + b,
          0,
        );
      await waitFor('six check runs', async () => ((await total()) >= 6 ? true : undefined));
      // Stopped, so that the runs counted and the jobs listed below are the same ones.
      await workers.stopAll();
      const runs = await total();
      const redis = createRedis({ url: services.redisUrl }, silentLogger, { forBullmq: true });
      const queue = new Queue(CHECKS_QUEUE, { connection: redis, prefix: workers.prefix });
      try {
        const jobs = (await queue.getJobs(['completed'])).filter(
          (job) => job.repeatJobKey === 'check:connectors',
        );
        // A scheduled job is the scheduler's run at one tick: its id ends with the tick's time.
        const ticks = jobs.map((job) => Number(/:(\d+)$/.exec(job.id ?? '')?.[1])).sort((a, b) => a - b);
        // Every run the three workers counted is one job, and no tick has two: one run per tick.
        expect(jobs).to.have.length(runs);
        expect(new Set(ticks).size).to.equal(ticks.length);
        // The ticks are the schedule's (every whole second), and its next run the one after the last.
        expect(ticks.every((tick) => tick % 1000 === 0)).to.equal(true);
        const [scheduler] = await queue.getJobSchedulers();
        expect(scheduler?.next)
          .to.be.a('number')
          .and.to.be.above(ticks.at(-1) ?? Infinity);
        expect((scheduler?.next ?? 0) % 1000).to.equal(0);
      } finally {
        await queue.close();
        await redis.quit();
      }
    });
  });

  describe('when Redis lost the schedulers', () => {
    it('should register them again from the config when a worker starts, disabled checks left out', async () => {
      const config = workers.config(onlyConnectorsEverySecond);
      await workers.start(config, 'a');
      const redis = createRedis({ url: services.redisUrl }, silentLogger, { forBullmq: true });
      const queue = new Queue(CHECKS_QUEUE, { connection: redis, prefix: workers.prefix });
      try {
        expect((await queue.getJobSchedulers()).map((scheduler) => scheduler.key)).to.deep.equal([
          'check:connectors',
        ]);
        await workers.stopAll();
        await queue.obliterate({ force: true });
        expect(await queue.getJobSchedulersCount()).to.equal(0);

        await workers.start(config, 'b');
        const schedulers = await queue.getJobSchedulers();
        expect(schedulers.map((scheduler) => [scheduler.key, scheduler.pattern, scheduler.tz])).to.deep.equal(
          [['check:connectors', '* * * * * *', 'UTC']],
        );
        await waitFor('a run after the re-registration', async () =>
          ((await queue.getJobCounts('completed')).completed ?? 0) > 0 ? true : undefined,
        );
      } finally {
        await queue.close();
        await redis.quit();
      }
    });

    it('should register them again when its Redis connection comes back', async () => {
      const config = workers.config(onlyConnectorsEverySecond);
      const { redis: workerRedis } = await workers.start(config, 'a');
      const redis = createRedis({ url: services.redisUrl }, silentLogger, { forBullmq: true });
      const queue = new Queue(CHECKS_QUEUE, { connection: redis, prefix: workers.prefix });
      try {
        await queue.obliterate({ force: true });
        expect(await queue.getJobSchedulersCount()).to.equal(0);
        // As after a Redis restart without persistence: the connection drops and comes back.
        workerRedis.disconnect(true);
        await waitFor('the scheduler registered again', async () =>
          (await queue.getJobSchedulersCount()) === 1 ? true : undefined,
        );
      } finally {
        await queue.close();
        await redis.quit();
      }
    });
  });
});
