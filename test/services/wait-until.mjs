// The retry loop shared by wait-kafka.mjs and wait-rethinkdb.mjs: call `probe(msLeft)` until it
// resolves or the deadline passes, giving up at once when the process we just started has died.
// Exits the process: 0 with the probe's message, 1 with the last error on stderr.
import { parseArgs } from 'node:util';

/** Parses the options both wait scripts take: --timeout <ms>, --pid <pid>, --quiet. */
export function waitOptions(defaultTimeoutMs) {
  const { values } = parseArgs({
    options: {
      timeout: { type: 'string' },
      pid: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  return {
    timeoutMs: Number(values.timeout ?? defaultTimeoutMs),
    pid: values.pid ? Number(values.pid) : undefined,
    quiet: values.quiet,
  };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {{ what: string, timeoutMs: number, pid?: number, quiet: boolean, pauseMs: number,
 *           probe: (msLeft: number) => Promise<string> }} options
 */
export async function waitUntil({ what, timeoutMs, pid, quiet, pauseMs, probe }) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt made';
  let attempts = 0;
  while (Date.now() < deadline) {
    if (pid !== undefined && !alive(pid)) {
      lastError = `process ${pid} exited`;
      break;
    }
    attempts++;
    try {
      const message = await probe(Math.max(500, deadline - Date.now()));
      if (!quiet) console.log(message);
      process.exit(0);
    } catch (err) {
      lastError = `${err?.name ?? 'Error'}: ${err?.message ?? err}`;
    }
    const wait = Math.min(pauseMs, deadline - Date.now());
    if (wait > 0) await sleep(wait);
  }
  console.error(
    `${what} did not answer within ${timeoutMs} ms (${attempts} attempt(s)); last error: ${lastError}`,
  );
  process.exit(1);
}
