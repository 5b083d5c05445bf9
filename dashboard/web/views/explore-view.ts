import type { Chart } from 'chart.js';
import { getJson, query } from '../api.js';
import { el, formValues } from '../dom.js';
import { filterInput } from '../filter-input.js';
import { formatCount, formatDuration, formatRate, formatRevenue, kpiZone, localDate } from '../format.js';
import { swatch } from '../palette.js';
import { errorText, loadingState } from '../states.js';
import type { Column } from '../table.js';
import { dataTable } from '../table.js';
import type { ChartKind, ChartSeries } from './explore-chart.js';
import { exploreChart } from './explore-chart.js';

interface Row {
  start: string;
  end: string;
  label: string;
  group: string | null;
  totals: Record<string, number | null> & { revenue: Record<string, number> };
  uniqueVisitors?: number;
}

const FILTERS = ['source', 'station', 'carGroup', 'channel'];
const METRICS: [string, string][] = [
  ['quotes', 'quotes'],
  ['demands', 'demands'],
  ['bookings', 'bookings'],
  ['convertedDemands', 'converted demands'],
  ['unquotedBookings', 'unquoted bookings'],
  ['events', 'events'],
];

/** The filters of a row, to drill into: the grouped dimension becomes one more filter. */
function rowFilters(row: Row, groupBy: string | undefined, filters: Record<string, string>) {
  const dims = { ...filters };
  if (groupBy !== undefined && row.group !== null)
    dims[groupBy === 'pickupStation' ? 'station' : groupBy] = row.group;
  return { ...dims, from: row.start, to: row.end };
}

/** A number that leads to what is behind it (records or demands of that bucket and group). */
function drill(href: string, text: string): HTMLElement {
  return el('a', { href }, text);
}

/**
 * A rate that leads to the counts behind it: the demands list of that bucket and group with the
 * rate's numerator and denominator shown. Its accessible name says what opens, since "12.5 %"
 * alone does not.
 */
function rateDrill(href: string, text: string, name: string): HTMLElement {
  return el('a', { href, 'aria-label': name }, text);
}

/**
 * Explore: any period, granularity, filters and grouping; a chart (lines over time, or bars
 * stacked by the grouped dimension), series toggles, a table whose every count and rate drills down, and
 * exports. The whole state is in the URL: a link shares the view, Back returns to the last one.
 */
