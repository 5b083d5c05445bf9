import { getJson, query } from '../api.js';
import { el, formValues } from '../dom.js';
import { filterInput } from '../filter-input.js';
import {
  asLocalDate,
  formatCount,
  formatDuration,
  formatRate,
  formatTime,
  kpiZone,
  localDate,
} from '../format.js';
import { pagerControls } from '../pager.js';
import { errorText, loadingState } from '../states.js';
import { dataTable } from '../table.js';

interface Demand {
  id: string;
  firstQuotedAt: string;
  source: string;
  pickupStation: string;
  dropoffStation: string;
  carGroup: string;
  size: number;
  converted: boolean;
  convertedAt: string | null;
  leadTimeMs: number;
  customer: { name?: string | null; email?: string | null; phone?: string | null } | null;
  brokerQuoteRef: string | null;
}

interface DemandPage {
  items: Demand[];
  total: number;
  totalCapped?: boolean;
  nextOffset: number | null;
  partial: boolean;
  search: string | null;
  rate: RateCounts | null;
}

/** The counts behind an Explore rate cell this list was opened from (`rate` in the URL). */
interface RateCounts {
  rate: 'conversion' | 'duplicates';
  numerator: number;
  denominator: number;
}

const PAGE = 50;

/**
 * The line that says what the rate cell counted: its numerator and denominator over the period and
 * dimension filters (not the search, size or status), so they can be checked against the list.
 */
function rateText(counts: RateCounts | null, values: Record<string, string>): (Node | string)[] {
  if (counts === null) return [];
  const { numerator, denominator } = counts;
  const value = formatRate(denominator === 0 ? null : numerator / denominator);
  if (counts.rate === 'conversion')
    return [
      `Conversion ${value}: `,
      el('strong', { 'data-testid': 'rate-numerator' }, formatCount(numerator)),
      ' of ',
      el('strong', { 'data-testid': 'rate-denominator' }, formatCount(denominator)),
      ' demands of the period with these filters converted (status "converted" lists them).',
    ];
  const { from, to, source, station, carGroup, channel } = values;
  const quotes = `#/records/quotes?${query({ from, to, source, station, carGroup, channel })}`;
  return [
    `Duplicate rate ${value}: `,
    el('strong', { 'data-testid': 'rate-numerator' }, formatCount(numerator)),
    ' of the ',
    el('a', { href: quotes, 'data-testid': 'rate-denominator' }, formatCount(denominator)),
    ` quotes of the period with these filters are duplicates: they make ${formatCount(denominator - numerator)} demands.`,
  ];
}

/**
 * Demands: the demands of a period (by their first quote) with filters — source, station, car
 * group, channel, converted or not, size — and a search by customer email, phone, name or broker
 * reference, normalised as the resolution rules normalise. Each opens its explainer. The state is
 * in the URL, as in Explore.
 */
