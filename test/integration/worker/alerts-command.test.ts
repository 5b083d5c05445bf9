import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { SmtpReceiver, WebhookReceiver } from '../../support/alert-receivers.js';
import { repoRoot } from '../../support/services.js';

const run = promisify(execFile);

/** `quoteflow alerts test` as a real process against a real HTTP receiver and SMTP server. */
describe('quoteflow alerts test (real HTTP and SMTP servers)', function () {
  this.timeout(60_000);
  let webhook: WebhookReceiver;
  let smtp: SmtpReceiver;
  let dir: string;

  beforeEach(async () => {
    webhook = new WebhookReceiver();
    smtp = new SmtpReceiver();
    await smtp.start();
    dir = await mkdtemp(join(tmpdir(), 'qf-alerts-'));
  });

  afterEach(async () => {
    await webhook.close();
    await smtp.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function alertsTest(webhookUrl: string, to: string[]) {
    const file = join(dir, 'quoteflow.yaml');
    await writeFile(
      file,
      [
        'worker:',
        '  alerts:',
        `    webhook: { url: '${webhookUrl}', format: slack, timeoutMs: 5000 }`,
        `    email: { to: [${to.map((address) => `'${address}'`).join(', ')}], smtp: { host: 127.0.0.1, port: ${smtp.port} } }`,
      ].join('\n'),
    );
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('QF_')));
    try {
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', 'cli/main.ts', '-c', file, 'alerts', 'test'],
        {
          cwd: repoRoot,
          env,
        },
      );
      return { code: 0, stdout };
    } catch (error) {
      const failure = error as { code: number; stdout: string };
      return { code: failure.code, stdout: failure.stdout };
    }
  }

  it('should deliver one test notification by each channel and exit 0', async () => {
    const url = await webhook.start();
    const result = await alertsTest(`${url}/services/T0/B0/tok3n`, ['ops@example.com']);
    expect(result).to.deep.equal({
      code: 0,
      stdout: 'worker.alerts.webhook.url: delivered\nworker.alerts.email: delivered\n',
    });
    expect(webhook.requests.map((request) => request.body.text)).to.deep.equal([
      ':large_green_circle: [RESOLVED] connectors test-notification: test notification from `quoteflow alerts test`: nothing is wrong',
    ]);
    expect(smtp.messages.map((message) => message.to)).to.deep.equal([['ops@example.com']]);
  });

  it('should name the key of an unreachable webhook and of a refused recipient, and exit 1', async () => {
    const url = await webhook.start();
    await webhook.close();
    smtp.refusedDomains = ['nowhere.invalid'];
    const result = await alertsTest(`${url}/hook/tok3n`, ['ops@example.com', 'it@nowhere.invalid']);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal(
      [
        `worker.alerts.webhook.url: webhook at ${new URL(url).host} unreachable (ECONNREFUSED)`,
        'worker.alerts.email.to[1]: the SMTP server refused this recipient (unknown domain or mailbox?)',
        '',
      ].join('\n'),
    );
    expect(result.stdout).not.to.include('tok3n');
    expect(smtp.messages.map((message) => message.to)).to.deep.equal([['ops@example.com']]);
  });
});
