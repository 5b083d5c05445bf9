import { z } from 'zod';
import { binlogServerId, replicationNames } from './replication-identity.js';
import { workerSchema } from './worker-schema.js';

/**
 * The config file's schema: every key, its default and why it exists.
 * config/quoteflow.example.yaml documents the same keys for the people who edit the file;
 * a unit test checks the two agree.
 */

const ianaTimeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Europe/Rome' },
);

const identifier = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, { message: 'must be lower-case letters, digits, _ or -' });

const topic = (name: string, partitions: number) =>
  z
    .strictObject({
      name: z.string().min(1).default(name),
      partitions: z.int().min(1).max(1000).default(partitions),
      replicationFactor: z.int().min(1).max(7).default(1),
      /** How long Kafka keeps messages; -1 keeps them forever. */
      retentionMs: z
        .int()
        .min(-1)
        .default(7 * 24 * 3600 * 1000),
    })
    .prefault({});

export const kafkaSchema = z
  .strictObject({
    brokers: z.array(z.string().min(1)).min(1).default(['127.0.0.1:9092']),
    clientId: z.string().min(1).default('quoteflow'),
    ssl: z.boolean().default(false),
    sasl: z
      .strictObject({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: z.string().min(1),
      })
      .nullable()
      .default(null),
    connectionTimeoutMs: z.int().min(100).default(3000),
    topics: z
      .strictObject({
        events: topic('qf.events', 6),
        quotes: topic('qf.quotes', 6),
        bookings: topic('qf.bookings', 6),
        dlq: topic('qf.dlq', 1),
      })
      .prefault({}),
  })
  .prefault({});

