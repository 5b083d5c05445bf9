import type { SourceConfig } from '../../../lib/config/schema.js';
import { createSourceDb } from '../../../lib/source-db.js';
import type { SimAction } from '../../../simulate/actions.js';
import { Simulation } from '../../../simulate/generator.js';
import { runSimulation } from '../../../simulate/run-simulation.js';
import { SourceWriter } from '../../../simulate/source-writer.js';
import { silentLogger } from '../../support/silent-logger.js';

/** A source writer that counts the changes its database committed. */
class CountingWriter extends SourceWriter {
  committed = 0;

  override async apply(action: SimAction): Promise<boolean> {
    const applied = await super.apply(action);
    if (applied) this.committed++;
    return applied;
  }
}

/**
 * Brokers' booking systems at work: `quoteflow simulate`'s market writing quotes, re-sent quotes,
 * reprices, bookings and cancellations into the lab's source databases. A write the database
 * refuses (it is down) is dropped, as the broker's own system would have failed it; the source
 * tables are the truth the store is compared with.
 */
export class SourceLoad {
  private readonly writers: CountingWriter[];
  private readonly simulation: Simulation;
  private abort: AbortController | undefined;
  private loop: Promise<unknown> | undefined;

  constructor(
    sources: readonly SourceConfig[],
    private readonly demandsPerSecond = 2,
  ) {
    this.writers = sources.map((source) => new CountingWriter(source, createSourceDb(source)));
    this.simulation = new Simulation({
      seed: 7,
      brokers: sources.map((source) => source.name),
      keyBase: 1_000_000,
      odds: { followUpSeconds: 20 },
    });
  }

  /** Changes the source databases committed so far. */
  get committed(): number {
    return this.writers.reduce((sum, writer) => sum + writer.committed, 0);
  }

  async createTables(): Promise<void> {
    for (const writer of this.writers) await writer.createTables();
  }

  start(): void {
    this.abort = new AbortController();
    this.loop = runSimulation({
      simulation: this.simulation,
      writers: this.writers,
      rate: this.demandsPerSecond,
      signal: this.abort.signal,
      logger: silentLogger,
      tickMs: 100,
    });
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
  }

  async close(): Promise<void> {
    await this.stop();
    for (const writer of this.writers) await writer.close();
  }
}
