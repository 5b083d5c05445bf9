import type { Registry } from 'prom-client';
import { Histogram } from 'prom-client';
import { METRIC_PREFIX } from '../../lib/metrics.js';

/** The named steps of the pipeline, in order; each has a timing series. */
export const STEPS = [
  'validate',
  'cdc',
  'normalise',
  'load',
  'resolve',
  'rollup',
  'release',
  'journal',
  'write',
  'sync',
  'commit',
] as const;
export type StepName = (typeof STEPS)[number];

/**
 * Seconds spent in each step, summed over a batch and observed once per batch
 * (`quoteflow_processor_step_seconds{step}`), so timing costs nothing per record.
 */
export class StepTimer {
  private readonly totals = new Map<StepName, number>();

  constructor(private readonly histogram?: Histogram<'step'>) {}

  static histogram(registry: Registry): Histogram<'step'> {
    return new Histogram({
      name: `${METRIC_PREFIX}processor_step_seconds`,
      help: 'Time spent in each processor pipeline step per batch',
      labelNames: ['step'],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    });
  }

  time<T>(step: StepName, run: () => T): T {
    const started = performance.now();
    try {
      return run();
    } finally {
      this.totals.set(step, (this.totals.get(step) ?? 0) + performance.now() - started);
    }
  }

  async timeAsync<T>(step: StepName, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.totals.set(step, (this.totals.get(step) ?? 0) + performance.now() - started);
    }
  }

  /** Observes the batch's totals and starts over. */
  flush(): void {
    for (const [step, ms] of this.totals) this.histogram?.observe({ step }, ms / 1000);
    this.totals.clear();
  }
}
