import { expect } from 'chai';
import type { ServiceName } from './support/fault-lab.js';
import { FaultLab, SERVICES, WRITE_KEY } from './support/fault-lab.js';
import { DashboardProbe } from './support/dashboard-probe.js';
import { EventLoad } from './support/event-load.js';
import { SourceLoad } from './support/source-load.js';
import { compareSourcesWithStore, missingEvents } from './support/store-truth.js';
import { tallyTopics } from './support/kafka-tally.js';

/** Seconds Kafka stays stopped in the first scenario (the issue asks for 60). */
const KAFKA_OUTAGE_SECONDS = Number(process.env.QF_FAULT_KAFKA_OUTAGE_SECONDS ?? 60);
/** Seconds the other servers stay down. */
const OUTAGE_SECONDS = Number(process.env.QF_FAULT_OUTAGE_SECONDS ?? 10);
/** Seconds of load before the first fault. */
const WARM_UP_SECONDS = Number(process.env.QF_FAULT_WARM_UP_SECONDS ?? 10);
/** How long the pipeline may take to converge after a fault before the scenario fails. */
const RECOVERY_LIMIT_MS = 240_000;

const pause = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

interface Figures {
  scenario: string;
  acknowledgedEvents: number;
  sourceChanges: number;
  lostEvents: number;
  lostChanges: number;
  duplicatedEvents: number;
  duplicatedRecords: number;
  /** The dashboard API's answers during the scenario, by status (or error when none came). */
  dashboard: string;
  check: 'clean' | 'NOT CLEAN';
  recoverySeconds: number;
}

/**
 * The fault suite (`npm run test:faults`): the whole appliance under load from a website (events),
 * two brokers' databases (change data capture in log mode) and an analyst (dashboard API), while
 * each thing it depends on fails in turn. After every fault the loads stop and the suite waits
 * until the store equals the truth: every acknowledged event stored, every source table's last
 * state stored, `quoteflow check` clean. Each scenario prints its figures; lost must be 0.
 * Waiting out an outage is the scenario itself, so the pauses below are the fault's duration,
 * not a guess at how long something takes.
 */
