import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import r from 'rethinkdb';
import type { RethinkdbConfig } from '../config/schema.js';
import { QuoteflowError, errorMessage } from '../errors.js';
import { classifyRethinkdbError } from './rethinkdb-errors.js';
import { retry } from '../retry.js';
import type { RethinkdbAddress } from './rethinkdb-url.js';
import { parseRethinkdbUrl } from './rethinkdb-url.js';

export interface RethinkdbClientOptions {
  address: RethinkdbAddress;
  logger: Logger;
  connectTimeoutMs: number;
  reconnectInitialDelayMs: number;
  reconnectMaxDelayMs: number;
  /** How long `connection()` keeps trying before it gives up; services wait forever. */
  maxWaitMs?: number;
}

/**
 * One shared RethinkDB connection that reconnects by itself with backoff. Callers ask for the
 * connection per query, so a dropped connection costs the queries in flight (which fail with a
 * retriable error) and nothing after. It emits `dropped` when it notices its connection is gone
 * (queries from then on wait for a new one), and `reconnected` when a connection opens after the
 * first, because changefeeds do not survive a reconnect: their owners must re-read and re-subscribe.
 */
export class RethinkdbClient extends EventEmitter {
  private current: r.Connection | undefined;
  private connecting: Promise<r.Connection> | undefined;
  private connectedBefore = false;
  private closed = false;

  constructor(private readonly options: RethinkdbClientOptions) {
    super();
  }

  static fromConfig(config: RethinkdbConfig, logger: Logger, maxWaitMs?: number): RethinkdbClient {
    return new RethinkdbClient({
      address: parseRethinkdbUrl(config.url),
      logger: logger.child({ component: 'rethinkdb' }),
      connectTimeoutMs: config.connectTimeoutMs,
      reconnectInitialDelayMs: config.reconnectInitialDelayMs,
      reconnectMaxDelayMs: config.reconnectMaxDelayMs,
      ...(maxWaitMs === undefined ? {} : { maxWaitMs }),
    });
  }

  get db(): string {
    return this.options.address.db;
  }

  /** The open connection, connecting (and waiting with backoff) when there is none. */
  connection(): Promise<r.Connection> {
    if (this.closed)
      return Promise.reject(new QuoteflowError('RETHINKDB_CLOSED', 'RethinkDB client is closed'));
    if (this.current?.open) return Promise.resolve(this.current);
    this.connecting ??= this.connectWithBackoff().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  async run<T>(query: r.Operation<T>): Promise<T> {
    const connection = await this.connection();
    try {
      return await query.run(connection);
    } catch (error) {
      throw classifyRethinkdbError(error, connection.open);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.current;
    this.current = undefined;
    if (connection?.open) await connection.close();
  }

  private async connectWithBackoff(): Promise<r.Connection> {
    const { address, logger } = this.options;
    const started = Date.now();
    try {
      return await retry(
        async () => {
          const connection = await r.connect({
            host: address.host,
            port: address.port,
            db: address.db,
            user: address.user,
            password: address.password,
            timeout: Math.max(1, Math.ceil(this.options.connectTimeoutMs / 1000)),
          });
          this.adopt(connection);
          return connection;
        },
        {
          backoff: {
            initialMs: this.options.reconnectInitialDelayMs,
            maxMs: this.options.reconnectMaxDelayMs,
          },
          isRetriable: () => !this.closed && Date.now() - started < (this.options.maxWaitMs ?? Infinity),
          onRetry: (error, attempt) => {
            // Attempts 0, 1, 3, 7, 15…: the operator hears of an outage at once, not fifty times a minute.
            const level = (attempt & (attempt + 1)) === 0 ? 'warn' : 'debug';
            logger[level](
              { host: address.host, port: address.port, attempt, err: error },
              'RethinkDB connect failed; retrying',
            );
          },
        },
      );
    } catch (error) {
      throw new QuoteflowError(
        'RETHINKDB_UNAVAILABLE',
        `cannot connect to RethinkDB at ${address.host}:${address.port}: ${errorMessage(error)}`,
        { retriable: true, cause: error },
      );
    }
  }

  private adopt(connection: r.Connection): void {
    const { logger, address } = this.options;
    this.current = connection;
    const dropped = (reason: string) => {
      if (this.current !== connection) return;
      this.current = undefined;
      if (!this.closed) logger.warn({ reason }, 'RethinkDB connection dropped; will reconnect on next use');
      this.emit('dropped', reason);
    };
    connection.on('close', () => {
      dropped('closed');
    });
    connection.on('error', (error: unknown) => {
      dropped(errorMessage(error));
    });
    logger.info({ host: address.host, port: address.port, db: address.db }, 'connected to RethinkDB');
    if (this.connectedBefore) this.emit('reconnected');
    this.connectedBefore = true;
  }
}
