import { randomUUID } from 'node:crypto';

/**
 * A website sending events to the collector without pause: batches of `batchSize` events with
 * ids of its own, one request after another. An event answered 200 is *acknowledged*: the
 * collector promised it is durable, so the suite expects every one of them in the store.
 */
export class EventLoad {
  readonly acknowledged: string[] = [];
  /** Answers other than 200 (503 while neither Kafka nor the spool takes events, for one). */
  readonly refused = new Map<string, number>();
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly collectorUrl: string,
    private readonly writeKey: string,
    private readonly batchSize = 10,
    private readonly pauseMs = 100,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    for (let n = 0; this.running; n++) {
      const batch = Array.from({ length: this.batchSize }, () => ({
        id: randomUUID(),
        type: 'track',
        name: 'fault.load',
        anonymousId: `visitor-${n % 50}`,
        properties: { n },
      }));
      try {
        const response = await fetch(`${this.collectorUrl}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ writeKey: this.writeKey, batch }),
          signal: AbortSignal.timeout(10_000),
        });
        await response.text();
        if (response.status === 200) this.acknowledged.push(...batch.map((event) => event.id));
        else this.count(String(response.status));
      } catch (error) {
        // The collector down (a crash scenario) or a timed-out request: nothing was promised.
        this.count(error instanceof Error ? error.name : 'error');
      }
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }

  private count(reason: string): void {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
  }
}
