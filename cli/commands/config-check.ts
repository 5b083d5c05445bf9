import type { Command } from 'commander';
import { loadConfig } from '../../lib/config/load-config.js';

/** `quoteflow config check FILE`: validates a config file with the environment, naming every bad key. */
export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('work with the config file');
  config
    .command('check')
    .description('validate a config file (with the QF_* environment overrides) and name every bad key')
    .argument('<file>', 'the YAML config file')
    .action(async (file: string) => {
      const { config: checked, warnings } = await loadConfig({ file, env: process.env });
      for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
      const sources = checked.sources
        .map((s) => `${s.name} (${s.client}, ${s.mode}${s.enabled ? '' : ', disabled'})`)
        .join(', ');
      process.stdout.write(`ok: ${file} is valid; sources: ${sources === '' ? 'none' : sources}\n`);
    });
}
