/**
 * An analyst's browser polling the dashboard API (the KPI table of today) with an API token: the
 * suite counts answers by status and checks the dashboard answers 200 again after a fault.
 */
export class DashboardProbe {
  readonly answers = new Map<string, number>();
  lastOkAt = 0;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly dashboardUrl: string,
    private readonly token: string,
    private readonly pauseMs = 250,
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
    while (this.running) {
      const day = 86_400_000;
      const from = new Date(Math.floor(Date.now() / day) * day).toISOString();
      const to = new Date(Date.parse(from) + day).toISOString();
      let status: string;
      try {
        const response = await fetch(
          `${this.dashboardUrl}/api/v1/kpis?from=${from}&to=${to}&granularity=hour`,
          {
            headers: { authorization: `Bearer ${this.token}` },
            signal: AbortSignal.timeout(10_000),
          },
        );
        await response.text();
        status = String(response.status);
        if (response.status === 200) this.lastOkAt = Date.now();
      } catch (error) {
        status = error instanceof Error ? error.name : 'error';
      }
      this.answers.set(status, (this.answers.get(status) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
  }
}
