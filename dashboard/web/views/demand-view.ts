import { getJson } from '../api.js';
import { el } from '../dom.js';
import { fieldText } from '../field-text.js';

type Doc = Record<string, unknown>;

const ROWS = [
  'source',
  'quotedAt',
  'brokerQuoteRef',
  'customer.name',
  'customer.email',
  'customer.phone',
  'pickup.station',
  'pickup.at',
  'dropoff.station',
  'dropoff.at',
  'carGroup',
  'price.amount',
  'channel',
];

/** One demand: its quotes side by side (a column each), and the bookings it became. */
export function demandView(root: HTMLElement, id: string): () => void {
  const message = el('p', { class: 'error', role: 'alert' });
  const content = el('div', {});
  root.append(el('h2', {}, `Demand ${id}`), message, content);
  void getJson<{ cluster: Doc; quotes: Doc[]; bookings: Doc[] }>(
    `/api/v1/clusters/${encodeURIComponent(id)}`,
  ).then(
    ({ quotes, bookings }) => {
      content.replaceChildren(
        el('h3', {}, `${quotes.length} quote(s)`),
        el(
          'table',
          { 'data-testid': 'demand-quotes' },
          el(
            'thead',
            {},
            el('tr', {}, el('th', {}, ''), ...quotes.map((q) => el('th', {}, fieldText(q, 'id')))),
          ),
          el(
            'tbody',
            {},
            ...ROWS.map((row) =>
              el('tr', {}, el('th', {}, row), ...quotes.map((q) => el('td', {}, fieldText(q, row)))),
            ),
          ),
        ),
        el('h3', {}, bookings.length === 0 ? 'Not converted' : 'Bookings'),
        ...bookings.map((b) =>
          el(
            'p',
            {},
            `${fieldText(b, 'id')}: ${fieldText(b, 'status')} on ${fieldText(b, 'bookedAt')}, quote ${fieldText(b, 'quoteId')}`,
          ),
        ),
      );
    },
    (error: unknown) => {
      message.textContent = error instanceof Error ? error.message : String(error);
    },
  );
  return () => undefined;
}
