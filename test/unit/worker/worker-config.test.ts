import { expect } from 'chai';
import { ConfigError, parseConfig } from '../../../lib/config/load-config.js';

function issuesOf(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(yaml, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('worker config', () => {
  it('should default every check to enabled, with a schedule', () => {
    const { worker } = parseConfig('', {}).config;
    expect(worker.checks.freshness).to.include({
      enabled: true,
      schedule: '*/5 * * * *',
      maxQuietMinutes: 60,
    });
    expect(worker.checks.consistency).to.deep.equal({ enabled: true, schedule: '30 3 * * *' });
    expect(worker.alerts.webhook.url).to.equal('');
  });

  it('should name the field of an invalid cron expression, from the file or the environment', () => {
    expect(issuesOf('worker:\n  checks:\n    volume:\n      schedule: "every hour"\n')).to.deep.equal([
      'worker.checks.volume.schedule: must be a cron expression such as "*/5 * * * *" (minute hour day month weekday)',
    ]);
    expect(issuesOf('', { QF_WORKER_CHECKS_FRESHNESS_SCHEDULE: '61 * * * *' })[0]).to.match(
      /^worker\.checks\.freshness\.schedule: must be a cron expression .*\(set by QF_WORKER_CHECKS_FRESHNESS_SCHEDULE\)$/,
    );
  });

  it('should name a bad webhook URL, recipient and business hours without echoing them', () => {
    const issues = issuesOf(
      [
        'worker:',
        '  checks:',
        '    freshness:',
        '      businessHours: { from: "18:00", to: "08:00" }',
        '  alerts:',
        '    webhook: { url: "hooks.example.com/secret-token" }',
        '    email: { to: ["ops-at-example.com"] }',
      ].join('\n'),
    );
    expect(issues).to.deep.equal([
      'worker.checks.freshness.businessHours.to: from must be before to',
      'worker.alerts.webhook.url: must be an http:// or https:// URL',
      'worker.alerts.email.to[0]: must be an email address',
    ]);
    expect(issues.join('\n')).not.to.include('secret-token');
  });
});
