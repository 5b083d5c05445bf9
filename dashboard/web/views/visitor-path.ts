import { getJson } from '../api.js';
import { el } from '../dom.js';
import { formatTime } from '../format.js';
import { swatch } from '../palette.js';
import { errorText, loadingState } from '../states.js';
import { dataTable } from '../table.js';

interface PathEvent {
  id: string;
  type: string;
  name: string | null;
  receivedAt: string;
  anonymousId: string;
  page: string | null;
  campaign: string;
  quoteRef: string | null;
  bookingRef: string | null;
}

interface VisitorPath {
  visitors: { anonymousId: string; linkedBy: string[] }[];
  events: PathEvent[];
  truncated: boolean;
}

const LINKS: Record<string, string> = {
  quoteRef: 'clicked one of its quotes',
  bookingRef: 'saw one of its bookings',
  email: "gave its customer's email",
  phone: "gave its customer's phone",
};

/**
 * A demand's visitor path, for the demand page: the website visitors linked to the demand (how
 * each is linked) and their events in time order, in the KPI time zone. Each visitor keeps one
 * palette colour in the list and in the events.
 */
export function visitorPathSection(demandId: string): HTMLElement {
  const section = el('section', { 'aria-label': 'Visitor path', 'data-testid': 'visitor-path' });
  section.append(el('h3', {}, 'Visitor path'), loadingState());
  void getJson<VisitorPath>(`/api/v1/clusters/${encodeURIComponent(demandId)}/visitors`).then(
    (path) => {
      const colour = new Map(path.visitors.map((visitor, index) => [visitor.anonymousId, index]));
      const who = (anonymousId: string) => el('span', {}, swatch(colour.get(anonymousId) ?? 0), anonymousId);
      section.replaceChildren(
        el('h3', {}, 'Visitor path'),
        path.visitors.length === 0
          ? el(
              'div',
              { class: 'empty', role: 'status' },
              el('strong', {}, 'No website visitor is linked to this demand.'),
              el(
                'span',
                {},
                'Visitors are linked when their events carry one of its quotes (properties.quoteRef and properties.source) or bookings (properties.bookingRef), or when an identify call gave the email or phone of one of its quotes.',
              ),
            )
          : el(
              'ul',
              {},
              ...path.visitors.map((visitor) =>
                el(
                  'li',
                  {},
                  who(visitor.anonymousId),
                  `: ${visitor.linkedBy.map((how) => LINKS[how] ?? how).join(', ')}`,
                ),
              ),
            ),
        path.events.length === 0
          ? ''
          : dataTable({
              label: 'the events of the linked visitors',
              testid: 'visitor-path-events',
              rows: path.events,
              columns: [
                { label: 'time', cell: (e) => formatTime(e.receivedAt) },
                { label: 'visitor', cell: (e) => who(e.anonymousId) },
                { label: 'event', cell: (e) => `${e.type}${e.name ? `: ${e.name}` : ''}` },
                { label: 'page', cell: (e) => e.page ?? '' },
                { label: 'campaign', cell: (e) => e.campaign },
                { label: 'quote ref', cell: (e) => e.quoteRef ?? '' },
                { label: 'booking ref', cell: (e) => e.bookingRef ?? '' },
              ],
            }),
        path.truncated
          ? el(
              'p',
              { class: 'muted' },
              'Only 500 events are shown: the first ones (of a sample, for visitors with over 50,000 events).',
            )
          : '',
      );
    },
    (error: unknown) => {
      section.replaceChildren(
        el('h3', {}, 'Visitor path'),
        el('p', { class: 'error', role: 'alert' }, errorText(error)),
      );
    },
  );
  return section;
}