export function exploreView(root: HTMLElement, params: URLSearchParams): () => void {
  const state = Object.fromEntries(params);
  const input = (name: string, label: string, type = 'text', fallback = '') =>
    filterInput(state, name, label, type, fallback);
  const select = (name: string, label: string, options: [string, string][]) =>
    el(
      'label',
      {},
      label,
      el(
        'select',
        { name },
        ...options.map(([value, text]) =>
          el(
            'option',
            value === (state[name] ?? options[0]?.[0]) ? { value, selected: '' } : { value },
            text,
          ),
        ),
      ),
    );
  const form = el(
    'form',
    { class: 'filters', 'aria-label': 'Explore' },
    input('from', 'from', 'date', localDate(-30)),
    input('to', 'to (exclusive)', 'date', localDate(1)),
    select('granularity', 'granularity', [
      ['day', 'day'],
      ['hour', 'hour'],
      ['week', 'week'],
      ['month', 'month'],
    ]),
    select('groupBy', 'group by', [
      ['', '(none)'],
      ['source', 'source'],
      ['pickupStation', 'pickup station'],
      ['carGroup', 'car group'],
      ['channel', 'channel'],
    ]),
    select('metric', 'chart', METRICS),
    select('chart', 'as', [
      ['auto', 'auto'],
      ['lines', 'lines over time'],
      ['bars', 'stacked bars'],
    ]),
    ...FILTERS.map((name) => input(name, name === 'carGroup' ? 'car group' : name)),
    el('button', { type: 'submit' }, 'Show'),
  );
  const exports = el('p', { class: 'muted' });
  const toggles = el('fieldset', { 'data-testid': 'series-toggles' });
  const canvas = el('canvas', { role: 'img', 'aria-label': 'KPIs per period' });
  const holder = el('div', {}, loadingState());
  const message = el('p', { class: 'error', role: 'alert' });
  root.append(
    el('h2', {}, 'Explore'),
    form,
    message,
    exports,
    toggles,
    el('div', { class: 'chart' }, canvas),
    holder,
  );
  let chart: Chart | undefined;

  // The state lives in the URL: a new query is a new history entry (Back returns to the last one),
  // and the router builds the view again from it.
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = `#/explore?${query(formValues(form))}`;
    if (next === window.location.hash) void load();
    else window.location.hash = next;
  });

  const values = (): Record<string, string> => formValues(form);

  const load = async () => {
    const current = values();
    const { metric = 'quotes', chart: chartChoice = 'auto', ...api } = current;
    const search = query(api);
    exports.replaceChildren(
      `Dates are days in ${kpiZone()}. Export this table: `,
      el('a', { href: `/api/v1/kpis/export?format=xlsx&${search}`, 'data-testid': 'export-xlsx' }, 'XLSX'),
      ' · ',
      el('a', { href: `/api/v1/kpis/export?format=csv&${search}` }, 'CSV'),
      ' — raw quotes of the period: ',
      el(
        'a',
        {
          href: `/api/v1/export/quotes?format=xlsx&${query({ ...api, granularity: undefined, groupBy: undefined })}`,
        },
        'XLSX',
      ),
    );
    message.textContent = '';
    let rows: Row[];
    try {
      rows = (await getJson<{ rows: Row[] }>(`/api/v1/kpis?${search}`)).rows;
    } catch (error) {
      holder.replaceChildren();
      message.textContent = errorText(error);
      return;
    }
    const filters = Object.fromEntries(
      FILTERS.filter((f) => api[f] !== undefined).map((f) => [f, api[f] ?? '']),
    );
    const groupBy = api.groupBy;
    const groups = [...new Set(rows.map((row) => row.group ?? 'all'))];
    const colourOf = (group: string) => groups.indexOf(group);
    const records = (kind: string, row: Row) =>
      `#/records/${kind}?${query(rowFilters(row, groupBy, filters))}`;
    const demands = (row: Row, extra: Record<string, string> = {}) =>
      `#/demands?${query({ ...rowFilters(row, groupBy, filters), ...extra })}`;
    const where = (row: Row) => `${row.label}${groupBy && row.group !== null ? `, ${row.group}` : ''}`;
    const columns: Column<Row>[] = [
      { label: 'period', cell: (row) => row.label },
      ...(groupBy
        ? [
            {
              label: groupBy,
              cell: (row: Row) => el('span', {}, swatch(colourOf(row.group ?? 'all')), row.group ?? ''),
            },
          ]
        : []),
      {
        label: 'quotes',
        numeric: true,
        cell: (row) => drill(records('quotes', row), formatCount(row.totals.quotes ?? 0)),
      },
      {
        label: 'demands',
        numeric: true,
        cell: (row) => drill(demands(row), formatCount(row.totals.demands ?? 0)),
      },
      {
        label: 'duplicate rate',
        numeric: true,
        cell: (row) => {
          const text = formatRate(row.totals.duplicateRate ?? null);
          return rateDrill(
            demands(row, { rate: 'duplicates' }),
            text,
            `Duplicate rate ${text}, ${where(row)}: open the demands of its ${formatCount(row.totals.quotes ?? 0)} quotes`,
          );
        },
      },
      {
        label: 'bookings',
        numeric: true,
        cell: (row) => drill(records('bookings', row), formatCount(row.totals.bookings ?? 0)),
      },
      {
        label: 'converted',
        numeric: true,
        cell: (row) =>
          drill(demands(row, { converted: 'yes' }), formatCount(row.totals.convertedDemands ?? 0)),
      },
      {
        label: 'conversion',
        numeric: true,
        cell: (row) => {
          const text = formatRate(row.totals.conversionRate ?? null);
          return rateDrill(
            demands(row, { rate: 'conversion' }),
            text,
            `Conversion ${text}, ${where(row)}: open its ${formatCount(row.totals.demands ?? 0)} demands with the converted counted`,
          );
        },
      },
      { label: 'revenue', numeric: true, cell: (row) => formatRevenue(row.totals.revenue) },
      { label: 'unquoted', numeric: true, cell: (row) => formatCount(row.totals.unquotedBookings ?? 0) },
      {
        label: 'lead time',
        numeric: true,
        cell: (row) => formatDuration(row.totals.avgLeadTimeHours ?? null),
      },
      // Events and visitors belong to no trip dimension: only ungrouped rows have them.
      ...(groupBy
        ? []
        : [
            {
              label: 'events',
              numeric: true,
              cell: (row: Row) =>
                drill(
                  `#/records/events?${query({ from: row.start, to: row.end })}`,
                  formatCount(row.totals.events ?? 0),
                ),
            },
            {
              label: 'visitors',
              numeric: true,
              cell: (row: Row) => (row.uniqueVisitors === undefined ? '–' : formatCount(row.uniqueVisitors)),
            },
          ]),
    ];
    holder.replaceChildren(
      groupBy
        ? el(
            'p',
            { class: 'muted' },
            'Events and visitors have no trip dimension: clear "group by" to see them.',
          )
        : '',
      dataTable({
        columns,
        rows,
        label: 'KPIs per period',
        testid: 'explore-table',
        empty: {
          why: 'Nothing in this period.',
          todo: 'Widen the period, remove a filter, or check the Pipeline view for sources that are not delivering.',
        },
      }),
    );

    const hidden = new Set((state.hide ?? '').split(',').filter((h) => h !== ''));
    const labels = [...new Set(rows.map((row) => row.label))];
    const kind: ChartKind =
      chartChoice === 'lines' || chartChoice === 'bars' ? chartChoice : groupBy ? 'bars' : 'lines';
    const series: ChartSeries[] = groups.map((group, index) => ({
      label: group,
      colour: index,
      hidden: hidden.has(group),
      values: labels.map((label) => {
        const row = rows.find((r) => r.label === label && (r.group ?? 'all') === group);
        return row?.totals[metric] ?? 0;
      }),
    }));
    const metricLabel = METRICS.find(([key]) => key === metric)?.[1] ?? metric;
    chart?.destroy();
    chart = exploreChart(canvas, kind, labels, series, metricLabel);
    canvas.setAttribute(
      'aria-label',
      `${metricLabel} per ${api.granularity ?? 'day'}${groupBy ? ` by ${groupBy}` : ''}`,
    );
    toggles.replaceChildren(
      el('legend', {}, 'Series'),
      ...series.map((s, index) => {
        const box = el('input', { type: 'checkbox', name: 'series', value: s.label });
        box.checked = !s.hidden;
        box.addEventListener('change', () => {
          chart?.setDatasetVisibility(index, box.checked);
          chart?.update();
          if (box.checked) hidden.delete(s.label);
          else hidden.add(s.label);
          state.hide = [...hidden].join(',');
          // A toggle is a detail of this view, not a new one: the URL keeps it without a history entry.
          history.replaceState(null, '', `#/explore?${query({ ...formValues(form), hide: state.hide })}`);
        });
        return el('label', {}, box, swatch(s.colour), s.label);
      }),
    );
  };

  void load();
  return () => chart?.destroy();
}
