import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisConfig } from './config/schema.js';
import { errorMessage } from './errors.js';
import { redactUrl } from './logger.js';

export interface RedisOptions {
  /**
   * BullMQ workers block on Redis and must never give up on a command, so for them every command
   * waits for the reconnect (maxRetriesPerRequest: null); plain clients fail a command after a few
   * retries so a request is not held forever.
   */
  forBullmq?: boolean;
}

/** An ioredis client from the `redis` config section; reconnects by itself, logs without secrets. */
export function createRedis(config: RedisConfig, logger: Logger, options: RedisOptions = {}): Redis {
  const redis = new Redis(config.url, {
    maxRetriesPerRequest: options.forBullmq ? null : 3,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 5_000),
  });
  const log = logger.child({ component: 'redis', url: redactUrl(config.url) });
  let lastError = '';
  redis.on('error', (error: unknown) => {
    // ioredis repeats the same error on every retry; log each new cause once.
    const message = errorMessage(error);
    if (message !== lastError) log.warn({ err: error }, 'Redis error');
    lastError = message;
  });
  redis.on('ready', () => {
    lastError = '';
    log.debug('Redis ready');
  });
  return redis;
}
