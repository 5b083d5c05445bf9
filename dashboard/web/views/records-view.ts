import { getJson, query } from '../api.js';
import { el } from '../dom.js';
import { fieldText } from '../field-text.js';
import { formatMoney, formatTime, kpiZone } from '../format.js';
import { pagerControls } from '../pager.js';
import { errorText, loadingState } from '../states.js';
import type { Column } from '../table.js';
import { dataTable } from '../table.js';

type Doc = Record<string, unknown>;

const PAGE = 50;

const text =
  (path: string) =>
  (doc: Doc): string =>
    fieldText(doc, path);
const time =
  (path: string) =>
  (doc: Doc): string =>
    formatTime(fieldText(doc, path));
const price = (doc: Doc): string => {
  const amount = Number(fieldText(doc, 'price.amount'));
  return fieldText(doc, 'price.amount') === '' ? '' : formatMoney(amount, fieldText(doc, 'price.currency'));
};
const demandLink = (path: string) => (doc: Doc) => {
  const id = fieldText(doc, path);
  return id === '' ? '' : el('a', { href: `#/demand/${encodeURIComponent(id)}` }, id);
};

/** The columns an analyst reads first, in that order; the rest is in the exports. */
const COLUMNS: Record<string, Column<Doc>[]> = {
  quotes: [
    { label: 'quoted', cell: time('quotedAt') },
    { label: 'source', cell: text('source') },
    { label: 'broker ref', cell: text('brokerQuoteRef') },
    { label: 'customer', cell: text('customer.name') },
    { label: 'email', cell: text('customer.email') },
    { label: 'pickup', cell: text('pickup.station') },
    { label: 'pickup at', cell: time('pickup.at') },
    { label: 'drop-off', cell: text('dropoff.station') },
    { label: 'drop-off at', cell: time('dropoff.at') },
    { label: 'car group', cell: text('carGroup') },
    { label: 'price', cell: price, numeric: true },
    { label: 'demand', cell: demandLink('clusterId') },
  ],
  bookings: [
    { label: 'booked', cell: time('bookedAt') },
    { label: 'source', cell: text('source') },
    { label: 'status', cell: text('status') },
    { label: 'quote ref', cell: text('quoteRef') },
    { label: 'customer', cell: text('customer.name') },
    { label: 'pickup', cell: text('pickup.station') },
    { label: 'pickup at', cell: time('pickup.at') },
    { label: 'car group', cell: text('carGroup') },
    { label: 'price', cell: price, numeric: true },
    { label: 'quote', cell: text('quoteId') },
    { label: 'demand', cell: demandLink('clusterId') },
  ],
  events: [
    { label: 'received', cell: time('receivedAt') },
    { label: 'type', cell: text('type') },
    { label: 'name', cell: text('name') },
    { label: 'project', cell: text('project') },
    { label: 'visitor', cell: text('anonymousId') },
    { label: 'page', cell: text('context.page') },
  ],
};

const KIND_LABEL: Record<string, string> = { quotes: 'Quotes', bookings: 'Bookings', events: 'Events' };

/** A period bound as the analyst gave it: a plain date stays a date, an instant is shown in the KPI zone. */
function periodBound(value: string | undefined): string {
  if (value === undefined) return '?';
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : formatTime(value);
}

interface RecordsPage {
  items: Doc[];
  start: number;
  total: number;
  totalCapped?: boolean;
  next: string | null;
  previous: string | null;
}

/**
 * The records behind a number: a page at a time with the period's total, each quote leading to
 * its demand. The page is the server's token in the URL (`cursor`), kept there with replaceState
 * as the pager moves: a reload or a shared link shows the same page, and Back still returns to
 * where the records were opened from rather than through every page.
 */
export function recordsView(root: HTMLElement, kind: string, params: URLSearchParams): () => void {
  const columns = COLUMNS[kind] ?? [];
  const { cursor: startCursor, ...base } = Object.fromEntries(params);
  const holder = el('div', {}, loadingState());
  const pager = el('p', { class: 'pager' });
  const message = el('p', { class: 'error', role: 'alert' });
  const filters = ['source', 'station', 'carGroup', 'channel', 'type']
    .filter((name) => base[name] !== undefined)
    .map((name) => `${name} ${base[name] ?? ''}`);
  const exportQuery = query({ ...base, limit: undefined });
  root.append(
    el('h2', {}, `${KIND_LABEL[kind] ?? kind}, ${periodBound(base.from)} to ${periodBound(base.to)}`),
    el(
      'p',
      { class: 'muted' },
      `Times in ${kpiZone()}.${filters.length > 0 ? ` Filtered by ${filters.join(', ')}.` : ''} Export: `,
      el('a', { href: `/api/v1/export/${kind}?format=xlsx&${exportQuery}` }, 'XLSX'),
      ' · ',
      el('a', { href: `/api/v1/export/${kind}?format=csv&${exportQuery}` }, 'CSV'),
    ),
    message,
    holder,
    pager,
  );

  const load = async (cursor: string | undefined) => {
    try {
      const page = await getJson<RecordsPage>(
        `/api/v1/records/${kind}?${query({ ...base, cursor, limit: String(PAGE) })}`,
      );
      history.replaceState(null, '', `#/records/${kind}?${query({ ...base, cursor })}`);
      holder.replaceChildren(
        dataTable({
          columns,
          rows: page.items,
          label: `${kind} of the period`,
          testid: 'records-table',
          empty: {
            why: `No ${kind} in this period${filters.length > 0 ? ' with these filters' : ''}.`,
            todo: 'Widen the period or remove a filter in Explore.',
          },
        }),
      );
      pager.replaceChildren(
        ...pagerControls(
          {
            ...page,
            shown: page.items.length,
            hasPrevious: page.previous !== null,
            hasNext: page.next !== null,
          },
          'records',
          (way) => void load((way === 'next' ? page.next : page.previous) ?? undefined),
        ),
      );
    } catch (error) {
      holder.replaceChildren();
      message.textContent = errorText(error);
    }
  };
  void load(startCursor);
  return () => undefined;
}
