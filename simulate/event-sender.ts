import type { SimEvent } from './actions.js';

export interface EventSenderOptions {
  /** Base URL of the collector, e.g. http://collector:8088. */
  collectorUrl: string;
  /** A write key of one of the collector's projects. */
  writeKey: string;
  /** Site the simulated pages belong to, for the events' page URLs. */
  siteUrl?: string;
  fetch?: typeof fetch;
}

/**
 * Sends the simulation's web events to the collector as a website would: page views through the
 * pixel (`GET /v1/pixel.gif`), clicks and the quote form's identify calls as a JSON batch
 * (`POST /v1/batch`, Segment's format).
 */
export class EventSender {
  private readonly fetch: typeof fetch;
  private readonly site: string;

  constructor(private readonly options: EventSenderOptions) {
    this.fetch = options.fetch ?? fetch;
    this.site = options.siteUrl ?? 'https://www.example-rentals.com';
  }

  /** Sends the events; throws naming the endpoint and status when the collector refuses them. */
  async send(events: readonly SimEvent[]): Promise<void> {
    const tracked = events.filter((e) => e.via !== 'pixel');
    for (const event of events) if (event.via === 'pixel') await this.pixel(event);
    if (tracked.length === 0) return;
    const response = await this.fetch(new URL('/v1/batch', this.options.collectorUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        writeKey: this.options.writeKey,
        batch: tracked.map((e) =>
          e.via === 'identify'
            ? {
                type: 'identify',
                anonymousId: e.anonymousId,
                traits: e.traits,
                context: { page: `${this.site}${e.page}` },
              }
            : {
                type: 'track',
                name: e.name,
                anonymousId: e.anonymousId,
                properties: e.properties,
                context: { page: `${this.site}${e.page}` },
              },
        ),
      }),
    });
    await this.check(response, 'POST /v1/batch');
  }

  private async pixel(event: SimEvent): Promise<void> {
    const url = new URL('/v1/pixel.gif', this.options.collectorUrl);
    url.searchParams.set('writeKey', this.options.writeKey);
    url.searchParams.set('name', event.name);
    url.searchParams.set('aid', event.anonymousId);
    url.searchParams.set('url', `${this.site}${event.page}`);
    if (event.campaign !== undefined) url.searchParams.set('utm_campaign', event.campaign);
    for (const [name, value] of Object.entries(event.properties)) url.searchParams.set(`p.${name}`, value);
    await this.check(await this.fetch(url), 'GET /v1/pixel.gif');
  }

  private async check(response: Response, endpoint: string): Promise<void> {
    // Read the body either way, so the connection goes back to the pool.
    const body = await response.text();
    if (!response.ok) {
      throw new Error(`collector refused ${endpoint}: HTTP ${response.status} ${body.slice(0, 200)}`);
    }
  }
}
