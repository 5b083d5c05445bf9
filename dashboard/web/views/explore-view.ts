import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { getJson, query } from '../api.js';
import { el, formValues } from '../dom.js';
import { formatCount, formatHours, formatRate, formatRevenue } from '../format.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

interface Row {
  start: string;
  end: string;
  label: string;
  group: string | null;
  totals: Record<string, number | null> & { revenue: Record<string, number> };
  uniqueVisitors?: number;
}

const FILTERS = ['source', 'station', 'carGroup', 'channel'];

function today(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** A number that leads to the records behind it. */
function drill(
  kind: 'quotes' | 'bookings',
  row: Row,
  groupBy: string | undefined,
  filters: Record<string, string>,
  value: number,
): HTMLElement {
  const dims = { ...filters };
  if (groupBy !== undefined && row.group !== null)
    dims[groupBy === 'pickupStation' ? 'station' : groupBy] = row.group;
  return el(
    'a',
    { href: `#/records/${kind}?${query({ ...dims, from: row.start, to: row.end })}` },
    formatCount(value),
  );
}

/** Explore: any period, granularity, filters and grouping; a chart, a table, drill-down, exports. */
export function exploreView(root: HTMLElement, params: URLSearchParams): () => void {
  const initial = Object.fromEntries(params);
  const input = (name: string, type = 'text', fallback = '') =>
    el('label', {}, name, el('input', { name, type, value: initial[name] ?? fallback }));
  const select = (name: string, options: string[]) =>
    el(
      'label',
      {},
      name,
      el(
        'select',
        { name },
        ...options.map((o) =>
          el(
            'option',
            o === (initial[name] ?? '') ? { value: o, selected: '' } : { value: o },
            o === '' ? '(none)' : o,
          ),
        ),
      ),
    );
  const form = el(
    'form',
    { class: 'filters', 'aria-label': 'Explore' },
    input('from', 'date', today(-30)),
    input('to', 'date', today(1)),
    select('granularity', ['day', 'hour', 'week', 'month']),
    select('groupBy', ['', 'source', 'pickupStation', 'carGroup', 'channel']),
    ...FILTERS.map((name) => input(name)),
    el('button', { type: 'submit' }, 'Show'),
  );
  const exports = el('p', { class: 'exports' });
  const canvas = el('canvas', { 'aria-label': 'KPIs per period' });
  const table = el('table', { 'data-testid': 'explore-table' });
  const message = el('p', { class: 'error', role: 'alert' });
  root.append(el('h2', {}, 'Explore'), form, message, exports, el('div', { class: 'chart' }, canvas), table);
  let chart: Chart | undefined;

  const load = async () => {
    const values = formValues(form);
    history.replaceState(null, '', `#/explore?${query(values)}`);
    const search = query(values);
    exports.replaceChildren(
      'Export this table: ',
      el('a', { href: `/api/v1/kpis/export?format=xlsx&${search}`, 'data-testid': 'export-xlsx' }, 'XLSX'),
      ' · ',
      el('a', { href: `/api/v1/kpis/export?format=csv&${search}` }, 'CSV'),
      ' — raw quotes of the period: ',
      el(
        'a',
        {
          href: `/api/v1/export/quotes?format=xlsx&${query({ ...values, granularity: undefined, groupBy: undefined })}`,
        },
        'XLSX',
      ),
    );
    message.textContent = '';
    let rows: Row[];
    try {
      rows = (await getJson<{ rows: Row[] }>(`/api/v1/kpis?${search}`)).rows;
    } catch (error) {
      message.textContent = error instanceof Error ? error.message : String(error);
      return;
    }
    const filters = Object.fromEntries(
      FILTERS.filter((f) => values[f] !== undefined).map((f) => [f, values[f] ?? '']),
    );
    const groupBy = values.groupBy;
    table.replaceChildren(
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...[
            'period',
            ...(groupBy ? [groupBy] : []),
            'quotes',
            'demands',
            'duplicate rate',
            'bookings',
            'conversion',
            'revenue',
            'unquoted',
            'lead time',
            'events',
            'visitors',
          ].map((h) => el('th', {}, h)),
        ),
      ),
      el(
        'tbody',
        {},
        ...rows.map((row) =>
          el(
            'tr',
            {},
            el('td', {}, row.label),
            groupBy ? el('td', {}, row.group ?? '') : null,
            el('td', {}, drill('quotes', row, groupBy, filters, row.totals.quotes ?? 0)),
            el('td', {}, formatCount(row.totals.demands ?? 0)),
            el('td', {}, formatRate(row.totals.duplicateRate ?? null)),
            el('td', {}, drill('bookings', row, groupBy, filters, row.totals.bookings ?? 0)),
            el('td', {}, formatRate(row.totals.conversionRate ?? null)),
            el('td', {}, formatRevenue(row.totals.revenue)),
            el('td', {}, formatCount(row.totals.unquotedBookings ?? 0)),
            el('td', {}, formatHours(row.totals.avgLeadTimeHours ?? null)),
            el('td', {}, formatCount(row.totals.events ?? 0)),
            el('td', {}, row.uniqueVisitors === undefined ? '' : formatCount(row.uniqueVisitors)),
          ),
        ),
      ),
    );
    const labels = [...new Set(rows.map((row) => row.label))];
    const groups = [...new Set(rows.map((row) => row.group ?? 'all'))];
    chart?.destroy();
    chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels,
        datasets: groups.map((group) => ({
          label: `quotes · ${group}`,
          data: labels.map(
            (label) =>
              rows.find((row) => row.label === label && (row.group ?? 'all') === group)?.totals.quotes ?? 0,
          ),
        })),
      },
      options: { animation: false, responsive: true, maintainAspectRatio: false },
    });
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  void load();
  return () => chart?.destroy();
}
