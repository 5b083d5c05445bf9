import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startListening, stopChild } from './child-service.js';

const run = promisify(execFile);

/**
 * A private Apache Kafka broker (KRaft, broker and controller in one JVM) from the jars
 * `test/services/kafka.sh` fetched, on its own ports and data directory, for fault tests that stop
 * the broker while the shared one keeps serving every other test. `stop('SIGTERM')` is a clean
 * shutdown, `stop('SIGKILL')` a crash; `start()` again keeps the data.
 */
export class KafkaProcess {
  private child: ChildProcess | undefined;
  private dir: string | undefined;

  constructor(readonly port: number) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  async start(): Promise<void> {
    const classpath = `${libsDir()}/*`;
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
      `advertised.listeners=PLAINTEXT://127.0.0.1:${this.port}`,
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
