import type { Chart } from 'chart.js';
import { getJson, query } from '../api.js';
import { el, formValues } from '../dom.js';
import { filterInput } from '../filter-input.js';
import { formatCount, formatRate, kpiZone, localDate } from '../format.js';
import { swatch } from '../palette.js';
import { emptyState, errorText, loadingState } from '../states.js';
import { dataTable } from '../table.js';
import type { FunnelSeries } from './funnel-chart.js';
import { funnelChart } from './funnel-chart.js';

interface FunnelRow {
  group: string | null;
  visits: number;
  quotes: number;
  linkedQuotes: number;
  demands: number;
  bookings: number;
}

interface FunnelAnswer {
  groupBy: string | null;
  total: FunnelRow;
  rows: FunnelRow[];
}

type Step = 'visits' | 'quotes' | 'demands' | 'bookings';
const STEPS: [Step, string][] = [
  ['visits', 'Visits'],
  ['quotes', 'Quoted'],
  ['demands', 'Demands'],
  ['bookings', 'Bookings'],
];
/** Groups drawn in the chart (the table lists them all): more bars than colours cannot be told apart. */
const CHART_GROUPS = 8;

const rate = (step: number, previous: number) => formatRate(previous === 0 ? null : step / previous);

/**
 * Web funnel: visits → visitors who quoted → demands → bookings for a period, filtered by
 * campaign, source and station, and grouped by one of them: step tiles with each step's
 * conversion from the one before, a bar chart and a table. The state is in the URL, as in Explore.
 */
