#!/usr/bin/env node
import { Command } from 'commander';
import { packageInfo } from '../lib/package-info.js';
import { registerConfigCommands } from './commands/config-check.js';
import { registerConnectorsCommand } from './commands/connectors.js';
import { registerCollectorCommand } from './commands/collector.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerResolveCommand } from './commands/resolve.js';
import { registerProcessorCommand } from './commands/processor.js';
import { registerCheckCommand } from './commands/check.js';
import { registerReprocessCommand } from './commands/reprocess.js';
import { registerDashboardCommand } from './commands/dashboard.js';
import { registerUserCommands } from './commands/user.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerAlertsCommands } from './commands/alerts.js';
import { runCommand } from './run-command.js';

/**
 * `quoteflow <command>`: every service and tool of the appliance is one command of this program,
 * so one image and one config file serve them all.
 */
const program = new Command('quoteflow')
  .description('Quoteflow: real-time quote, booking and event analytics appliance')
  .version(packageInfo().version, '-v, --version')
  .option('-c, --config <file>', 'config file (YAML); default: $QF_CONFIG, else defaults and QF_* variables')
  .showHelpAfterError();

registerConfigCommands(program);
registerMigrateCommand(program);
registerResolveCommand(program);
registerProcessorCommand(program);
registerCheckCommand(program);
registerReprocessCommand(program);
registerDashboardCommand(program);
registerUserCommands(program);
registerConnectorsCommand(program);
registerCollectorCommand(program);
registerSimulateCommand(program);
registerWorkerCommand(program);
registerAlertsCommands(program);

await runCommand(() => program.parseAsync(process.argv));
