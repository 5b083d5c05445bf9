/**
 * How the web funnel reads one stored event (pure). See dashboard/README.md, "Web funnel".
 */

/**
 * Event types that are a visit: a page view (Segment `page`/`screen`, the pixel's `view`), a
 * `track` call, or a click through a tracked link. `identify`, `alias` and `group` say who the
 * visitor is, not that they visited; a `postback` comes from a partner's server, not a visitor.
 */
export const VISIT_TYPES: readonly string[] = ['page', 'screen', 'view', 'track', 'click'];

/** The parts of a stored event (`events` table) the funnel reads. */
export interface FunnelEvent {
  type: string;
  anonymousId?: string | null;
  quoteRef?: string | null;
  bookingRef?: string | null;
  properties?: Record<string, unknown> | null;
  context?: { campaign?: Record<string, unknown> | null } | null;
}

/** Shown for visitors whose events carry no `context.campaign.name` (utm_campaign). */
export const NO_CAMPAIGN = '(none)';

export function isVisit(event: FunnelEvent): boolean {
  return (
    VISIT_TYPES.includes(event.type) && typeof event.anonymousId === 'string' && event.anonymousId !== ''
  );
}

/** utm_campaign as the collector stores it (`context.campaign.name`), trimmed; else "(none)". */
export function campaignOf(event: FunnelEvent): string {
  const name = event.context?.campaign?.name;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : NO_CAMPAIGN;
}

/**
 * The broker whose reference an event names: `properties.source`. A broker's references are
 * unique only among its own quotes (DESIGN.md rule 1 compares them within one source), so a
 * reference without a source links nothing rather than guess between brokers.
 */
function sourceOf(event: FunnelEvent): string | null {
  const source = event.properties?.source;
  return typeof source === 'string' && source.trim() !== '' ? source.trim() : null;
}

/** `[source, brokerQuoteRef]`: the key of index `quotes.source_brokerQuoteRef`, or null. */
export function quoteKeyOf(event: FunnelEvent): [string, string] | null {
  const source = sourceOf(event);
  const ref = event.quoteRef?.trim();
  return source !== null && ref ? [source, ref] : null;
}

/**
 * The booking an event names: `<source>:<bookingRef>`, the booking's id (DESIGN.md: a record's id
 * is `<source>:<sourceKey>`; a booking has no broker reference of its own), or null.
 */
export function bookingIdOf(event: FunnelEvent): string | null {
  const source = sourceOf(event);
  const ref = event.bookingRef?.trim();
  return source !== null && ref ? `${source}:${ref}` : null;
}
