import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** Addresses of the real services started by `npm run services` (test/services/start-all.sh). */
export const services = {
  kafkaBrokers: (process.env.QF_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  rethinkdbUrl: process.env.QF_RETHINKDB_URL ?? 'rethinkdb://127.0.0.1:28015/quoteflow',
  redisUrl: process.env.QF_REDIS_URL ?? 'redis://127.0.0.1:6379',
  postgres: { host: '127.0.0.1', port: 5432, user: 'postgres', password: '', database: 'postgres' },
  mariadb: { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' },
};

/** A name no other test (or earlier run) uses: tests share one broker and one ReQL server. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
