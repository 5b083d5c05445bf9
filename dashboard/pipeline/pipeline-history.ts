import type { HealthCard, HealthSample } from './pipeline-health.js';
import { healthCards } from './pipeline-health.js';
import type { HistoryStore } from './history-store.js';
import { historyDoc } from './history-store.js';

/** How long the store keeps samples: the hour of the charts and a margin for a restart's gap. */
export const STORE_KEEP_MS = 65 * 60_000;

export interface PipelineHistoryOptions {
  /** Every pipeline_status document, processors with their lag (as GET /api/v1/pipeline gives them). */
  read: () => Promise<Record<string, unknown>[]>;
  /** How often to sample; default 10 s. */
  intervalMs?: number;
  /** How far back the charts go; default one hour. */
  keepMs?: number;
  onError?: (error: unknown) => void;
  clock?: () => number;
  /** Where samples outlive this process (one per card and minute); none: memory only. */
  store?: HistoryStore;
}

/**
 * The last hour of every card's lag and rate, sampled by this dashboard process from
 * pipeline_status (which holds only each component's latest figures) every 10 s and kept in
 * memory for the charts. With a store, each card's newest sample of a minute is also written to
 * `pipeline_history` and the first sample reads that back: a restarted dashboard's charts go on
 * from where they were, at one point a minute before the restart. Every instance behind the load
 * balancer samples the same table and writes the same minute documents (the newer sample wins).
 */
export class PipelineHistory {
  private readonly samples = new Map<string, HealthSample[]>();
  private readonly positions = new Map<string, { at: number; position: number }>();
  private latest: HealthCard[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<HealthCard[]> | undefined;
  private readonly clock: () => number;
  private restored = false;

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
    if (!this.restored) await this.restore();
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
    await this.persist(cards, now);
    return cards;
  }

  /** Takes the stored samples of the last hour, and the newest positions to derive rates from. */
  private async restore(): Promise<void> {
    const store = this.options.store;
    if (!store) {
      this.restored = true;
      return;
    }
    try {
      const docs = await store.since(this.clock() - (this.options.keepMs ?? 3_600_000));
      for (const doc of docs) {
        const list = this.samples.get(doc.card) ?? [];
        list.push({ at: doc.at, lag: doc.lag, rate: doc.rate });
        this.samples.set(doc.card, list);
        const known = this.positions.get(doc.card);
        if (doc.position !== undefined && (known === undefined || doc.at > known.at))
          this.positions.set(doc.card, { at: doc.at, position: doc.position });
      }
      // A restore that failed before may have let samples of this process in first.
      for (const list of this.samples.values()) list.sort((a, b) => a.at - b.at);
      this.restored = true;
    } catch (error) {
      // Charts start afresh rather than not at all; the next sample tries again.
      this.options.onError?.(error);
    }
  }

  /** Writes every card's sample into its minute's document and drops what the charts no longer show. */
  private async persist(cards: HealthCard[], now: number): Promise<void> {
    const store = this.options.store;
    if (!store || !this.restored) return;
    try {
      await store.save(
        cards.map((card) => historyDoc(card.id, { at: now, lag: card.lag, rate: card.rate }, card.position)),
      );
      await store.prune(now - STORE_KEEP_MS);
    } catch (error) {
      // The sample still shows; only its keeping across a restart failed.
      this.options.onError?.(error);
    }
  }

  /** The newest cards with their history (sampled now when nothing was sampled yet). */
  async cards(): Promise<(HealthCard & { history: HealthSample[] })[]> {
    const cards = this.latest ?? (await this.sample());
    return cards.map((card) => ({ ...card, history: this.samples.get(card.id) ?? [] }));
  }
}
