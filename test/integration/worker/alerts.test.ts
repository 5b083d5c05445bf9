import { expect } from 'chai';
import r from 'rethinkdb';
import type { AlertEvent } from '../../../lib/alerts/alert.js';
import { SmtpReceiver, WebhookReceiver, waitFor } from '../../support/alert-receivers.js';
import { TestWorkers, onlyCheckEverySecond } from '../../support/test-worker.js';

/** Only the connectors check, every second. */
const connectorsEverySecond = () => onlyCheckEverySecond('connectors', 'staleMinutes: 10');

const connectorStatus = (source: string, state: 'running' | 'failing') => ({
  id: `connector:${source}`,
  component: `connector:${source}`,
  source,
  state,
  lastError: state === 'failing' ? 'connect ECONNREFUSED 10.0.0.7:5432' : null,
  updatedAt: new Date().toISOString(),
});

describe('worker alerts (real Redis, RethinkDB, HTTP and SMTP servers)', function () {
  this.timeout(60_000);
  let workers: TestWorkers;
  let webhook: WebhookReceiver;
  let smtp: SmtpReceiver;
  let webhookBase: string;

  beforeEach(async () => {
    workers = new TestWorkers();
    await workers.migrate();
    webhook = new WebhookReceiver();
    webhookBase = await webhook.start();
    smtp = new SmtpReceiver();
    await smtp.start();
  });

  afterEach(async () => {
    await workers.close();
    await webhook.close();
    await smtp.close();
  });

  const alertsSection = (webhookUrl: string, extra = '') =>
    [
      '  alerts:',
      '    renotifyMinutes: 60',
      '    deliveryBackoffMs: 100',
      extra,
      `    webhook: { url: '${webhookUrl}', format: json }`,
      '    email:',
      "      to: ['ops@example.com', 'it@example.com']",
      "      from: 'quoteflow@example.com'",
      `      smtp: { host: 127.0.0.1, port: ${smtp.port}, user: alerts, password: 's3cret-smtp-password' }`,
    ]
      .filter((line) => line !== '')
      .join('\n');

  describe('when a connector fails and recovers', () => {
    it('should notify once on firing and once on resolving, by webhook and by mail', async () => {
      await workers.putStatus(connectorStatus('rentalcars', 'failing'));
      const config = workers.config(
        `${connectorsEverySecond()}\n${alertsSection(`${webhookBase}/hooks/T0/B0/tok3n`)}`,
      );
      await workers.start(config, 'one');

      await waitFor('the firing webhook and mail', () =>
        webhook.requests.length >= 1 && smtp.messages.length >= 1 ? true : undefined,
      );
      const fired = webhook.requests[0]?.body;
      expect(fired).to.include({ source: 'quoteflow', event: 'firing' });
      expect(fired?.alert).to.include({
        id: 'connectors:rentalcars',
        check: 'connectors',
        subject: 'rentalcars',
        state: 'firing',
        summary: 'connector rentalcars is failing: connect ECONNREFUSED 10.0.0.7:5432',
      });
      expect(smtp.messages[0]).to.include({ from: 'quoteflow@example.com' });
      expect(smtp.messages[0]?.to).to.deep.equal(['ops@example.com', 'it@example.com']);
      expect(smtp.messages[0]?.subject).to.include('[FIRING] connectors rentalcars');
      expect(smtp.logins).to.deep.equal([{ username: 'alerts', password: 's3cret-smtp-password' }]);

      // Three more runs while it still fails: no repeat.
      const firedAlert = await workers.alerts.get('connectors:rentalcars');
      await waitFor('three more runs while firing', async () => {
        await workers.putStatus(connectorStatus('rentalcars', 'failing'));
        const alert = await workers.alerts.get('connectors:rentalcars');
        return alert && alert.revision >= (firedAlert?.revision ?? 0) + 3 ? alert : undefined;
      });
      expect(webhook.requests).to.have.length(1);
      expect(smtp.messages).to.have.length(1);

      await workers.putStatus(connectorStatus('rentalcars', 'running'));
      await waitFor('the resolved webhook and mail', () =>
        webhook.requests.length >= 2 && smtp.messages.length >= 2 ? true : undefined,
      );
      expect(webhook.requests[1]?.body).to.include({ event: 'resolved' });
      expect(smtp.messages[1]?.subject).to.include('[RESOLVED] connectors rentalcars');

      // Three more runs of the check: nothing more is sent.
      const resolvedAt = await workers.alerts.get('connectors:rentalcars');
      await waitFor('three more runs', async () => {
        const alert = await workers.alerts.get('connectors:rentalcars');
        return alert && alert.revision >= (resolvedAt?.revision ?? 0) + 3 ? alert : undefined;
      });
      expect(webhook.requests).to.have.length(2);
      expect(smtp.messages).to.have.length(2);

      const history = await workers.alerts.history({ limit: 50, alertId: 'connectors:rentalcars' });
      const types = history.map((event) => `${event.type}${event.channel ? `:${event.channel}` : ''}`).sort();
      expect(types).to.deep.equal([
        'fired',
        'notified:email',
        'notified:email',
        'notified:webhook',
        'notified:webhook',
        'resolved',
      ]);
      const alert = await workers.alerts.get('connectors:rentalcars');
      expect(alert).to.include({ state: 'resolved', notified: 'resolved' });

      // Secrets never reach the log: the webhook token and the SMTP password.
      const log = workers.logLines.join('');
      expect(log).not.to.include('tok3n');
      expect(log).not.to.include('s3cret-smtp-password');
    });
  });

  describe('when the webhook fails', () => {
    it('should retry with backoff, record every failed attempt, and deliver in the end', async () => {
      webhook.statuses = [500, 503];
      await workers.putStatus(connectorStatus('autoeurope', 'failing'));
      const config = workers.config(
        `${connectorsEverySecond()}\n${alertsSection(`${webhookBase}/hook?token=tok3n`)}`,
      );
      await workers.start(config, 'one');

      const delivered = await waitFor('the webhook delivery', async () => {
        const history = await workers.alerts.history({ limit: 50, alertId: 'connectors:autoeurope' });
        return history.find((event) => event.type === 'notified' && event.channel === 'webhook');
      });
      expect(delivered.attempt).to.equal(3);
      expect(webhook.requests).to.have.length(3);
      expect(webhook.requests.map((request) => request.body.event)).to.deep.equal([
        'firing',
        'firing',
        'firing',
      ]);
      const history = await workers.alerts.history({ limit: 50, alertId: 'connectors:autoeurope' });
      const failures = history
        .filter((event): event is AlertEvent => event.type === 'delivery_failed')
        .map((event) => [event.attempt, event.error]);
      const host = new URL(webhookBase).host;
      expect(failures.sort()).to.deep.equal([
        [1, `webhook at ${host} answered 500`],
        [2, `webhook at ${host} answered 503`],
      ]);
      expect(JSON.stringify(history)).not.to.include('tok3n');

      // The pipeline view shows the worker's failed deliveries (and its two deliveries: webhook, mail).
      const status = await waitFor('the worker row of pipeline_status', async () => {
        // Absent until the worker's first status write.
        const doc: Record<string, unknown> | null = await workers.rethink.run(
          r.db(workers.db).table('pipeline_status').get<Record<string, unknown>>('worker:one'),
        );
        return doc?.notificationsFailed === 2 && doc.notificationsDelivered === 2 ? doc : undefined;
      });
      expect(status).to.include({
        component: 'worker',
        lastFailure: `notification connectors:autoeurope by webhook: webhook at ${host} answered 503`,
      });
    });

    it('should give up after the configured attempts on an unreachable webhook and say so', async () => {
      const closed = new WebhookReceiver();
      const unreachable = await closed.start();
      await closed.close();
      await workers.putStatus(connectorStatus('kayak', 'failing'));
      const config = workers.config(
        `${connectorsEverySecond()}\n${alertsSection(`${unreachable}/hook`, '    deliveryAttempts: 2')}`,
      );
      await workers.start(config, 'one');
      const gaveUp = await waitFor('the give-up entry', async () => {
        const history = await workers.alerts.history({ limit: 50, alertId: 'connectors:kayak' });
        return history.find((event) => event.type === 'delivery_gave_up');
      });
      expect(gaveUp).to.include({
        channel: 'webhook',
        attempt: 2,
        error: `webhook at ${new URL(unreachable).host} unreachable (ECONNREFUSED)`,
      });
      // Mail went out all the same: one channel failing holds back no other.
      expect(smtp.messages).to.have.length(1);
    });
  });
});
