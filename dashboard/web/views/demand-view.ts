import { getJson } from '../api.js';
import { el } from '../dom.js';
import { fieldText } from '../field-text.js';
import { formatTime, kpiZone } from '../format.js';
import { errorText, loadingState } from '../states.js';
import { visitorPathSection } from './visitor-path.js';

const TIMES = new Set(['quotedAt', 'pickup.at', 'dropoff.at']);
/** A field as an analyst reads it: times in the KPI zone. */
const shown = (doc: Record<string, unknown>, path: string) =>
  TIMES.has(path) ? formatTime(fieldText(doc, path)) : fieldText(doc, path);

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

interface Pair {
  a: string;
  b: string;
  sameCustomerBy: string[];
  pickupApartMinutes: number;
  dropoffApartMinutes: number;
  quotedApartHours: number;
}

const round = (value: number) => String(Math.round(value * 10) / 10);

/**
 * One demand: its quotes side by side (a column each), the rule that joined each pair (same
 * customer by which key, how far apart the times are), and the bookings it became with the rule
 * that matched them; then the website visitors linked to it and their events (visitor-path.ts).
 */
export function demandView(root: HTMLElement, id: string): () => void {
  const message = el('p', { class: 'error', role: 'alert' });
  const content = el('div', {}, loadingState());
  root.append(
    el('p', {}, el('a', { href: '#/demands' }, '← Demands')),
    el('h2', {}, `Demand ${id}`),
    el('p', { class: 'muted' }, `Times in ${kpiZone()}.`),
    message,
    content,
  );
  void getJson<{ cluster: Doc; quotes: Doc[]; bookings: Doc[]; pairs: Pair[] }>(
    `/api/v1/clusters/${encodeURIComponent(id)}`,
  ).then(
    ({ quotes, bookings, pairs }) => {
      content.replaceChildren(
        el('h3', {}, `${quotes.length} quote(s)`),
        el(
          'div',
          { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'the quotes side by side' },
          el(
            'table',
            { 'data-testid': 'demand-quotes' },
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                el('th', { scope: 'col' }, 'quote'),
                ...quotes.map((q) => el('th', { scope: 'col' }, fieldText(q, 'id'))),
              ),
            ),
            el(
              'tbody',
              {},
              ...ROWS.map((row) =>
                el(
                  'tr',
                  {},
                  el('th', { scope: 'row' }, row),
                  ...quotes.map((q) => el('td', {}, shown(q, row))),
                ),
              ),
            ),
          ),
        ),
        el('h3', {}, 'Why they are one demand'),
        el(
          'div',
          {
            class: 'table-wrap',
            tabindex: '0',
            role: 'region',
            'aria-label': 'why the quotes are one demand',
          },
          el(
            'table',
            { 'data-testid': 'demand-pairs' },
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ...[
                  'quotes',
                  'same customer by',
                  'pickup apart (min)',
                  'drop-off apart (min)',
                  'quoted apart (h)',
                ].map((h) => el('th', {}, h)),
              ),
            ),
            el(
              'tbody',
              {},
              ...pairs.map((pair) =>
                el(
                  'tr',
                  {},
                  el('td', {}, `${pair.a} ↔ ${pair.b}`),
                  el('td', {}, pair.sameCustomerBy.join(', ')),
                  el('td', {}, round(pair.pickupApartMinutes)),
                  el('td', {}, round(pair.dropoffApartMinutes)),
                  el('td', {}, round(pair.quotedApartHours)),
                ),
              ),
            ),
          ),
        ),
        el('h3', {}, bookings.length === 0 ? 'Not converted' : 'Bookings'),
        ...bookings.map((b) =>
          el(
            'p',
            {},
            `${fieldText(b, 'id')}: ${fieldText(b, 'status')} on ${formatTime(fieldText(b, 'bookedAt'))}, quote ${fieldText(b, 'quoteId')} (matched by ${fieldText(b, 'matchedBy')})`,
          ),
        ),
        visitorPathSection(id),
      );
    },
    (error: unknown) => {
      content.replaceChildren();
      message.textContent = errorText(error);
    },
  );
  return () => undefined;
}