export const rethinkdbSchema = z
  .strictObject({
    /** rethinkdb://[user[:password]@]host[:port][/database] */
    url: z
      .string()
      .regex(/^rethinkdb:\/\//, { message: 'must start with rethinkdb://' })
      .default('rethinkdb://127.0.0.1:28015/quoteflow'),
    connectTimeoutMs: z.int().min(100).default(5000),
    /** Reconnect backoff: the first wait, doubled up to the cap. */
    reconnectInitialDelayMs: z.int().min(10).default(250),
    reconnectMaxDelayMs: z.int().min(10).default(10_000),
  })
  .prefault({});

export const redisSchema = z
  .strictObject({
    url: z
      .string()
      .regex(/^rediss?:\/\//, { message: 'must start with redis:// or rediss://' })
      .default('redis://127.0.0.1:6379'),
  })
  .prefault({});

export const logSchema = z
  .strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .prefault({});

const tolerance = (pickupHours: number, dropoffHours: number) => ({
  pickupToleranceHours: z.number().min(0).default(pickupHours),
  dropoffToleranceHours: z.number().min(0).default(dropoffHours),
});

export const resolutionSchema = z
  .strictObject({
    /** Put in front of phone numbers that carry neither `+` nor `00`. */
    phoneDefaultCountryCode: z
      .string()
      .regex(/^[1-9][0-9]{0,3}$/, { message: 'must be 1 to 4 digits without + or leading zero' })
      .default('39'),
    duplicates: z
      .strictObject({
        ...tolerance(3, 3),
        quotedWithinDays: z.number().min(0).default(14),
      })
      .prefault({}),
    matching: z
      .strictObject({
        ...tolerance(3, 3),
        bookedWithinDays: z.number().min(0).default(30),
      })
      .prefault({}),
  })
  .prefault({});

export const kpiSchema = z
  .strictObject({
    /** Day buckets start at midnight in this zone. */
    timezone: ianaTimeZone.default('UTC'),
  })
  .prefault({});

/** Canonical fields a source column can feed, shared by quotes and bookings. */
const commonColumns = {
  pickupStation: z.string().min(1),
  pickupAt: z.string().min(1),
  dropoffStation: z.string().min(1),
  dropoffAt: z.string().min(1),
  /** Column whose value grows with every change (poll mode); defaults to updatedAt. */
  version: z.string().min(1).optional(),
  /** Last-modified timestamp, the high-water mark of poll mode. */
  updatedAt: z.string().min(1).optional(),
  /** Soft-delete flag or timestamp: a row where it is set (true, non-zero, non-null) is a delete. */
  deleted: z.string().min(1).optional(),
  customerEmail: z.string().min(1).optional(),
  customerPhone: z.string().min(1).optional(),
  customerName: z.string().min(1).optional(),
  /** Required: every record carries a car group (a KPI dimension and a matching preference). */
  carGroup: z.string().min(1),
  priceAmount: z.string().min(1).optional(),
  priceCurrency: z.string().min(1).optional(),
  channel: z.string().min(1).optional(),
};

const tableMapping = <C extends z.ZodRawShape>(columns: C) =>
  z.strictObject({
    table: z.string().min(1),
    /** Primary-key column: its value is the record's sourceKey. */
    key: z.string().min(1).default('id'),
    columns: z.strictObject(columns),
    /** Currency when the row carries none (or no currency column is mapped). */
    defaultCurrency: z
      .string()
      .regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 code such as EUR' })
      .default('EUR'),
  });

const quotesTable = tableMapping({
  ...commonColumns,
  quotedAt: z.string().min(1),
  brokerQuoteRef: z.string().min(1).optional(),
});

const bookingsTable = tableMapping({
  ...commonColumns,
  bookedAt: z.string().min(1),
  status: z.string().min(1),
  quoteRef: z.string().min(1).optional(),
}).extend({
  /** Source values of the status column meaning confirmed or cancelled (compared case-insensitively). */
  statusValues: z
    .strictObject({
      confirmed: z.array(z.string()).min(1).default(['confirmed']),
      cancelled: z.array(z.string()).min(1).default(['cancelled']),
    })
    .prefault({}),
});

export const sourceSchema = z
  .strictObject({
    /** Becomes the `source` of every record; part of every record id, so never rename a live source. */
    name: identifier,
    /** A source kept in the file but not run. */
    enabled: z.boolean().default(true),
    client: z.enum(['postgres', 'mysql']),
    mode: z.enum(['poll', 'log']).default('poll'),
    connection: z.strictObject({
      host: z.string().min(1),
      port: z.int().min(1).max(65535).optional(),
      user: z.string().min(1),
      password: z.string().default(''),
      database: z.string().min(1),
    }),
    /** Zone of timestamps stored without an offset. */
    timezone: ianaTimeZone.default('UTC'),
    pollIntervalMs: z.int().min(50).default(1000),
    /** Rows per query (poll mode, log-mode snapshot) and at most per Kafka batch. */
    batchSize: z.int().min(1).max(100_000).default(1000),
    /**
     * Log mode, PostgreSQL: the replication slot and publication (default `qf_<name>`). Another
     * appliance reading the same database (staging beside production) needs its own.
     */
    slotName: z
      .string()
      .regex(/^[a-z0-9_]{1,63}$/, {
        message: 'must be 1 to 63 lower-case letters, digits or _ (a slot name)',
      })
      .optional(),
    /**
     * Log mode, MySQL/MariaDB: the replica server id (default derived from the name). It must be
     * unique among everything replicating from that server, other appliances included.
     */
    serverId: z.int().min(1).max(4_294_967_295).optional(),
    /** Log mode: how often the replication position is confirmed on a quiet database (WAL can be freed). */
    heartbeatIntervalMs: z.int().min(100).default(10_000),
    /**
     * Poll mode: every poll re-reads rows modified this long before the high-water mark, so a row
     * committed after a later-stamped one is still seen (longer than the longest write transaction).
     */
    pollLookbackMs: z.int().min(0).default(10_000),
    tables: z
      .strictObject({
        quotes: quotesTable.optional(),
        bookings: bookingsTable.optional(),
      })
      .refine((t) => t.quotes !== undefined || t.bookings !== undefined, {
        message: 'must map quotes, bookings or both',
      }),
  })
  .superRefine((source, ctx) => {
    if (source.slotName !== undefined && source.client !== 'postgres') {
      ctx.addIssue({ code: 'custom', path: ['slotName'], message: 'only for client: postgres' });
    }
    if (source.serverId !== undefined && source.client !== 'mysql') {
      ctx.addIssue({ code: 'custom', path: ['serverId'], message: 'only for client: mysql' });
    }
    // Poll mode finds changed rows through a last-modified column; without one it would miss updates.
    if (source.mode !== 'poll') return;
    for (const kind of ['quotes', 'bookings'] as const) {
      const mapping = source.tables[kind];
      if (mapping && mapping.columns.updatedAt === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['tables', kind, 'columns', 'updatedAt'],
          message: 'required in poll mode',
        });
      }
    }
  });

