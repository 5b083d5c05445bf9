import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { Registry } from 'prom-client';
import r from 'rethinkdb';
import { ConnectorsService } from '../../../connectors/connectors-service.js';
import { registerConnectorMetrics } from '../../../connectors/status/connector-metrics.js';
import { startHttpServer } from '../../../connectors/status/http-server.js';
import { StatusPublisher } from '../../../connectors/status/status-publisher.js';
import { migrate } from '../../../lib/rethinkdb/migrate.js';
import { RethinkdbClient } from '../../../lib/rethinkdb/rethinkdb-client.js';
import { parseRethinkdbUrl } from '../../../lib/rethinkdb/rethinkdb-url.js';
import { TABLES } from '../../../lib/rethinkdb/tables.js';
import { silentLogger } from '../../support/silent-logger.js';
import { services, uniqueName } from '../../support/services.js';
import { KafkaHarness, quotesSource } from './harness.js';
import { createQuotesTable, quoteRow, romeTime, sourceDb } from './source-tables.js';
import { freePort } from './tcp-proxy.js';

describe('connector status (real Postgres, Kafka and ReQL server)', function () {
  this.timeout(60_000);
  const rethinkDb = uniqueName('qf_t_status');
  const table = uniqueName('qf_t_quotes');
  let pg: Knex;
  let harness: KafkaHarness;
  let client: RethinkdbClient;
  let service: ConnectorsService | undefined;
  let publisher: StatusPublisher | undefined;
  let server: Server | undefined;

  before(async () => {
    pg = sourceDb('postgres');
    await createQuotesTable(pg, table);
    harness = new KafkaHarness();
    await harness.start();
    client = new RethinkdbClient({
      address: { ...parseRethinkdbUrl(services.rethinkdbUrl), db: rethinkDb },
      logger: silentLogger,
      connectTimeoutMs: 2000,
      reconnectInitialDelayMs: 20,
      reconnectMaxDelayMs: 200,
      maxWaitMs: 5000,
    });
    await migrate(client, TABLES, silentLogger);
  });

  after(async () => {
    server?.close();
    await publisher?.stop();
    await service?.stop();
    await harness.stop();
    await client.run(r.dbDrop(rethinkDb));
    await client.close();
    await pg.schema.dropTableIfExists(table);
    await pg.destroy();
  });

  it('should keep each source status in pipeline_status and on /metrics and /healthz', async () => {
    await pg(table).insert([
      quoteRow(1, romeTime(-1000)),
      quoteRow(2, romeTime(-1000), { pickup_station: null }),
    ]);
    const downPort = await freePort();
    service = await ConnectorsService.start({
      config: harness.config([
        quotesSource('st-good', 'postgres', table),
        quotesSource('st-down', 'postgres', table, { connection: { ...services.postgres, port: downPort } }),
      ]),
      kafka: harness.kafka,
      logger: silentLogger,
    });
    const statuses = () => service?.statuses() ?? [];
    publisher = new StatusPublisher({ client, statuses, intervalMs: 100, logger: silentLogger });
    publisher.start();
    const registry = new Registry();
    registerConnectorMetrics(registry, statuses);
    const port = await freePort();
    server = await startHttpServer({ port, host: '127.0.0.1', registry, statuses });

    await harness.waitFor(
      'the good source delivering',
      () => harness.on('quotes').length >= 1 && harness.on('dlq').length >= 1,
    );
    await harness.waitFor('the down source failing', () => statuses()[1]?.lastError != null);
    await harness.waitFor('the good source streaming', () => statuses()[0]?.phase === 'streaming');
    await publisher.publish();
    const documents = await client
      .run(r.db(rethinkDb).table('pipeline_status').orderBy('id'))
      .then((cursor) =>
        (cursor as unknown as { toArray: () => Promise<Record<string, unknown>[]> }).toArray(),
      );
    expect(documents.map((d) => [d.id, d.component, d.mode, d.client, d.phase, d.state])).to.deep.equal([
      ['connector:st-down', 'connector:st-down', 'poll', 'postgres', 'snapshot', 'failing'],
      ['connector:st-good', 'connector:st-good', 'poll', 'postgres', 'streaming', 'running'],
    ]);
    const good = documents[1] as {
      rowsTotal: number;
      dlqTotal: number;
      offsets: Record<string, { ts: string }>;
      lastError: null;
    };
    expect(good).to.deep.include({ rowsTotal: 2, dlqTotal: 1, lastError: null });
    expect(good.offsets[table]?.ts).to.be.a('string');
    expect(documents[0]?.lastError).to.match(
      new RegExp(`^source st-down \\(postgres 127\\.0\\.0\\.1:${downPort}/postgres\\): `),
    );

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).to.include(
      'quoteflow_connector_rows_total{source="st-good",mode="poll",client="postgres"} 2',
    );
    expect(metrics).to.include(
      'quoteflow_connector_dlq_total{source="st-good",mode="poll",client="postgres"} 1',
    );
    expect(metrics).to.include('quoteflow_connector_up{source="st-down",mode="poll",client="postgres"} 0');
    expect(metrics).to.include(
      'quoteflow_connector_streaming{source="st-good",mode="poll",client="postgres"} 1',
    );
    const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    expect(health).to.deep.equal({
      status: 'ok',
      sources: [
        { source: 'st-good', state: 'running', phase: 'streaming' },
        { source: 'st-down', state: 'failing', phase: 'snapshot' },
      ],
    });
  });
});
