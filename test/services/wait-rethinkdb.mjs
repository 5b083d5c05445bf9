#!/usr/bin/env node
// Waits until a RethinkDB server answers: the
// `rethinkdb` driver connects to QF_RETHINKDB_URL (default rethinkdb://127.0.0.1:28015/quoteflow)
// and runs r.dbList(). Retries until the deadline.
//
//   node test/services/wait-rethinkdb.mjs [--timeout <ms>] [--pid <pid>] [--quiet]
//
// Exit 0 when the server answered, 1 otherwise (with the last error on stderr).
import r from 'rethinkdb';
import { waitOptions, waitUntil } from './wait-until.mjs';

const url = new URL(process.env.QF_RETHINKDB_URL || 'rethinkdb://127.0.0.1:28015/quoteflow');
const conn = {
  host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
  port: Number(url.port || 28015),
};
if (url.username) conn.user = decodeURIComponent(url.username);
if (url.password) conn.password = decodeURIComponent(url.password);
const where = `${conn.host}:${conn.port}`;

await waitUntil({
  ...waitOptions(process.env.QF_RETHINKDB_WAIT_MS ?? 30000),
  what: `rethinkdb: ${where}`,
  pauseMs: 300,
  probe: async (msLeft) => {
    const c = await r.connect({ ...conn, timeout: Math.min(3, Math.ceil(msLeft / 1000)) });
    try {
      const dbs = await r.dbList().run(c);
      return `rethinkdb: ${where} answers (databases: ${dbs.join(', ') || 'none'})`;
    } finally {
      await c.close().catch(() => {});
    }
  },
});