export const processorSchema = z
  .strictObject({
    /** Kafka consumer group of all processor instances; they share the partitions. */
    groupId: z.string().min(1).default('quoteflow-processor'),
    /** Port of the /metrics and /health endpoint; 0 turns it off. */
    metricsPort: z.int().min(0).max(65535).default(9466),
    /** A member that sends no heartbeat for this long loses its partitions to the others. */
    sessionTimeoutMs: z.int().min(6000).default(30_000),
    /** Upper bound of the bytes fetched per partition at once (kafkajs maxBytesPerPartition). */
    maxBytesPerPartition: z.int().min(1024).default(1_048_576),
    /**
     * Topic-partitions one instance processes at once (kafkajs partitionsConsumedConcurrently).
     * Batches of one partition number (its quotes and its bookings) still run one at a time; more
     * lets one partition's CPU work overlap another's writes to RethinkDB.
     */
    concurrentPartitions: z.int().min(1).max(64).default(3),
    /**
     * Days a deleted record's tombstone is kept (it stops an older version arriving later from
     * reviving the record); null keeps them forever. At least twice the retention of the quotes
     * and bookings topics: Kafka deletes whole segments, so a message may outlive its retention.
     */
    tombstoneRetentionDays: z.int().min(1).nullable().default(30),
    /**
     * Quotes and bookings whose pickup lies more than this many days before the newest record
     * time are released from memory and read back from RethinkDB when a change touches them
     * (processor/README.md, "Memory"). More keeps late changes cheaper; memory grows with it.
     */
    keepPastPickupDays: z.number().min(0).max(3650).default(2),
  })
  .prefault({});

export const dashboardSchema = z
  .strictObject({
    host: z.string().min(1).default('0.0.0.0'),
    /** 0 picks a free port (tests). */
    port: z.int().min(0).max(65535).default(8080),
    /**
     * Signs the session cookie. Required to run the dashboard (at least 32 characters); checked
     * when the dashboard starts so the other services can share a file without it.
     */
    sessionSecret: z.string().default(''),
    sessionTtlHours: z
      .number()
      .min(0.1)
      .max(24 * 30)
      .default(12),
    /** Send cookies only over HTTPS: turn on when TLS ends in front of the dashboard. */
    secureCookies: z.boolean().default(false),
    /** Hops of reverse proxies whose X-Forwarded-For to believe (0: none). */
    trustProxyHops: z.int().min(0).max(10).default(0),
    /** The first admin, created at start when no user exists yet; ignored afterwards. */
    admin: z
      .strictObject({
        email: z.string().default(''),
        password: z.string().default(''),
      })
      .prefault({}),
    /** How many minutes the live per-minute charts show. */
    liveWindowMinutes: z
      .int()
      .min(5)
      .max(24 * 60)
      .default(180),
    /** How often live views get fresh KPIs after a change, in milliseconds. */
    livePushIntervalMs: z.int().min(50).max(10_000).default(250),
    /** Failed sign-ins allowed per client address and email in the window, before 429. */
    loginRateLimit: z
      .strictObject({
        windowMinutes: z.number().min(1).default(15),
        maxAttempts: z.int().min(1).default(10),
      })
      .prefault({}),
  })
  .prefault({});

