// Validates the appliance (compose.yaml, docker/Dockerfile, .dockerignore) without a Docker engine:
// - Debian's docker-compose 1.29 (`apt-get install docker-compose`) checks compose.yaml against its schema
//   (`config -q` needs no engine), including deliberately broken copies to prove the check can fail;
// - Docker Compose v2 does the same when its plugin happens to be installed (skipped otherwise);
// - the parsed YAML and the Dockerfile are checked for what the appliance relies on.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse, parseDocument } from 'yaml';

const execFileAsync = promisify(execFile);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const composeFile = path.join(repoRoot, 'compose.yaml');
const dockerfile = path.join(repoRoot, 'docker', 'Dockerfile');
const dockerignore = path.join(repoRoot, '.dockerignore');

const MIN_COMPOSE_V1 = [1, 29] as const; // `service_completed_successfully` appeared in 1.29.0
const MISSING_COMPOSE =
  "docker-compose is not installed: compose.yaml is validated with Debian's docker-compose 1.29 " +
  '(`apt-get install -y --no-install-recommends docker-compose`; test/services installs it in CI).';

// ---------------------------------------------------------------------------------------------------------
// running docker-compose

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}

/** Environment without the variables that would make Compose read another file or project. */
function composeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('COMPOSE_') && !key.startsWith('QUOTEFLOW_')) env[key] = value;
  }
  return env;
}

async function run(command: string, args: string[]): Promise<RunResult> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, {
      cwd: repoRoot,
      env: composeEnv(),
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err: unknown) {
    if (isErrno(err) && err.code === 'ENOENT') throw err;
    const e = err as { code?: unknown; stdout?: unknown; stderr?: unknown; message?: unknown };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      stdout: typeof e.stdout === 'string' ? e.stdout : '',
      stderr: typeof e.stderr === 'string' ? e.stderr : String(e.message),
    };
  }
}

let composeV1Version: Promise<string> | undefined;

/** Resolves to docker-compose's version; rejects with a clear message when it is missing or too old. */
function requireComposeV1(): Promise<string> {
  composeV1Version ??= (async () => {
    let result: RunResult;
    try {
      result = await run('docker-compose', ['version', '--short']);
    } catch (err: unknown) {
      if (isErrno(err) && err.code === 'ENOENT') throw new Error(MISSING_COMPOSE);
      throw err;
    }
    if (result.code !== 0) throw new Error(`docker-compose version failed: ${result.stderr}`);
    const version = result.stdout.trim();
    const [major = 0, minor = 0] = version.split('.').map(Number);
    const [minMajor, minMinor] = MIN_COMPOSE_V1;
    if (major < minMajor || (major === minMajor && minor < minMinor)) {
      throw new Error(`docker-compose ${version} is too old: ${MIN_COMPOSE_V1.join('.')} or newer is needed`);
    }
    return version;
  })();
  return composeV1Version;
}

async function composeV1(args: string[]): Promise<RunResult> {
  await requireComposeV1();
  return run('docker-compose', args);
}

