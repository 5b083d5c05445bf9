import { ConfigError } from '../lib/config/load-config.js';
import { QuoteflowError } from '../lib/errors.js';

/**
 * Runs a command and turns what it throws into a message and exit code 1: an operator reads a
 * sentence naming what is wrong, never a stack trace.
 */
export async function runCommand(command: () => Promise<unknown>): Promise<void> {
  try {
    await command();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else if (error instanceof QuoteflowError) {
      process.stderr.write(`error (${error.code}): ${error.message}\n`);
    } else {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exitCode = 1;
    // A connection opened before the failure (Redis reconnects forever) must not keep a failed
    // command alive; the short grace lets standard error drain first.
    setTimeout(() => process.exit(1), 200).unref();
  }
}
