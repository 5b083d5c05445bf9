/**
 * The Debezium harness of bench/debezium (a Maven project): built when its classes are missing,
 * started as a child JVM with the arguments for one table and one topic.
 *
 * Two builds, never mixed on one classpath: Debezium 3.6.1.Final (postgres and mysql connectors)
 * in bench/debezium/target, and Debezium 3.5.0.Final with the MariaDB connector (profile
 * `mariadb-3.5`, the last version that has one) in bench/debezium/target-3.5.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ChildEngine } from './child-engine.js';

export type DebeziumBuild = '3.6.1' | '3.5.0';

const projectDir = join(import.meta.dirname, '..', 'debezium');
const buildDir = (build: DebeziumBuild) => join(projectDir, build === '3.6.1' ? 'target' : 'target-3.5');

function onPath(command: string): boolean {
  try {
    execFileSync(command, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Built, and newer than the pom and every Java source (an edited harness is built again). */
function isBuilt(build: DebeziumBuild): boolean {
  const dir = buildDir(build);
  const marker = join(dir, 'classes', 'quoteflow', 'bench', 'DebeziumBench.class');
  if (!existsSync(marker) || !existsSync(join(dir, 'lib'))) return false;
  const sourceDir = join(projectDir, 'src', 'main', 'java', 'quoteflow', 'bench');
  const sources = [join(projectDir, 'pom.xml'), ...readdirSync(sourceDir).map((f) => join(sourceDir, f))];
  const builtAt = statSync(marker).mtimeMs;
  return sources.every((source) => statSync(source).mtimeMs <= builtAt);
}

/** Builds the harness when missing; throws a message that says what to install when it cannot. */
export function ensureDebeziumBuilt(build: DebeziumBuild): void {
  if (!onPath('java'))
    throw new Error(
      'Debezium needs Java 17 or newer on PATH (`java`); install a JDK (Debian: openjdk-17-jdk-headless)',
    );
  if (isBuilt(build)) return;
  if (!onPath('mvn'))
    throw new Error(
      `the Debezium harness is not built (${buildDir(build)}) and Maven (\`mvn\`) is not on PATH to build it; install Maven 3.8+ (Debian: maven)`,
    );
  console.log(`  building the Debezium ${build} harness (mvn package, first run downloads its jars)…`);
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      join(projectDir, 'pom.xml'),
      ...(build === '3.5.0' ? ['-P', 'mariadb-3.5'] : []),
      'package',
    ],
    {
      stdio: 'inherit',
    },
  );
}

export interface DebeziumRun {
  build: DebeziumBuild;
  connector: 'postgres' | 'mysql' | 'mariadb';
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  table: string;
  topic: string;
  bootstrapServers: string;
  /** Postgres: a fresh slot and publication (filtered to the table), dropped by the caller. */
  slot?: string;
  /** MySQL/MariaDB: the replica server id. */
  serverId?: number;
  settings: 'tuned' | 'defaults';
}

export function startDebezium(run: DebeziumRun): ChildEngine {
  const dir = buildDir(run.build);
  const args = [
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-cp',
    `${join(dir, 'classes')}:${join(dir, 'lib', '*')}`,
    'quoteflow.bench.DebeziumBench',
    ...['--connector', run.connector, '--host', run.host, '--port', String(run.port)],
    ...['--user', run.user, '--database', run.database, '--table', run.table],
    ...['--topic', run.topic, '--bootstrap-servers', run.bootstrapServers, '--settings', run.settings],
    ...(run.slot === undefined ? [] : ['--slot', run.slot, '--publication', run.slot]),
    ...(run.serverId === undefined ? [] : ['--server-id', String(run.serverId)]),
  ];
  // The password through the environment: a command line is readable by anyone (ps).
  const env = { ...process.env, QF_BENCH_DB_PASSWORD: run.password };
  return new ChildEngine(`Debezium ${run.build}`, 'java', args, { cwd: projectDir, env });
}
