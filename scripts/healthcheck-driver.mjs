// Runs the health checks of running Podman containers, as Docker's daemon does by itself.
// Why: without systemd, Podman never schedules health checks, so a container's health stays
// "starting" and `depends_on: condition: service_healthy` waits forever. Started (once) by
// scripts/engine.sh; it runs until killed.
//
// Timing follows each container's own healthcheck: during its start_period it is probed every
// FAST_MS (failures there do not count, and the first success makes it healthy at once, so a
// stack comes up as fast as its services allow); after it, every `interval`. Probes run one at a
// time: on a 2-core machine a burst of JVM and Node probes would slow the services they probe.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FAST_MS = 2_000;
const TICK_MS = 1_000;
const DEFAULT_INTERVAL_MS = 30_000;

/** @type {Map<string, number>} container id → time of its last probe */
const lastProbe = new Map();
/** @type {Map<string, { intervalMs: number, startPeriodMs: number } | null>} */
const configs = new Map();

async function podman(args, timeout = 60_000) {
  const { stdout } = await run('podman', args, { timeout, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** The healthcheck timings of a container (nanoseconds in Podman's JSON), or null without one. */
async function healthConfig(id) {
  if (configs.has(id)) return configs.get(id);
  const raw = await podman(['inspect', '--format', '{{json .Config.Healthcheck}}', id]);
  const hc = JSON.parse(raw.trim() || 'null');
  const config =
    hc && Array.isArray(hc.Test) && hc.Test.length > 0 && hc.Test[0] !== 'NONE'
      ? {
          intervalMs: hc.Interval ? hc.Interval / 1e6 : DEFAULT_INTERVAL_MS,
          startPeriodMs: hc.StartPeriod ? hc.StartPeriod / 1e6 : 0,
        }
      : null;
  configs.set(id, config);
  return config;
}

async function tick() {
  const listing = JSON.parse(
    (await podman(['ps', '--format', 'json', '--filter', 'status=running'])) || '[]',
  );
  const now = Date.now();
  const seen = new Set();
  for (const container of listing) {
    const id = container.Id;
    seen.add(id);
    const config = await healthConfig(id).catch(() => null);
    if (!config) continue;
    const startedMs = (container.StartedAt ?? 0) * 1000;
    const inStartPeriod = now - startedMs < config.startPeriodMs;
    const every = inStartPeriod ? FAST_MS : Math.max(FAST_MS, config.intervalMs);
    if (now - (lastProbe.get(id) ?? 0) < every) continue;
    lastProbe.set(id, now);
    // Exit 1 means "unhealthy", which Podman records itself; only the probe's own failure matters here.
    await podman(['healthcheck', 'run', id], 120_000).catch(() => undefined);
  }
  for (const id of lastProbe.keys()) {
    if (!seen.has(id)) {
      lastProbe.delete(id);
      configs.delete(id);
    }
  }
}

for (;;) {
  try {
    await tick();
  } catch (error) {
    process.stderr.write(
      `${new Date().toISOString()} healthcheck-driver: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, TICK_MS));
}