export function demandsView(root: HTMLElement, params: URLSearchParams): () => void {
  const state = Object.fromEntries(params);
  const input = (
    name: string,
    label: string,
    type = 'text',
    fallback = '',
    extra: Record<string, string> = {},
  ) => filterInput(state, name, label, type, fallback, extra);
  // A drill-down from Explore carries its bucket's bounds as instants: a local midnight becomes a
  // date, an hour's bound stays an instant in a text input (a date input would empty it, and the
  // list would silently show another period).
  const period = (name: 'from' | 'to', label: string, fallback: string) => {
    const given = state[name];
    const date = given === undefined ? fallback : asLocalDate(given);
    return el(
      'label',
      {},
      label,
      el(
        'input',
        date === undefined ? { name, type: 'text', value: given } : { name, type: 'date', value: date },
      ),
    );
  };
  const converted = el(
    'select',
    { name: 'converted' },
    ...[
      ['', 'all'],
      ['yes', 'converted'],
      ['no', 'not converted'],
    ].map(([value = '', text = '']) =>
      el('option', value === (state.converted ?? '') ? { value, selected: '' } : { value }, text),
    ),
  );
  const search = el('input', {
    name: 'q',
    type: 'search',
    value: state.q ?? '',
    placeholder: 'email, phone, name or broker ref',
    'aria-label': 'Search demands by customer email, phone, name or broker reference',
  });
  const form = el(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Demands' },
    el('label', {}, 'search', search),
    period('from', 'from', localDate(-7)),
    period('to', 'to (exclusive)', localDate(1)),
    input('source', 'source'),
    input('station', 'station'),
    input('carGroup', 'car group'),
    // Explore drills here grouped by channel too: without this input the list would drop it.
    input('channel', 'channel'),
    el('label', {}, 'status', converted),
    input('minSize', 'min quotes', 'number', '', { min: '1', inputmode: 'numeric' }),
    input('maxSize', 'max quotes', 'number', '', { min: '1', inputmode: 'numeric' }),
    // Opened from a rate cell of Explore: the rate's counts stay shown as the filters change.
    state.rate === undefined ? null : el('input', { type: 'hidden', name: 'rate', value: state.rate }),
    el('button', { type: 'submit' }, 'Find'),
  );
  const message = el('p', { class: 'error', role: 'alert' });
  const summary = el('p', { class: 'muted', 'data-testid': 'demands-summary', 'aria-live': 'polite' });
  const rate = el('p', { 'data-testid': 'demands-rate', 'aria-live': 'polite' });
  const holder = el('div', {}, loadingState());
  const pager = el('p', { class: 'pager' });
  root.append(el('h2', {}, 'Demands'), form, message, rate, summary, holder, pager);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = `#/demands?${query(formValues(form))}`;
    if (next === window.location.hash) void load(0);
    else window.location.hash = next;
  });

  const load = async (offset: number) => {
    const values = formValues(form);
    message.textContent = '';
    let page: DemandPage;
    try {
      page = await getJson<DemandPage>(
        `/api/v1/demands?${query({ ...values, offset: String(offset), limit: String(PAGE) })}`,
      );
    } catch (error) {
      holder.replaceChildren();
      message.textContent = errorText(error);
      return;
    }
    summary.textContent =
      `${formatCount(page.total)} demand(s) first quoted in the period (days in ${kpiZone()})` +
      (page.search ? `, found by ${page.search}` : '') +
      (page.partial ? '. The search stopped early: narrow the period to see every match.' : '.');
    rate.replaceChildren(...rateText(page.rate, values));
    holder.replaceChildren(
      dataTable({
        label: 'demands',
        testid: 'demands-table',
        rows: page.items,
        empty: {
          why: values.q
            ? `No demand in this period matches “${values.q}”.`
            : 'No demand in this period with these filters.',
          todo: 'Widen the period, or check the spelling: emails, phones and names are compared as the duplicate rules compare them.',
        },
        columns: [
          {
            label: 'first quoted',
            cell: (d) =>
              el('a', { href: `#/demand/${encodeURIComponent(d.id)}` }, formatTime(d.firstQuotedAt)),
          },
          { label: 'customer', cell: (d) => d.customer?.name ?? '' },
          { label: 'email', cell: (d) => d.customer?.email ?? '' },
          { label: 'source', cell: (d) => d.source },
          { label: 'broker ref', cell: (d) => d.brokerQuoteRef ?? '' },
          {
            label: 'stations',
            cell: (d) =>
              d.pickupStation === d.dropoffStation
                ? d.pickupStation
                : `${d.pickupStation} → ${d.dropoffStation}`,
          },
          { label: 'car group', cell: (d) => d.carGroup },
          { label: 'quotes', numeric: true, cell: (d) => formatCount(d.size) },
          { label: 'converted', cell: (d) => (d.converted ? `yes, ${formatTime(d.convertedAt)}` : 'no') },
          { label: 'lead time', numeric: true, cell: (d) => formatDuration(d.leadTimeMs / 3_600_000) },
        ],
      }),
    );
    pager.replaceChildren(
      ...pagerControls(
        {
          ...page,
          start: offset,
          shown: page.items.length,
          hasPrevious: offset > 0,
          hasNext: page.nextOffset !== null,
        },
        'demands',
        (way) => void load(way === 'next' ? (page.nextOffset ?? offset) : Math.max(0, offset - PAGE)),
      ),
    );
  };

  void load(0);
  return () => undefined;
}
