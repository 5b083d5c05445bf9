import { expect } from 'chai';
import r from 'rethinkdb';
import type { AlertDoc } from '../../../lib/alerts/alert.js';
import { WebhookReceiver, waitFor } from '../../support/alert-receivers.js';
import { TestWorkers, noChecks, onlyCheckEverySecond } from '../../support/test-worker.js';

/** A worker that runs no check, only the outbox sweep (every second, entries older than graceMs). */
const sweepOnly = (webhookUrl: string, graceMs: number) =>
  [
    noChecks(),
    '  alerts:',
    "    outboxSweep: '* * * * * *'",
    `    outboxGraceMs: ${graceMs}`,
    '    deliveryBackoffMs: 100',
    `    webhook: { url: '${webhookUrl}', format: json }`,
  ].join('\n');

/** What a worker that died after writing a firing alert, before queuing its delivery, leaves behind. */
function crashedFiringAlert(decidedAt: string): AlertDoc {
  const alert: AlertDoc = {
    id: 'connectors:rentalcars',
    check: 'connectors',
    subject: 'rentalcars',
    state: 'firing',
    summary: 'connector rentalcars is failing: connect ECONNREFUSED',
    details: {},
    value: null,
    since: decidedAt,
    evaluatedAt: decidedAt,
    firedAt: decidedAt,
    resolvedAt: null,
    notified: 'firing',
    lastFireNotifiedAt: decidedAt,
    silencedUntil: null,
    silencedBy: null,
    revision: 1,
  };
  return { ...alert, outbox: [{ state: 'firing', revision: 1, at: decidedAt, alert }] };
}

describe('worker alert outbox (real Redis, RethinkDB, HTTP server)', function () {
  this.timeout(60_000);
  let workers: TestWorkers;
  let webhook: WebhookReceiver;
  let webhookBase: string;

  beforeEach(async () => {
    workers = new TestWorkers();
    await workers.migrate();
    webhook = new WebhookReceiver();
    webhookBase = await webhook.start();
  });

  afterEach(async () => {
    await workers.close();
    await webhook.close();
  });

  describe('when a worker died between the alert write and queuing the delivery', () => {
    it('should deliver the notification from the outbox once, and empty it', async () => {
      const decidedAt = new Date(Date.now() - 120_000).toISOString();
      await workers.rethink.run(r.db(workers.db).table('alerts').insert(crashedFiringAlert(decidedAt)));
      const { registry } = await workers.start(
        workers.config(sweepOnly(`${webhookBase}/hook`, 60_000)),
        'one',
      );

      await waitFor('the webhook delivery', () => (webhook.requests.length >= 1 ? true : undefined));
      expect(webhook.requests[0]?.body).to.include({ event: 'firing' });
      expect(webhook.requests[0]?.body.alert).to.include({ id: 'connectors:rentalcars', state: 'firing' });
      const alert = await waitFor('the outbox emptied', async () => {
        const stored = await workers.alerts.get('connectors:rentalcars');
        return stored?.outbox?.length === 0 ? stored : undefined;
      });
      expect(alert).to.include({ state: 'firing', revision: 1 });

      // Three more sweeps: nothing is sent again.
      const sweeps = async () =>
        (await registry.getSingleMetric('quoteflow_worker_jobs_total')?.get())?.values.find(
          (value) => value.labels.name === 'outbox-sweep' && value.labels.outcome === 'completed',
        )?.value ?? 0;
      const after = await sweeps();
      await waitFor('three more sweeps', async () => ((await sweeps()) >= after + 3 ? true : undefined));
      expect(webhook.requests).to.have.length(1);
    });

    it('should leave an entry younger than the grace to the worker that decided it', async () => {
      const decidedAt = new Date().toISOString();
      await workers.rethink.run(r.db(workers.db).table('alerts').insert(crashedFiringAlert(decidedAt)));
      const { registry } = await workers.start(
        workers.config(sweepOnly(`${webhookBase}/hook`, 3_600_000)),
        'one',
      );
      const sweeps = async () =>
        (await registry.getSingleMetric('quoteflow_worker_jobs_total')?.get())?.values.find(
          (value) => value.labels.name === 'outbox-sweep' && value.labels.outcome === 'completed',
        )?.value ?? 0;
      await waitFor('two sweeps', async () => ((await sweeps()) >= 2 ? true : undefined));
      expect(webhook.requests).to.have.length(0);
      expect((await workers.alerts.get('connectors:rentalcars'))?.outbox).to.have.length(1);
    });
  });

  describe('when a check fires and its worker lives', () => {
    it('should queue the notification itself and leave the outbox empty', async () => {
      await workers.putStatus({
        id: 'connector:kayak',
        component: 'connector:kayak',
        source: 'kayak',
        state: 'failing',
        lastError: 'boom',
        updatedAt: new Date().toISOString(),
      });
      const yaml = [
        onlyCheckEverySecond('connectors'),
        '  alerts:',
        "    outboxSweep: '* * * * * *'",
        '    outboxGraceMs: 0',
        `    webhook: { url: '${webhookBase}/hook', format: json }`,
      ].join('\n');
      await workers.start(workers.config(yaml), 'one');
      await waitFor('the webhook delivery', () => (webhook.requests.length >= 1 ? true : undefined));
      const fired = await workers.alerts.get('connectors:kayak');
      await waitFor('three more runs', async () => {
        const alert = await workers.alerts.get('connectors:kayak');
        return alert && alert.revision >= (fired?.revision ?? 0) + 3 ? alert : undefined;
      });
      // Even with a sweep of no grace racing the worker, the delivery job's id is the same: one delivery.
      expect(webhook.requests).to.have.length(1);
      expect((await workers.alerts.get('connectors:kayak'))?.outbox).to.deep.equal([]);
    });
  });
});