/** Validates a variant of compose.yaml, resolving relative paths against the repository as the real one. */
async function validateVariant(text: string, extra: string[] = ['config', '-q']): Promise<RunResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'qf-compose-'));
  try {
    const file = path.join(dir, 'compose.yaml');
    await writeFile(file, text);
    return await composeV1(['-f', file, '--project-directory', repoRoot, ...extra]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function describeRun(result: RunResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

// ---------------------------------------------------------------------------------------------------------
// reading the parsed compose file

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dict(value: unknown, where: string): Dict {
  expect(isDict(value), `${where} should be a mapping`).to.equal(true);
  return value as Dict;
}

function str(value: unknown, where: string): string {
  expect(value, `${where} should be a string`).to.be.a('string');
  return value as string;
}

function scalar(value: unknown, where: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return expect.fail(`${where} should be a string, number or boolean`);
}

/** `environment` as a map, from either the map or the `KEY=value` list form. */
function envOf(service: Dict): Record<string, string> {
  const env = service.environment;
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const item of env) {
      const [key = '', ...rest] = String(item).split('=');
      out[key] = rest.join('=');
    }
  } else if (isDict(env)) {
    for (const [key, value] of Object.entries(env)) out[key] = scalar(value, `environment.${key}`);
  }
  return out;
}

interface Mount {
  type: string;
  source: string;
  target: string;
  readOnly: boolean;
}

/** `volumes` of a service in the long form, from either syntax. */
function mountsOf(service: Dict): Mount[] {
  const volumes = service.volumes;
  if (!Array.isArray(volumes)) return [];
  return volumes.map((item: unknown): Mount => {
    if (typeof item === 'string') {
      const [source = '', target = '', mode = ''] = item.split(':');
      const isPath = source.startsWith('.') || source.startsWith('/') || source.startsWith('$');
      return { type: isPath ? 'bind' : 'volume', source, target, readOnly: mode.split(',').includes('ro') };
    }
    const long = dict(item, 'a volume entry');
    return {
      type: String(long.type),
      source: String(long.source),
      target: String(long.target),
      readOnly: long.read_only === true,
    };
  });
}

/** `depends_on` as name → condition, from either the list or the map form. */
function dependsOn(service: Dict): Record<string, string> {
  const deps = service.depends_on;
  const out: Record<string, string> = {};
  if (Array.isArray(deps)) {
    for (const name of deps) out[String(name)] = 'service_started';
  } else if (isDict(deps)) {
    for (const [name, spec] of Object.entries(deps)) {
      out[name] = isDict(spec) && typeof spec.condition === 'string' ? spec.condition : 'service_started';
    }
  }
  return out;
}

function commandOf(service: Dict): string[] {
  const command = service.command;
  if (typeof command === 'string') return command.split(/\s+/).filter(Boolean);
  return Array.isArray(command) ? command.map(String) : [];
}

function isQuoteflowService(service: Dict): boolean {
  return service.build !== undefined || String(service.image).startsWith('quoteflow');
}

// ---------------------------------------------------------------------------------------------------------
// reading the Dockerfile

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

function parseDockerfile(text: string): { stages: Stage[] } {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full === '') continue;
    const match = /^(\S+)\s*(.*)$/s.exec(full)!;
    instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim() });
  }

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      const resolved = image.replace(/\$\{?(\w+)\}?/g, (_m, key: string) => globalArgs[key] ?? '');
      stages.push({ from: resolved, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [key = '', value = ''] = instruction.args.split('=');
        globalArgs[key] = value;
      }
    } else {
      stages[stages.length - 1]!.instructions.push(instruction);
    }
  }
  return { stages };
}

const PROD_DEPS = /\bnpm\s+(ci|prune)\b[^&;|]*--omit[= ]dev\b/;

// ---------------------------------------------------------------------------------------------------------

