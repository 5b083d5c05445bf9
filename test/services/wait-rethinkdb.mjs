#!/usr/bin/env node
// Waits until a RethinkDB-protocol server (reqlite, or a real RethinkDB) answers: the
// `rethinkdb` driver connects to QF_RETHINKDB_URL (default rethinkdb://127.0.0.1:28015/quoteflow)
// and runs r.dbList(). Retries until the deadline.
//
//   node test/services/wait-rethinkdb.mjs [--timeout <ms>] [--pid <pid>] [--quiet]
//
// Exit 0 when the server answered, 1 otherwise (with the last error on stderr).
import { parseArgs } from 'node:util';
import r from 'rethinkdb';

const { values } = parseArgs({
  options: {
    timeout: { type: 'string' },
    pid: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const url = new URL(process.env.QF_RETHINKDB_URL || 'rethinkdb://127.0.0.1:28015/quoteflow');
const conn = {
  host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
  port: Number(url.port || 28015),
};
if (url.username) conn.user = decodeURIComponent(url.username);
if (url.password) conn.password = decodeURIComponent(url.password);
const where = `${conn.host}:${conn.port}`;

const timeoutMs = Number(values.timeout ?? process.env.QF_RETHINKDB_WAIT_MS ?? 30000);
const pid = values.pid ? Number(values.pid) : undefined;
const deadline = Date.now() + timeoutMs;

function alive(p) {
  try {
    process.kill(p, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let lastError = 'no attempt made';
let attempts = 0;
while (Date.now() < deadline) {
  if (pid !== undefined && !alive(pid)) {
    lastError = `server process ${pid} exited`;
    break;
  }
  attempts++;
  let c;
  try {
    const left = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    c = await r.connect({ ...conn, timeout: Math.min(3, left) });
    const dbs = await r.dbList().run(c);
    await c.close().catch(() => {});
    if (!values.quiet) {
      console.log(`rethinkdb: ${where} answers (databases: ${dbs.join(', ') || 'none'})`);
    }
    process.exit(0);
  } catch (err) {
    lastError = `${err?.name ?? 'Error'}: ${err?.message ?? err}`;
    if (c) await c.close().catch(() => {});
  }
  const wait = Math.min(300, deadline - Date.now());
  if (wait > 0) await sleep(wait);
}

console.error(
  `rethinkdb: ${where} did not answer within ${timeoutMs} ms (${attempts} attempt(s)); ` +
    `last error: ${lastError}`,
);
process.exit(1);
