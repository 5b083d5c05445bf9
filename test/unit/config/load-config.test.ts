import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import YAML from 'yaml';
import { ConfigError, parseConfig } from '../../../lib/config/load-config.js';
import { repoRoot } from '../../support/services.js';

const example = readFileSync(`${repoRoot}config/quoteflow.example.yaml`, 'utf8');

function issuesOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

function exampleWith(edit: (doc: Record<string, unknown>) => void): string {
  const doc = YAML.parse(example) as Record<string, unknown>;
  edit(doc);
  return YAML.stringify(doc);
}

describe('parseConfig', () => {
  describe('when given the example file', () => {
    it('should accept it and apply its values', () => {
      const { config, warnings } = parseConfig(example, {});
      expect(warnings).to.deep.equal([]);
      expect(config.kafka.brokers).to.deep.equal(['127.0.0.1:9092']);
      expect(config.sources.map((s) => s.name)).to.deep.equal(['rentalcars', 'autoeurope']);
      expect(config.sources[1]?.tables.bookings?.statusValues.cancelled).to.deep.equal([
        'CANCELLED',
        'STORNO',
      ]);
    });
  });

  describe('when the file is empty', () => {
    it('should give every default', () => {
      const { config } = parseConfig('', {});
      expect(config.rethinkdb.url).to.equal('rethinkdb://127.0.0.1:28015/quoteflow');
      expect(config.resolution).to.deep.equal({
        phoneDefaultCountryCode: '39',
        duplicates: { pickupToleranceHours: 3, dropoffToleranceHours: 3, quotedWithinDays: 14 },
        matching: { pickupToleranceHours: 3, dropoffToleranceHours: 3, bookedWithinDays: 30 },
      });
      expect(config.sources).to.deep.equal([]);
    });
  });

  describe('when a required key is missing', () => {
    it('should name the exact key', () => {
      const text = exampleWith((doc) => {
        const sources = doc.sources as { tables: { bookings: { columns: Record<string, unknown> } } }[];
        delete sources[1]!.tables.bookings.columns.bookedAt;
      });
      expect(issuesOf(text)).to.deep.equal(['sources[1].tables.bookings.columns.bookedAt: required']);
    });

    it('should name the poll-mode last-modified column', () => {
      const text = exampleWith((doc) => {
        const sources = doc.sources as { tables: { quotes: { columns: Record<string, unknown> } } }[];
        delete sources[0]!.tables.quotes.columns.updatedAt;
      });
      expect(issuesOf(text)).to.deep.equal([
        'sources[0].tables.quotes.columns.updatedAt: required in poll mode',
      ]);
    });
  });

  describe('when tombstones would expire before Kafka lets go of older versions', () => {
    const issue =
      'processor.tombstoneRetentionDays: must be at least twice the retention of kafka.topics.quotes and ' +
      'kafka.topics.bookings (null when they keep messages forever): an older version replayed from Kafka ' +
      'would revive a deleted record';
    it('should accept the defaults and a retention of twice the topics', () => {
      expect(issuesOf('')).to.deep.equal([]);
      expect(issuesOf('', { QF_KAFKA_TOPICS_BOOKINGS_RETENTION_MS: String(15 * 86_400_000) })).to.deep.equal(
        [],
      );
    });
    it('should name the key when the topics keep messages longer', () => {
      expect(issuesOf('', { QF_KAFKA_TOPICS_BOOKINGS_RETENTION_MS: String(16 * 86_400_000) })).to.deep.equal([
        issue,
      ]);
      expect(issuesOf('', { QF_KAFKA_TOPICS_QUOTES_RETENTION_MS: '-1' })).to.deep.equal([issue]);
    });
    it('should accept keeping tombstones forever whatever the topics keep', () => {
      expect(
        issuesOf('processor:\n  tombstoneRetentionDays: null\n', {
          QF_KAFKA_TOPICS_QUOTES_RETENTION_MS: '-1',
        }),
      ).to.deep.equal([]);
    });
  });

  describe('when keys are wrong', () => {
    it('should report every error at once, each at its key', () => {
      const text = [
        'kafka:',
        '  brokerz: [a:1]',
        '  topics: { quotes: { partitions: 0 } }',
        'log: { level: loud }',
        'kpi: { timezone: Mars/Olympus }',
      ].join('\n');
      expect(issuesOf(text)).to.have.members([
        'kafka.brokerz: unknown key',
        'kafka.topics.quotes.partitions: must be >= 1',
        'log.level: must be one of: "fatal", "error", "warn", "info", "debug", "trace", "silent"',
        'kpi.timezone: must be an IANA time zone such as Europe/Rome',
      ]);
    });

    it('should flag two sources with one name', () => {
      const text = exampleWith((doc) => {
        (doc.sources as { name: string }[])[1]!.name = 'rentalcars';
      });
      expect(issuesOf(text)).to.deep.equal(['sources[1].name: duplicate source name']);
    });

    describe('when two log-mode sources read one database server', () => {
      type Source = Record<string, unknown> & { connection: Record<string, unknown> };
      const logSources = (edit: (a: Source, b: Source) => void) =>
        exampleWith((doc) => {
          const [a, b] = doc.sources as Source[];
          for (const source of [a!, b!]) {
            Object.assign(source, { enabled: true, mode: 'log' });
            // The example documents slotName on its Postgres source and serverId on its MySQL one.
            delete source.slotName;
            delete source.serverId;
          }
          b!.client = a!.client;
          b!.connection = { ...a!.connection };
          edit(a!, b!);
        });

      it('should refuse one Postgres slot for both, naming the field', () => {
        const text = logSources((a, b) => {
          a.client = b.client = 'postgres';
          a.slotName = b.slotName = 'qf_shared';
        });
        expect(issuesOf(text)).to.deep.equal([
          'sources[1].slotName: the same replication slot as sources[0] on the same server; give one its own slotName',
        ]);
      });

      it('should accept their default slots (named after each source) and slots on other databases', () => {
        expect(issuesOf(logSources((a, b) => (a.client = b.client = 'postgres')))).to.deep.equal([]);
        const text = logSources((a, b) => {
          a.client = b.client = 'postgres';
          a.slotName = b.slotName = 'qf_shared';
          b.connection.database = 'other';
        });
        expect(issuesOf(text)).to.deep.equal([]);
      });

      it('should refuse one MySQL replica server id for both', () => {
        const text = logSources((a, b) => {
          a.client = b.client = 'mysql';
          a.serverId = b.serverId = 4242;
        });
        expect(issuesOf(text)).to.deep.equal([
          'sources[1].serverId: the same replication server id as sources[0] on the same server; give one its own serverId',
        ]);
      });

      it('should refuse a slot name Postgres would not take, and a key of the other client', () => {
        const text = logSources((a, b) => {
          a.client = b.client = 'postgres';
          a.slotName = 'Qf-Staging';
        });
        expect(issuesOf(text)).to.deep.equal([
          'sources[0].slotName: must be 1 to 63 lower-case letters, digits or _ (a slot name)',
        ]);
        const other = logSources((a, b) => {
          a.client = b.client = 'mysql';
          a.slotName = 'qf_staging';
        });
        expect(issuesOf(other)).to.deep.equal([
          'sources[0].slotName: only for client: mysql'.replace('mysql', 'postgres'),
        ]);
      });
    });
  });

  describe('when a value is a secret', () => {
    it('should never echo it in an error', () => {
      const text = exampleWith((doc) => {
        const source = (doc.sources as { connection: Record<string, unknown> }[])[0]!;
        source.connection.password = 'hunter2-secret';
        source.connection.port = 'hunter2-port';
      });
      const issues = issuesOf(text);
      expect(issues).to.deep.equal(['sources[0].connection.port: must be number, not a string']);
      expect(issues.join('\n')).not.to.contain('hunter2');
    });

    it('should not quote the file in a YAML syntax error', () => {
      const issues = issuesOf('kafka:\n  sasl: { password: "hunter2\n');
      expect(issues).not.to.be.empty;
      for (const issue of issues)
        expect(issue).to.match(/^line \d+, column \d+: YAML syntax error \([A-Z_]+\)$/);
    });
  });

  describe('when the environment overrides keys', () => {
    it('should take QF_* variables over the file, typed by the schema', () => {
      const { config } = parseConfig(example, {
        QF_KAFKA_BROKERS: 'k1:9092, k2:9092',
        QF_KAFKA_SSL: 'true',
        QF_KAFKA_TOPICS_EVENTS_PARTITIONS: '12',
        QF_RETHINKDB_URL: 'rethinkdb://db:28015/analytics',
      });
      expect(config.kafka.brokers).to.deep.equal(['k1:9092', 'k2:9092']);
      expect(config.kafka.ssl).to.equal(true);
      expect(config.kafka.topics.events.partitions).to.equal(12);
      expect(config.rethinkdb.url).to.equal('rethinkdb://db:28015/analytics');
    });

    it('should name the variable when its value is invalid', () => {
      expect(issuesOf('', { QF_KAFKA_CONNECTION_TIMEOUT_MS: 'soon' })).to.deep.equal([
        'kafka.connectionTimeoutMs: must be number, not a string (set by QF_KAFKA_CONNECTION_TIMEOUT_MS)',
      ]);
    });

    it('should warn about a QF_ variable that names no key', () => {
      const { warnings } = parseConfig('', { QF_KAFKA_BROKER: 'x:1', QF_CONFIG: '/etc/q.yaml' });
      expect(warnings).to.deep.equal(['environment variable QF_KAFKA_BROKER names no config key; ignored']);
    });

    it('should accept a list of objects as JSON', () => {
      const sources = [
        {
          name: 'pg1',
          client: 'postgres',
          mode: 'log',
          connection: { host: 'h', user: 'u', database: 'd' },
          tables: {
            quotes: {
              table: 'q',
              columns: {
                quotedAt: 'a',
                pickupStation: 'b',
                pickupAt: 'c',
                dropoffStation: 'd',
                dropoffAt: 'e',
                carGroup: 'f',
              },
            },
          },
        },
      ];
      const { config } = parseConfig('', { QF_SOURCES: JSON.stringify(sources) });
      expect(config.sources[0]?.name).to.equal('pg1');

      // Every record carries a car group: a mapping without one is refused here, not row by row.
      const withoutCarGroup = structuredClone(sources);
      delete (withoutCarGroup[0]?.tables.quotes.columns as { carGroup?: string }).carGroup;
      expect(() => parseConfig('', { QF_SOURCES: JSON.stringify(withoutCarGroup) })).to.throw(
        'sources[0].tables.quotes.columns.carGroup: required',
      );
    });
  });

  describe('when values name environment variables', () => {
    it('should substitute ${NAME} and ${NAME:-fallback}', () => {
      const text =
        'redis: { url: "redis://:${REDIS_PW}@${REDIS_HOST:-localhost}:6379" }\nkafka: { clientId: "$${literal}" }';
      const { config } = parseConfig(text, { REDIS_PW: 's3cret' });
      expect(config.redis.url).to.equal('redis://:s3cret@localhost:6379');
      expect(config.kafka.clientId).to.equal('${literal}');
    });

    it('should name the key whose variable is not set', () => {
      expect(issuesOf('redis: { url: "redis://:${REDIS_PW}@r:6379" }')).to.deep.equal([
        'redis.url: environment variable REDIS_PW is not set',
      ]);
    });
  });
});
