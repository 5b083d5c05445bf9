import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from '../../support/wait-for.js';
import { startListening, stopChild } from './child-service.js';

const run = promisify(execFile);

/**
 * A private Apache Kafka broker (KRaft, broker and controller in one JVM) from the jars
 * `test/services/kafka.sh` fetched, on its own ports and data directory, for fault tests that stop
 * the broker while the shared one keeps serving every other test. `stop('SIGTERM')` is a clean
 * shutdown, `stop('SIGKILL')` a crash; `start()` again keeps the data. `advertisedPort` makes
 * the broker tell clients to reach it on another port (a TCP proxy's, for tests that cut a
 * client off while the broker runs on); that port must answer by the time `start()` warms it up.
 */
export class KafkaProcess {
  private child: ChildProcess | undefined;
  private dir: string | undefined;

  constructor(
    readonly port: number,
    private readonly advertisedPort = port,
  ) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  async start(): Promise<void> {
    const classpath = `${libsDir()}/*`;
    const fresh = !this.dir;
    if (!this.dir) {
      this.dir = await mkdtemp(path.join(tmpdir(), 'qf-kafka-'));
      await mkdir(path.join(this.dir, 'data'));
      await writeFile(this.propertiesFile, this.properties());
      const { stdout } = await run('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'random-uuid']);
      await run('java', [
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        stdout.trim(),
        '-c',
        this.propertiesFile,
      ]);
    }
    const started = await startListening(
      'the private Kafka broker',
      'java',
      ['-Xms128m', '-Xmx512m', '-XX:+UseG1GC', '-cp', classpath, 'kafka.Kafka', this.propertiesFile],
      this.port,
      90_000,
    );
    this.child = started.child;
    if (fresh) await this.warmUp();
  }

  /**
   * A brand-new cluster answers on its port before it can serve everything (the group coordinator
   * loads __consumer_offsets, the producer-id coordinator starts): a probe produces with an
   * idempotent producer and reads back in a consumer group, so the lab starts its services on a
   * broker that works, as `quoteflow migrate` leaves it in compose. Restarts are not warmed up:
   * how the services cope with those is what the suite measures.
   */
  private async warmUp(): Promise<void> {
    const kafka = new Kafka({ clientId: 'qf-fault-lab', brokers: this.brokers, logLevel: logLevel.NOTHING });
    const topic = 'qf-lab-probe';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'probe' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'qf-lab-probe' });
    let received = false;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: () => {
        received = true;
        return Promise.resolve();
      },
    });
    await waitFor('the probe message back from the new broker', () => received, { timeoutMs: 120_000 });
    await consumer.disconnect();
  }

  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    return stopChild(this.child, signal);
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private get propertiesFile(): string {
    return path.join(this.dir ?? '', 'server.properties');
  }

  private properties(): string {
    const controller = this.port + 1;
    return [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controller}`,
      `listeners=PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${controller}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${this.advertisedPort}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${path.join(this.dir ?? '', 'data')}`,
      'default.replication.factor=1',
      'min.insync.replicas=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=3',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      'broker.heartbeat.interval.ms=1000',
      'broker.session.timeout.ms=5000',
      'num.network.threads=2',
      'num.io.threads=2',
      '',
    ].join('\n');
  }
}

function libsDir(): string {
  const servicesDir = process.env.QF_SERVICES_DIR ?? path.join(homedir(), '.cache', 'quoteflow-services');
  return path.join(servicesDir, 'kafka', 'libs');
}