describe('appliance: compose.yaml and docker/Dockerfile', function () {
  this.timeout(60_000);

  let composeText: string;
  let compose: Dict;
  let services: Dict;

  before(async () => {
    composeText = await readFile(composeFile, 'utf8');
    // `merge: true`: the file uses YAML `<<` merge keys, which Compose resolves.
    const parsed: unknown = parse(composeText, { merge: true });
    compose = dict(parsed, 'compose.yaml');
    services = dict(compose.services, 'services');
  });

  describe('validation by docker-compose 1.29 (no engine needed)', () => {
    it('docker-compose 1.29 or newer is installed', async () => {
      const version = await requireComposeV1();
      expect(version).to.match(/^\d+\.\d+/);
    });

    it('accepts compose.yaml (`docker-compose -f compose.yaml config -q` exits 0)', async () => {
      const result = await composeV1(['-f', composeFile, 'config', '-q']);
      expect(result.code, describeRun(result)).to.equal(0);
    });

    it('resolves the infrastructure and migrate services', async () => {
      const result = await composeV1(['-f', composeFile, 'config', '--services']);
      expect(result.code, describeRun(result)).to.equal(0);
      expect(result.stdout.trim().split('\n').sort()).to.include.members([
        'kafka',
        'migrate',
        'redis',
        'rethinkdb',
      ]);
    });

    it('accepts a service built from the x-quoteflow template, as later services will be', async () => {
      const withProbe = composeText.replace(
        /^services:\n/m,
        "services:\n  probe:\n    <<: *quoteflow\n    command: ['processor']\n",
      );
      expect(withProbe).to.not.equal(composeText);
      const result = await validateVariant(withProbe, ['config']);
      expect(result.code, describeRun(result)).to.equal(0);
      const resolved = dict(dict(parse(result.stdout), 'resolved config').services, 'resolved services');
      const probe = dict(resolved.probe, 'services.probe');
      expect(probe.image).to.equal('quoteflow:latest');
      expect(probe.restart).to.equal('unless-stopped');
      expect(dependsOn(probe)).to.include({
        migrate: 'service_completed_successfully',
        kafka: 'service_healthy',
        rethinkdb: 'service_healthy',
      });
    });

    describe('the validation can fail', () => {
      it('control: an unmodified copy, validated the same way, passes', async () => {
        const result = await validateVariant(composeText);
        expect(result.code, describeRun(result)).to.equal(0);
      });

      it('rejects an unknown top-level key', async () => {
        const result = await validateVariant(`${composeText}\nnot-a-compose-key:\n  foo: bar\n`);
        expect(result.code, describeRun(result)).to.not.equal(0);
        expect(result.stderr).to.match(/not-a-compose-key/);
      });

      it('rejects a service whose image is a list of numbers', async () => {
        const doc = parseDocument(composeText, { merge: true });
        doc.setIn(['services', 'redis', 'image'], doc.createNode([42]));
        const result = await validateVariant(doc.toString());
        expect(result.code, describeRun(result)).to.not.equal(0);
        expect(result.stderr).to.match(/image/);
      });

      it('rejects an unknown depends_on condition', async () => {
        const doc = parseDocument(composeText, { merge: true });
        expect(doc.getIn(['services', 'migrate', 'depends_on', 'kafka', 'condition'])).to.equal(
          'service_healthy',
        );
        doc.setIn(['services', 'migrate', 'depends_on', 'kafka', 'condition'], 'service_ready');
        const broken = doc.toString();
        const result = await validateVariant(broken);
        expect(result.code, describeRun(result)).to.not.equal(0);
        expect(result.stderr).to.match(/service_ready/);
      });

      it('rejects a file that is not valid YAML', async () => {
        const result = await validateVariant(`${composeText}\nservices: [\n`);
        expect(result.code, describeRun(result)).to.not.equal(0);
      });
    });
  });

  describe('validation by Docker Compose v2 (only where its plugin is installed)', () => {
    it('accepts compose.yaml (`docker compose config -q` exits 0)', async function () {
      let probe: RunResult;
      try {
        probe = await run('docker', ['compose', 'version']);
      } catch {
        this.skip();
      }
      if (probe.code !== 0) this.skip();
      const result = await run('docker', ['compose', '-f', composeFile, 'config', '-q']);
      expect(result.code, describeRun(result)).to.equal(0);
    });
  });

  describe('structure', () => {
    const infra = {
      kafka: '/var/lib/kafka/data',
      rethinkdb: '/data',
      redis: '/data',
    } as const;

    it('uses the Compose Specification (no `version:`) and only known top-level keys', () => {
      expect(compose).to.not.have.property('version');
      for (const key of Object.keys(compose)) {
        expect(
          ['services', 'volumes', 'networks', 'configs', 'secrets'].includes(key) || key.startsWith('x-'),
        ).to.equal(true, `unexpected top-level key ${key}`);
      }
    });

    for (const [name, dataDir] of Object.entries(infra)) {
      it(`${name}: has a healthcheck, keeps its data in a named volume and restarts`, () => {
        const service = dict(services[name], `services.${name}`);
        const healthcheck = dict(service.healthcheck, `services.${name}.healthcheck`);
        expect(healthcheck.disable).to.not.equal(true);
        const test = healthcheck.test;
        expect(Array.isArray(test) ? test.length : String(test).length).to.be.greaterThan(0);
        if (Array.isArray(test)) expect(test[0]).to.be.oneOf(['CMD', 'CMD-SHELL']);

        const declared = dict(compose.volumes, 'volumes');
        const data = mountsOf(service).find((m) => m.target === dataDir);
        expect(data, `services.${name} mounts a volume at ${dataDir}`).to.not.equal(undefined);
        expect(data!.type).to.equal('volume');
        expect(declared, `volume ${data!.source} is declared at the top level`).to.have.property(
          data!.source,
        );
        expect(service.restart).to.equal('unless-stopped');
      });
    }

    it('publishes no port of Kafka, RethinkDB or Redis (host port 8080 is the dashboard’s)', () => {
      for (const name of Object.keys(infra)) {
        expect(dict(services[name], name).ports, `services.${name}.ports`).to.equal(undefined);
      }
    });

    it('kafka: 3.9.x, single-node KRaft, no topic auto-creation, data in the volume', () => {
      const kafka = dict(services.kafka, 'services.kafka');
      expect(str(kafka.image, 'kafka.image')).to.match(/^apache\/kafka:3\.9\.\d+$/);
      const env = envOf(kafka);
      expect(env.KAFKA_PROCESS_ROLES?.split(',').sort()).to.deep.equal(['broker', 'controller']);
      expect(env.KAFKA_NODE_ID).to.equal('1');
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).to.equal(`${env.KAFKA_NODE_ID}@kafka:9093`);
      expect(env.KAFKA_ADVERTISED_LISTENERS).to.equal('PLAINTEXT://kafka:9092');
      expect(env.KAFKA_CONTROLLER_LISTENER_NAMES).to.equal('CONTROLLER');
      expect(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP).to.include('CONTROLLER:PLAINTEXT');
      expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE).to.equal('false');
      expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).to.equal('1');
      expect(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).to.equal('1');
      expect(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).to.equal('1');
      expect(env.CLUSTER_ID, 'CLUSTER_ID: base64url of 16 bytes').to.match(/^[A-Za-z0-9_-]{22}$/);
      expect(env.KAFKA_LOG_DIRS).to.equal(infra.kafka);
      const healthcheck = dict(kafka.healthcheck, 'kafka.healthcheck');
      expect(healthcheck.start_period, 'kafka needs time to start').to.be.a('string');
    });

    it('rethinkdb: 2.4', () => {
      const rethinkdb = dict(services.rethinkdb, 'services.rethinkdb');
      expect(str(rethinkdb.image, 'rethinkdb.image')).to.match(/^rethinkdb:2\.4(\.\d+)?(-[\w.-]+)?$/);
    });

    it('redis: 7 with the append-only file on', () => {
      const redis = dict(services.redis, 'services.redis');
      expect(str(redis.image, 'redis.image')).to.match(/^redis:7(\.|-|$)/);
      const command = commandOf(redis);
      expect(command[0]).to.equal('redis-server');
      const i = command.indexOf('--appendonly');
      expect(i, 'redis-server --appendonly yes').to.be.greaterThan(0);
      expect(command[i + 1]).to.equal('yes');
    });

    describe('Quoteflow services', () => {
      let quoteflow: [string, Dict][];
      let dockerfileUser: string | undefined;

      before(async () => {
        quoteflow = Object.entries(services)
          .map(([name, s]): [string, Dict] => [name, dict(s, `services.${name}`)])
          .filter(([, s]) => isQuoteflowService(s));
        const { stages } = parseDockerfile(await readFile(dockerfile, 'utf8'));
        const users = stages.at(-1)?.instructions.filter((i) => i.keyword === 'USER') ?? [];
        dockerfileUser = users.at(-1)?.args;
      });

      it('include migrate', () => {
        expect(quoteflow.map(([name]) => name)).to.include('migrate');
      });

      it('all use the shared build of docker/Dockerfile and the quoteflow:latest image', () => {
        for (const [name, service] of quoteflow) {
          const build = dict(service.build, `services.${name}.build`);
          expect(build.context, `services.${name}.build.context`).to.equal('.');
          expect(build.dockerfile, `services.${name}.build.dockerfile`).to.equal('docker/Dockerfile');
          expect(service.image, `services.${name}.image`).to.equal('quoteflow:latest');
        }
        expect(existsSync(dockerfile)).to.equal(true);
      });

      it("all run as the image's non-root user and with an init for signals", () => {
        expect(dockerfileUser, 'the final stage of docker/Dockerfile sets USER').to.be.a('string');
        for (const [name, service] of quoteflow) {
          // No `user:` override: the image's USER (non-root, checked below) applies.
          expect(service.user, `services.${name}.user`).to.be.oneOf([undefined, dockerfileUser]);
          expect(service.init, `services.${name}.init`).to.equal(true);
        }
      });

      it('all reach Kafka, RethinkDB and Redis by service name and read the mounted config file', () => {
        for (const [name, service] of quoteflow) {
          const env = envOf(service);
          expect(env.QF_KAFKA_BROKERS, `services.${name}`).to.equal('kafka:9092');
          expect(env.QF_RETHINKDB_URL, `services.${name}`).to.equal('rethinkdb://rethinkdb:28015/quoteflow');
          expect(env.QF_REDIS_URL, `services.${name}`).to.equal('redis://redis:6379');
          const config = mountsOf(service).find((m) => m.target === env.QF_CONFIG);
          expect(config, `services.${name} mounts the file QF_CONFIG names`).to.not.equal(undefined);
          expect(config!.type).to.equal('bind');
          expect(config!.readOnly, 'the config is mounted read-only').to.equal(true);
          // ${QUOTEFLOW_CONFIG_FILE:-./config/quoteflow.example.yaml}: the default must exist.
          const fallback = /^\$\{\w+:-(.+)\}$/.exec(config!.source)?.[1] ?? config!.source;
          expect(
            existsSync(path.resolve(repoRoot, fallback)),
            `default config file ${fallback} exists`,
          ).to.equal(true);
        }
      });

      it('migrate runs once after Kafka and RethinkDB are healthy', () => {
        const migrate = dict(services.migrate, 'services.migrate');
        expect(commandOf(migrate)[0]).to.equal('migrate');
        expect(migrate.restart).to.equal('no');
        expect(dependsOn(migrate)).to.include({ kafka: 'service_healthy', rethinkdb: 'service_healthy' });
      });

      it('long-running services (and the x-quoteflow template) restart and wait for migrate', () => {
        const template = dict(compose['x-quoteflow'], 'x-quoteflow');
        const longRunning = quoteflow.filter(([name]) => name !== 'migrate');
        for (const [name, service] of [['x-quoteflow', template] as [string, Dict], ...longRunning]) {
          expect(service.restart, `${name}.restart`).to.equal('unless-stopped');
          expect(dependsOn(service), `${name}.depends_on`).to.include({
            migrate: 'service_completed_successfully',
          });
        }
        const migrate = dict(services.migrate, 'services.migrate');
        expect(template.build).to.deep.equal(migrate.build);
        expect(template.image).to.equal(migrate.image);
      });
    });
  });

  describe('docker/Dockerfile', () => {
    let stages: Stage[];
    let final: Stage;

    before(async () => {
      ({ stages } = parseDockerfile(await readFile(dockerfile, 'utf8')));
      expect(stages.length, 'a multi-stage build').to.be.greaterThan(1);
      final = stages.at(-1)!;
    });

    const args = (stage: Stage, keyword: string): string[] =>
      stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

    it('builds on node:24-bookworm-slim and compiles with npm ci + npm run build', () => {
      for (const stage of stages) expect(stage.from).to.equal('node:24-bookworm-slim');
      const runs = stages.flatMap((s) => args(s, 'RUN')).join('\n');
      expect(runs).to.match(/\bnpm ci\b/);
      expect(runs).to.match(/\bnpm run build\b/);
    });

    it('final stage runs as a non-root USER', () => {
      const users = args(final, 'USER');
      expect(users, 'USER in the final stage').to.have.length.greaterThan(0);
      const user = users.at(-1)!.split(':')[0]!;
      expect(['root', '0', '']).to.not.include(user);
    });

    it('final stage has only production dependencies (npm ci --omit=dev or npm prune --omit=dev)', () => {
      const installs = args(final, 'RUN').filter((r) => /\bnpm\s+(ci|install|i)\b/.test(r));
      for (const install of installs) expect(install, 'npm install in the final stage').to.match(PROD_DEPS);
      if (installs.length === 0) {
        const copy = args(final, 'COPY').find((c) => /\bnode_modules\b/.test(c));
        expect(copy, 'final stage copies node_modules').to.be.a('string');
        const from = /--from=(\S+)/.exec(copy!)?.[1];
        expect(from, 'node_modules come from a build stage, never from the build context').to.be.a('string');
        const source = stages.find((s, i) => s.name === from || String(i) === from);
        expect(source, `stage ${from}`).to.not.equal(undefined);
        expect(args(source!, 'RUN').some((r) => PROD_DEPS.test(r))).to.equal(
          true,
          `stage ${from} runs npm ci --omit=dev or npm prune --omit=dev`,
        );
      }
    });

    it('final stage holds dist/, node_modules/, package.json and config/ under WORKDIR /app', () => {
      expect(args(final, 'WORKDIR')).to.include('/app');
      for (const copy of args(final, 'COPY')) {
        const parts = copy.split(/\s+/).filter((p) => !p.startsWith('--'));
        const sources = parts.slice(0, -1).map((p) => p.replace(/^\/app\//, '').replace(/\/$/, ''));
        for (const source of sources)
          expect(['dist', 'node_modules', 'package.json', 'config']).to.include(source);
      }
      expect(args(final, 'ENV').join(' ')).to.match(/\bNODE_ENV=production\b/);
    });

    it('final stage runs the CLI as its entry point', () => {
      const entrypoint = args(final, 'ENTRYPOINT').at(-1);
      expect(entrypoint, 'ENTRYPOINT').to.be.a('string');
      const argv: unknown = JSON.parse(entrypoint!);
      expect(argv, 'exec form').to.be.an('array');
      expect(argv).to.include('/app/dist/cli/main.js');
    });

    it('.dockerignore keeps local artefacts out of the build context', async () => {
      const ignored = (await readFile(dockerignore, 'utf8'))
        .split('\n')
        .map((l) => l.trim().replace(/^\*\*\//, ''))
        .filter((l) => l !== '' && !l.startsWith('#'));
      expect(ignored).to.include.members(['node_modules', 'dist', '.git', '.services', 'coverage', 'test']);
    });
  });
});
