import type { SessionData } from 'express-session';
import session from 'express-session';
import type { Redis } from 'ioredis';

/**
 * express-session's store in Redis through ioredis (connect-redis dropped ioredis support), so
 * every dashboard instance behind the load balancer sees every session and a restart signs no one
 * out. A session lives as JSON under `<prefix><id>` with the cookie's remaining lifetime as TTL.
 */
export class RedisSessionStore extends session.Store {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
    private readonly prefix = 'qf:session:',
  ) {
    super();
  }

  private ttlOf(data: SessionData): number {
    // maxAge is what is left of the cookie's life (express-session recomputes it on every request).
    return Math.max(1000, Math.round(data.cookie.maxAge ?? this.ttlMs));
  }

  override get(id: string, callback: (err: unknown, data?: SessionData | null) => void): void {
    this.redis.get(this.prefix + id).then(
      (text) => {
        callback(null, text === null ? null : (JSON.parse(text) as SessionData));
      },
      (error: unknown) => {
        callback(error);
      },
    );
  }

  override set(id: string, data: SessionData, callback?: (err?: unknown) => void): void {
    this.redis.set(this.prefix + id, JSON.stringify(data), 'PX', this.ttlOf(data)).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }

  override touch(id: string, data: SessionData, callback?: () => void): void {
    this.redis.pexpire(this.prefix + id, this.ttlOf(data)).then(
      () => callback?.(),
      () => callback?.(),
    );
  }

  override destroy(id: string, callback?: (err?: unknown) => void): void {
    this.redis.del(this.prefix + id).then(
      () => callback?.(),
      (error: unknown) => callback?.(error),
    );
  }
}