describe('fault suite: the appliance under load while its dependencies fail', function () {
  this.timeout(0);
  let lab: FaultLab;
  let events: EventLoad;
  let sources: SourceLoad;
  let dashboard: DashboardProbe;
  /** What `before` started, stopped in reverse order by `after` (also when `before` failed half way). */
  const teardown: (() => Promise<void>)[] = [];
  const figures: Figures[] = [];
  let duplicatesBefore = { events: 0, records: 0 };

  before(async function () {
    this.timeout(600_000);
    lab = await FaultLab.create();
    teardown.push(async () => {
      // QF_FAULT_KEEP_LAB=1 leaves the servers and services running for a look after a failure.
      if (process.env.QF_FAULT_KEEP_LAB) console.log(`lab kept: QF_CONFIG=${lab.configFile}`);
      else await lab.tearDown();
    });
    await lab.setUp();
    sources = new SourceLoad(lab.sources);
    teardown.push(() => sources.close());
    await sources.createTables();
    for (const name of SERVICES) lab.start(name);
    await lab.waitUntilServing();
    events = new EventLoad(lab.collectorUrl, WRITE_KEY);
    dashboard = new DashboardProbe(lab.dashboardUrl, lab.apiToken);
    teardown.push(
      () => events.stop(),
      () => dashboard.stop(),
    );
    // The first scenario starts from a pipeline that works end to end.
    await runScenario('warm-up (no fault)', () => pause(WARM_UP_SECONDS).then(() => undefined), {
      record: false,
    });
  });

  after(async function () {
    this.timeout(120_000);
    for (const step of teardown.reverse()) await step();
    if (figures.length > 0) {
      console.log('\nfault suite figures');
      console.table(figures);
    }
  });

  /**
   * Runs the loads, applies `fault` (which returns once the failed part is back), stops the loads,
   * and waits until nothing is missing; then counts duplicates and runs `quoteflow check`.
   */
  async function runScenario(
    scenario: string,
    fault: () => Promise<void>,
    { record = true }: { record?: boolean } = {},
  ): Promise<Figures> {
    const ackedBefore = events.acknowledged.length;
    const changesBefore = sources.committed;
    dashboard.answers.clear();
    events.start();
    sources.start();
    dashboard.start();
    await pause(5);
    await fault();
    const back = Date.now();
    await events.stop();
    await sources.stop();

    let lostEvents: string[] = [];
    let differences: string[] = [];
    const deadline = back + RECOVERY_LIMIT_MS;
    for (;;) {
      lostEvents = await missingEvents(events.acknowledged, lab.rethinkdb.port).catch(() => [
        '(store unreachable)',
      ]);
      differences =
        lostEvents.length === 0
          ? await compareSourcesWithStore(lab.sources, lab.rethinkdb.port)
              .then((c) => c.differences)
              .catch((error: unknown) => [`(comparison failed: ${String(error)})`])
          : differences;
      if ((lostEvents.length === 0 && differences.length === 0) || Date.now() > deadline) break;
      await pause(1);
    }
    const recoverySeconds = (Date.now() - back) / 1000;
    await dashboard.stop();
    const topics = lab.config.kafka.topics;
    const tallies = await tallyTopics(lab.kafka.brokers, [
      topics.events.name,
      topics.quotes.name,
      topics.bookings.name,
    ]);
    const duplicates = {
      events: tallies.get(topics.events.name)?.duplicates ?? 0,
      records:
        (tallies.get(topics.quotes.name)?.duplicates ?? 0) +
        (tallies.get(topics.bookings.name)?.duplicates ?? 0),
    };
    const check = await lab.check();
    const result: Figures = {
      scenario,
      acknowledgedEvents: events.acknowledged.length - ackedBefore,
      sourceChanges: sources.committed - changesBefore,
      lostEvents: lostEvents.length,
      lostChanges: differences.length,
      duplicatedEvents: duplicates.events - duplicatesBefore.events,
      duplicatedRecords: duplicates.records - duplicatesBefore.records,
      dashboard: [...dashboard.answers].map(([status, n]) => `${status}×${n}`).join(' '),
      check: check.clean ? 'clean' : 'NOT CLEAN',
      recoverySeconds: Math.round(recoverySeconds * 10) / 10,
    };
    duplicatesBefore = duplicates;
    if (record) figures.push(result);
    console.log(`      fault figures: ${JSON.stringify(result)}`);
    if (differences.length > 0) console.log(`      first differences: ${differences.slice(0, 5).join('; ')}`);
    const logs = SERVICES.map((name) => `--- ${name}\n${lab.logs(name).slice(-3000)}`).join('\n');
    expect(lostEvents.slice(0, 5), `acknowledged events missing after ${scenario}\n${logs}`).to.deep.equal(
      [],
    );
    expect(
      differences.slice(0, 5),
      `source rows not stored as they are after ${scenario}\n${logs}`,
    ).to.deep.equal([]);
    expect(check.clean, `quoteflow check after ${scenario}:\n${check.output}`).to.equal(true);
    expect(result.acknowledgedEvents, 'the collector acknowledged no event during the scenario').to.be.above(
      0,
    );
    return result;
  }

  it('loses nothing when Kafka is stopped for a minute under collector and connector load', async () => {
    const result = await runScenario(`Kafka stopped ${KAFKA_OUTAGE_SECONDS} s`, async () => {
      await lab.kafka.stop('SIGTERM');
      await pause(KAFKA_OUTAGE_SECONDS);
      await lab.kafka.start();
    });
    expect(result.sourceChanges, 'the brokers committed no change during the outage').to.be.above(0);
  });

  it('loses nothing when the RethinkDB server crashes under processor and dashboard load', async () => {
    const result = await runScenario(`RethinkDB SIGKILLed, down ${OUTAGE_SECONDS} s`, async () => {
      await lab.rethinkdb.stop();
      await pause(OUTAGE_SECONDS);
      await lab.rethinkdb.start();
    });
    expect(dashboard.lastOkAt, 'the dashboard answered 200 again after the restart').to.be.above(
      Date.now() - 60_000,
    );
    // While the database is away the API says so (503 + Retry-After), never 500 or a hang.
    expect(dashboard.answers.get('503') ?? 0, `the dashboard's answers: ${result.dashboard}`).to.be.above(0);
    const failed = lab
      .logs('dashboard')
      .split('\n')
      .filter((line) => line.includes('"request failed"'));
    expect(
      [...dashboard.answers.keys()],
      `the dashboard's answers: ${result.dashboard}\n${failed.join('\n')}`,
    ).to.have.members(['200', '503']);
  });

  it('loses no change when PostgreSQL crashes under change data capture', async () => {
    const result = await runScenario(`PostgreSQL crashed (immediate), down ${OUTAGE_SECONDS} s`, async () => {
      await lab.postgres.stop('immediate');
      await pause(OUTAGE_SECONDS);
      await lab.postgres.start();
    });
    expect(result.sourceChanges).to.be.above(0);
  });

  it('loses no change when MariaDB crashes under change data capture', async () => {
    const result = await runScenario(`MariaDB SIGKILLed, down ${OUTAGE_SECONDS} s`, async () => {
      await lab.mariadb.stop('SIGKILL');
      await pause(OUTAGE_SECONDS);
      await lab.mariadb.start();
    });
    expect(result.sourceChanges).to.be.above(0);
  });

  for (const name of ['collector', 'connectors', 'processor', 'dashboard'] satisfies ServiceName[]) {
    it(`loses nothing when the ${name} is SIGKILLed mid-flight`, async () => {
      await runScenario(`${name} SIGKILLed and restarted`, async () => {
        await pause(5);
        await lab.crashAndRestart(name);
        if (name === 'collector' || name === 'dashboard') await lab.waitUntilServing();
      });
    });
  }
});
