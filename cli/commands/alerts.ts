import type { Command } from 'commander';
import { configuredSenders } from '../../worker/alerts/senders.js';
import { sendTestNotifications } from '../../worker/alerts/test-notification.js';
import { commandContext } from '../command-context.js';

/** `quoteflow alerts test`: one test notification through every configured channel. */
export function registerAlertsCommands(program: Command): void {
  const alerts = program.command('alerts').description('alert delivery (worker.alerts)');
  alerts
    .command('test')
    .description(
      'send one test notification by webhook and mail as configured; exit 1 naming the key of every failure',
    )
    .action(async (_options: unknown, command: Command) => {
      const { config } = await commandContext(command, 'alerts');
      const senders = configuredSenders(config.worker.alerts);
      try {
        const verdicts = await sendTestNotifications(senders, config.worker.alerts, new Date());
        for (const verdict of verdicts) {
          process.stdout.write(`${verdict.key}: ${verdict.message}\n`);
        }
        if (verdicts.some((verdict) => !verdict.ok)) process.exitCode = 1;
      } finally {
        for (const sender of senders) sender.close();
      }
    });
}
