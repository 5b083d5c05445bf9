import type { HealthCard, HealthSample } from './pipeline-health.js';
import { healthCards } from './pipeline-health.js';

export interface PipelineHistoryOptions {
  /** Every pipeline_status document, processors with their lag (as GET /api/v1/pipeline gives them). */
  read: () => Promise<Record<string, unknown>[]>;
  /** How often to sample; default 10 s. */
  intervalMs?: number;
  /** How far back the charts go; default one hour. */
  keepMs?: number;
  onError?: (error: unknown) => void;
  clock?: () => number;
}

/**
 * The last hour of every card's lag and rate, sampled by this dashboard process from
 * pipeline_status (which holds only each component's latest figures). Kept in memory: a restarted
 * dashboard starts its charts afresh, and each instance behind the load balancer samples for itself
 * — the same figures, read from the same table.
 */
export class PipelineHistory {
  private readonly samples = new Map<string, HealthSample[]>();
  private readonly positions = new Map<string, { at: number; position: number }>();
  private latest: HealthCard[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<HealthCard[]> | undefined;
  private readonly clock: () => number;

  constructor(private readonly options: PipelineHistoryOptions) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    void this.sample().catch(this.options.onError ?? (() => undefined));
    this.timer = setInterval(() => {
      void this.sample().catch(this.options.onError ?? (() => undefined));
    }, this.options.intervalMs ?? 10_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads the table once and records a sample of every card; one read at a time. */
  sample(): Promise<HealthCard[]> {
    this.sampling ??= this.sampleOnce().finally(() => {
      this.sampling = undefined;
    });
    return this.sampling;
  }

  private async sampleOnce(): Promise<HealthCard[]> {
    const components = await this.options.read();
    const now = this.clock();
    const cards = healthCards(components, now, this.positions);
    const keepFrom = now - (this.options.keepMs ?? 3_600_000);
    for (const card of cards) {
      const list = (this.samples.get(card.id) ?? []).filter((sample) => sample.at >= keepFrom);
      list.push({ at: now, lag: card.lag, rate: card.rate });
      this.samples.set(card.id, list);
      if (card.position !== undefined) this.positions.set(card.id, { at: now, position: card.position });
    }
    this.latest = cards;
    return cards;
  }

  /** The newest cards with their history (sampled now when nothing was sampled yet). */
  async cards(): Promise<(HealthCard & { history: HealthSample[] })[]> {
    const cards = this.latest ?? (await this.sample());
    return cards.map((card) => ({ ...card, history: this.samples.get(card.id) ?? [] }));
  }
}
