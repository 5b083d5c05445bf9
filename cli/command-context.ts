import type { Command } from 'commander';
import { pino } from 'pino';
import type { LoadedConfig } from '../lib/config/load-config.js';
import { loadConfig } from '../lib/config/load-config.js';
import type { Logger } from '../lib/logger.js';
import { createLogger } from '../lib/logger.js';

export interface CommandContext extends LoadedConfig {
  logger: Logger;
}

/**
 * Loads the config named by `--config` (or $QF_CONFIG) and makes the logger. One-shot commands log
 * to standard error so that standard output holds only their result; services log to standard output.
 */
export async function commandContext(
  command: Command,
  name: string,
  options: { logToStdout?: boolean } = {},
): Promise<CommandContext> {
  const { config: file } = command.optsWithGlobals<{ config?: string }>();
  const loaded = await loadConfig({ file: file ?? process.env.QF_CONFIG, env: process.env });
  const logger = createLogger({
    level: loaded.config.log.level,
    name,
    destination: pino.destination(options.logToStdout ? 1 : 2),
  });
  for (const warning of loaded.warnings) logger.warn(warning);
  return { ...loaded, logger };
}
