import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { WebhookReceiver, waitFor } from '../../support/alert-receivers.js';
import { rethinkdbUrlFor } from '../../support/test-rethinkdb.js';
import { TestWorkers, onlyCheckEverySecond } from '../../support/test-worker.js';
import { spawnWorkerProcess } from '../../support/worker-process.js';

/**
 * A `quoteflow worker` process is SIGKILLed while its webhook call hangs; another worker takes the
 * delivery up once the dead one's lock expires, and the notification arrives.
 */
describe('worker killed mid-job (real process, Redis, RethinkDB)', function () {
  this.timeout(90_000);
  let workers: TestWorkers;
  let webhook: WebhookReceiver;
  let dir: string;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    workers = new TestWorkers();
    await workers.migrate();
    webhook = new WebhookReceiver();
    dir = await mkdtemp(join(tmpdir(), 'qf-worker-'));
  });

  afterEach(async () => {
    child?.kill('SIGKILL');
    await workers.close();
    await webhook.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should leave the job to another worker, which delivers it', async () => {
    const url = await webhook.start();
    webhook.statuses = [0];
    await workers.putStatus({
      id: 'connector:rentalcars',
      component: 'connector:rentalcars',
      source: 'rentalcars',
      state: 'failing',
      lastError: 'connect ECONNREFUSED',
      updatedAt: new Date().toISOString(),
    });
    const workerYaml = [
      '  stalledJobMs: 2000',
      onlyCheckEverySecond('connectors'),
      '  alerts:',
      '    deliveryBackoffMs: 100',
      `    webhook: { url: '${url}/hook', timeoutMs: 60000 }`,
    ].join('\n');
    const worker = await spawnWorkerProcess({
      dir,
      queuePrefix: workers.prefix,
      workerYaml,
      rethinkdbUrl: rethinkdbUrlFor(workers.db),
    });
    child = worker.child;
    const { exited } = worker;
    // The process takes the notification and hangs on the webhook: kill it there.
    await waitFor(
      'the webhook call of the worker process',
      () => (webhook.requests.length >= 1 ? true : undefined),
      45_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; worker output: ${worker.output()}`);
    });
    child.kill('SIGKILL');
    expect(await exited).to.equal('SIGKILL');
    expect(worker.output()).to.include('worker started');
    const history = await workers.alerts.history({ limit: 50, alertId: 'connectors:rentalcars' });
    expect(history.map((event) => event.type)).to.deep.equal(['fired']);

    // Another worker (same queues, same config) picks the stalled delivery up.
    const config = workers.config(workerYaml);
    await workers.start(config, 'survivor');
    const delivered = await waitFor('the delivery by the surviving worker', async () => {
      const events = await workers.alerts.history({ limit: 50, alertId: 'connectors:rentalcars' });
      return events.find((event) => event.type === 'notified');
    });
    expect(delivered).to.include({ channel: 'webhook' });
    expect(webhook.requests).to.have.length(2);
    expect(webhook.requests[1]?.body).to.deep.equal(webhook.requests[0]?.body);
  });
});