export function funnelView(root: HTMLElement, params: URLSearchParams): () => void {
  const state = Object.fromEntries(params);
  const input = (name: string, label: string, type = 'text', fallback = '') =>
    filterInput(state, name, label, type, fallback);
  const groupBy = el(
    'select',
    { name: 'groupBy' },
    ...[
      ['', '(none)'],
      ['campaign', 'campaign'],
      ['source', 'source'],
      ['station', 'pickup station'],
    ].map(([value = '', text = '']) =>
      el('option', value === (state.groupBy ?? '') ? { value, selected: '' } : { value }, text),
    ),
  );
  const form = el(
    'form',
    { class: 'filters', 'aria-label': 'Funnel' },
    input('from', 'from', 'date', localDate(-7)),
    input('to', 'to (exclusive)', 'date', localDate(1)),
    input('campaign', 'campaign'),
    input('source', 'source'),
    input('station', 'station'),
    el('label', {}, 'group by', groupBy),
    el('button', { type: 'submit' }, 'Show'),
  );
  const message = el('p', { class: 'error', role: 'alert' });
  const note = el('p', { class: 'muted' });
  const tiles = el('div', { class: 'tiles', 'data-testid': 'funnel-steps' });
  const canvas = el('canvas', { role: 'img', 'aria-label': 'the funnel' });
  const chartBox = el('div', { class: 'chart' }, canvas);
  const holder = el('div', {}, loadingState());
  root.append(el('h2', {}, 'Web funnel'), form, message, note, tiles, chartBox, holder);
  let chart: Chart | undefined;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = `#/funnel?${query(formValues(form))}`;
    if (next === window.location.hash) void load();
    else window.location.hash = next;
  });

  const load = async () => {
    const values = formValues(form);
    message.textContent = '';
    let answer: FunnelAnswer;
    try {
      answer = await getJson<FunnelAnswer>(`/api/v1/funnel?${query(values)}`);
    } catch (error) {
      holder.replaceChildren();
      chartBox.hidden = true;
      message.textContent = errorText(error);
      return;
    }
    const { total, rows } = answer;
    note.textContent =
      `Days in ${kpiZone()}. Visits: distinct visitors with a page view, track call or click in the period; ` +
      'quoted: those whose events name a quote (its broker and reference, or a booking) or who gave the email or ' +
      'phone of a customer who quoted in the period; demands and bookings: those quotes’ demands and their confirmed bookings.';
    tiles.replaceChildren(
      ...STEPS.map(([key, label], index) => {
        const previous = index === 0 ? undefined : STEPS[index - 1]?.[0];
        return el(
          'div',
          { class: 'tile', 'data-step': key },
          el('span', {}, label),
          el('strong', {}, formatCount(total[key])),
          el(
            'span',
            { class: 'compare' },
            previous === undefined
              ? `${formatCount(total.linkedQuotes)} quote(s) linked`
              : `${rate(total[key], total[previous])} of ${STEPS[index - 1]?.[1].toLowerCase() ?? ''}`,
          ),
        );
      }),
    );
    if (total.visits === 0) {
      chart?.destroy();
      chart = undefined;
      chartBox.hidden = true;
      holder.replaceChildren(
        emptyState(
          'No visit in this period.',
          'Widen the period or clear a filter; visits come from the website’s events through the collector (page views, track calls, clicks).',
        ),
      );
      return;
    }
    chartBox.hidden = false;
    const shown = answer.groupBy ? rows.slice(0, CHART_GROUPS) : [total];
    const series: FunnelSeries[] = shown.map((row, index) => ({
      label: row.group ?? 'all visitors',
      colour: index,
      values: STEPS.map(([key]) => row[key]),
    }));
    chart?.destroy();
    chart = funnelChart(
      canvas,
      STEPS.map(([, label]) => label),
      series,
    );
    canvas.setAttribute(
      'aria-label',
      `the funnel${answer.groupBy ? ` by ${answer.groupBy}` : ''}: visits, quoted, demands, bookings`,
    );

    const period = { from: values.from, to: values.to };
    const demandsOf = (row: FunnelRow) => {
      const filters: Record<string, string | undefined> = {
        ...period,
        source: values.source,
        station: values.station,
      };
      if (answer.groupBy === 'source' && row.group) filters.source = row.group;
      if (answer.groupBy === 'station' && row.group) filters.station = row.group;
      return `#/demands?${query(filters)}`;
    };
    const tableRows = answer.groupBy ? rows : [total];
    holder.replaceChildren(
      answer.groupBy === 'source' || answer.groupBy === 'station'
        ? el(
            'p',
            { class: 'muted' },
            `Every row counts all the period's visits: a visit has no ${answer.groupBy} until it quotes. A visitor who quoted at two ${answer.groupBy === 'source' ? 'brokers' : 'stations'} is in both rows.`,
          )
        : '',
      dataTable({
        label: 'the funnel per group',
        testid: 'funnel-table',
        rows: tableRows,
        empty: { why: 'No group in this period.', todo: 'Clear a filter or widen the period.' },
        columns: [
          {
            label: answer.groupBy ?? 'period',
            cell: (row) =>
              el(
                'span',
                {},
                swatch(tableRows.indexOf(row)),
                row.group ?? `${values.from ?? ''} – ${values.to ?? ''}`,
              ),
          },
          {
            label: 'visits',
            numeric: true,
            cell: (row) =>
              el(
                'a',
                { href: `#/records/events?${query(period)}`, title: 'the events of the period' },
                formatCount(row.visits),
              ),
          },
          { label: 'quoted', numeric: true, cell: (row) => formatCount(row.quotes) },
          { label: 'quoted / visits', numeric: true, cell: (row) => rate(row.quotes, row.visits) },
          { label: 'quotes linked', numeric: true, cell: (row) => formatCount(row.linkedQuotes) },
          {
            label: 'demands',
            numeric: true,
            cell: (row) =>
              answer.groupBy === 'campaign'
                ? formatCount(row.demands)
                : el(
                    'a',
                    {
                      href: demandsOf(row),
                      title: 'every demand first quoted in the period with these filters',
                    },
                    formatCount(row.demands),
                  ),
          },
          { label: 'demands / quoted', numeric: true, cell: (row) => rate(row.demands, row.quotes) },
          { label: 'bookings', numeric: true, cell: (row) => formatCount(row.bookings) },
          { label: 'bookings / demands', numeric: true, cell: (row) => rate(row.bookings, row.demands) },
        ],
      }),
    );
  };

  void load();
  return () => chart?.destroy();
}