export const connectorsSchema = z
  .strictObject({
    /** Compacted topic holding each source's offsets and the last Kafka key of each record id. */
    offsetsTopic: z.string().min(1).default('qf.connect.offsets'),
    /** Port of the /metrics and /healthz HTTP server (0: none). */
    httpPort: z.int().min(0).max(65535).default(9465),
    /** Backoff after a source fails: the first wait, doubled up to the cap (with jitter). */
    reconnectInitialDelayMs: z.int().min(10).default(1000),
    reconnectMaxDelayMs: z.int().min(10).default(30_000),
    /** How often each source's status is written to RethinkDB table pipeline_status. */
    statusIntervalMs: z.int().min(100).default(5000),
  })
  .prefault({});

/** `quoteflow collector`: HTTP ingestion of events into Kafka with a local durable spool. */
export const collectorSchema = z
  .strictObject({
    /** Address the HTTP server binds. */
    host: z.string().min(1).default('0.0.0.0'),
    port: z.int().min(0).max(65535).default(8088),
    /**
     * Addresses or CIDR ranges of load balancers whose X-Forwarded-For is believed. From anyone
     * else the header is ignored and the client IP is the connection's peer.
     */
    trustedProxies: z.array(z.string().min(1)).default([]),
    limits: z
      .strictObject({
        /** Largest request body, in bytes (after gzip decoding). */
        batchBytes: z
          .int()
          .min(1024)
          .default(500 * 1024),
        /** Most events in one batch. */
        batchEvents: z.int().min(1).default(500),
        /**
         * Largest event once encoded as its Kafka message (UTF-8 JSON value and key); a larger one
         * is refused with 413 naming the field. Keep it under the broker's message.max.bytes
         * (1 MiB by default) with room for the record overhead: the collector accepts only what
         * Kafka can take. An invalid UTF-8 byte counts 3 (it becomes U+FFFD), a control character 6.
         */
        eventBytes: z
          .int()
          .min(1024)
          .default(768 * 1024),
        /** Deepest nesting of objects and arrays in an event (the event counts as 1); deeper is 400. */
        maxDepth: z.int().min(4).max(1000).default(32),
      })
      .prefault({}),
    /** Projects and their write keys (Basic auth user name, or the writeKey field/parameter). */
    projects: z
      .array(
        z.strictObject({
          name: identifier,
          writeKeys: z.array(z.string().min(8)).min(1),
        }),
      )
      .default([]),
    /** Partners allowed to send postbacks, each with its own secret, into one project. */
    partners: z
      .array(
        z.strictObject({
          name: identifier,
          project: identifier,
          secret: z.string().min(16),
        }),
      )
      .default([]),
    /** Bearer tokens of the links API (/v1/links); none means the API is closed. */
    adminTokens: z.array(z.string().min(16)).default([]),
    spool: z
      .strictObject({
        /** Directory of the append-only segment files; give it a volume of its own. */
        dir: z.string().min(1).default('./var/spool'),
        /** Disk budget of the spool; past it the collector answers 503 with Retry-After. */
        maxBytes: z
          .int()
          .min(1024)
          .default(1024 * 1024 * 1024),
        /** A segment is closed and a new one started past this size. */
        segmentBytes: z
          .int()
          .min(1024)
          .default(16 * 1024 * 1024),
        /** Retry-After (seconds) sent with 503 when the spool is full. */
        retryAfterSeconds: z.int().min(1).default(5),
      })
      .prefault({}),
    /**
     * Processes serving HTTP, each with its own Kafka producer and its own spool,
     * `spool.dir/worker-<n>` (a spool has one writer). 1 runs one process on `spool.dir` itself.
     * Node runs JavaScript on one core per process: set it to the cores the collector may use.
     */
    workers: z.int().min(1).max(64).default(1),
    /** A produce request Kafka has not acknowledged within this time goes to the spool instead. */
    produceDeadlineMs: z.int().min(10).default(2000),
    /**
     * While a produce request is in flight, how long new events wait to share the next one; with
     * none in flight they are sent at once.
     */
    lingerMs: z.int().min(0).max(1000).default(2),
    /** Most events in one produce request (the spool drainer uses the same cap). */
    maxProduceEvents: z.int().min(1).default(5000),
    /**
     * Produce requests in flight at once. More keeps Kafka busy while a request is acknowledged;
     * 1 keeps one visitor's events in order even when a request fails while later ones succeed.
     */
    maxInFlightProduces: z.int().min(1).max(32).default(8),
    /**
     * Most bytes of events in one produce request. Keep it under the broker's message.max.bytes
     * (1 MiB by default), which bounds each partition's batch.
     */
    maxProduceBytes: z
      .int()
      .min(1024)
      .default(512 * 1024),
  })
  .superRefine((collector, ctx) => {
    const keys = new Set<string>();
    collector.projects.forEach((project, index) => {
      project.writeKeys.forEach((key, keyIndex) => {
        if (keys.has(key)) {
          ctx.addIssue({
            code: 'custom',
            path: ['projects', index, 'writeKeys', keyIndex],
            message: 'write key used twice',
          });
        }
        keys.add(key);
      });
    });
  })
  .prefault({});

/**
 * Two log-mode sources of one config on one database server must not share a Postgres slot or a
 * MySQL replica server id: each would take the other's changes (slot) or be disconnected whenever
 * the other connects (server id). Hosts are compared as written (`localhost` and `127.0.0.1` are
 * not recognised as one).
 */
function refuseSharedReplicationNames(sources: readonly SourceConfig[], ctx: z.RefinementCtx): void {
  const taken = new Map<string, number>();
  sources.forEach((source, index) => {
    if (!source.enabled || source.mode !== 'log') return;
    const { host, port, database } = source.connection;
    const [key, field, what] =
      source.client === 'postgres'
        ? ([
            `pg ${host}:${port ?? 5432}/${database} ${replicationNames(source).slot}`,
            'slotName',
            'slot',
          ] as const)
        : ([`mysql ${host}:${port ?? 3306} ${binlogServerId(source)}`, 'serverId', 'server id'] as const);
    const other = taken.get(key);
    if (other === undefined) {
      taken.set(key, index);
      return;
    }
    ctx.addIssue({
      code: 'custom',
      path: [index, field],
      message: `the same replication ${what} as sources[${other}] on the same server; give one its own ${field}`,
    });
  });
}

export const configSchema = z
  .strictObject({
    kafka: kafkaSchema,
    rethinkdb: rethinkdbSchema,
    redis: redisSchema,
    log: logSchema,
    kpi: kpiSchema,
    resolution: resolutionSchema,
    processor: processorSchema,
    dashboard: dashboardSchema,
    connectors: connectorsSchema,
    sources: z
      .array(sourceSchema)
      .default([])
      .superRefine((sources, ctx) => {
        const seen = new Set<string>();
        sources.forEach((source, index) => {
          if (seen.has(source.name)) {
            ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'duplicate source name' });
          }
          seen.add(source.name);
        });
        refuseSharedReplicationNames(sources, ctx);
      }),
    collector: collectorSchema,
    worker: workerSchema,
  })
  .superRefine((config, ctx) => {
    const days = config.processor.tombstoneRetentionDays;
    if (days === null) return;
    const { quotes, bookings } = config.kafka.topics;
    const forever = quotes.retentionMs === -1 || bookings.retentionMs === -1;
    if (forever || days * 86_400_000 < 2 * Math.max(quotes.retentionMs, bookings.retentionMs)) {
      ctx.addIssue({
        code: 'custom',
        path: ['processor', 'tombstoneRetentionDays'],
        message:
          'must be at least twice the retention of kafka.topics.quotes and kafka.topics.bookings ' +
          '(null when they keep messages forever): an older version replayed from Kafka would revive a deleted record',
      });
    }
  });

export type Config = z.output<typeof configSchema>;
export type KafkaConfig = Config['kafka'];
export type TopicConfig = KafkaConfig['topics']['events'];
export type RethinkdbConfig = Config['rethinkdb'];
export type RedisConfig = Config['redis'];
export type ResolutionConfig = Config['resolution'];
export type SourceConfig = Config['sources'][number];
export type ProcessorConfig = Config['processor'];
export type DashboardConfig = Config['dashboard'];
export type ConnectorsConfig = Config['connectors'];
export type CollectorConfig = Config['collector'];
export type { WorkerConfig, ChecksConfig, AlertsConfig } from './worker-schema.js';
