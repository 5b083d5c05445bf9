import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { io } from 'socket.io-client';
import { el, formValues } from '../dom.js';
import { formatClock, formatCount, formatTime, kpiZone } from '../format.js';
import { seriesStyle } from '../palette.js';
import { sparkline, updateSparkline } from '../sparkline.js';
import { emptyState } from '../states.js';
import type { Tile, Totals } from './live-tiles.js';
import { comparisonText, TILES } from './live-tiles.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

interface Figures {
  label: string;
  from: string;
  to: string;
  totals: Totals;
  hours: { start: string; totals: Totals }[];
}

interface Snapshot {
  generatedAt: string;
  minutes: { start: string; quotes: number; demands: number; bookings: number; events: number }[];
  eventsPerMinute: number;
  period: Figures & { name: string };
  comparisons: Figures[];
}

const PERIODS: [string, string][] = [
  ['today', 'Today'],
  ['24h', 'Last 24 h'],
  ['7d', 'Last 7 days'],
];
const SERIES = ['quotes', 'demands', 'bookings', 'events'] as const;

/**
 * The live view: KPI tiles for a period (today, last 24 h, last 7 days), each compared with the
 * same time yesterday and the same weekday last week (or the windows before) and drawn hour by
 * hour, and per-minute charts, pushed over Socket.IO. On every (re)connect it subscribes again,
 * and the server answers with the whole current state: a changefeed cannot resume, so nothing is
 * patched onto stale numbers.
 */
export function liveView(root: HTMLElement, params: URLSearchParams): () => void {
  const initial: Record<string, string> = Object.fromEntries(params);
  let period = PERIODS.some(([key]) => key === initial.period) ? (initial.period ?? 'today') : 'today';
  const form = el(
    'form',
    { class: 'filters', 'aria-label': 'Filters' },
    ...['source', 'station', 'carGroup', 'channel'].map((name) =>
      el(
        'label',
        {},
        name === 'carGroup' ? 'car group' : name,
        el('input', { name, value: initial[name] ?? '', placeholder: 'all' }),
      ),
    ),
    el('button', { type: 'submit' }, 'Apply'),
  );
  const periodButtons = PERIODS.map(([key, label]) =>
    el('button', { type: 'button', 'data-period': key, 'aria-pressed': String(key === period) }, label),
  );
  const status = el('p', { class: 'status', 'data-testid': 'live-status', role: 'status' }, 'connecting…');
  const range = el('p', { class: 'muted', 'data-testid': 'live-range' });
  const quiet = el('div', { 'data-testid': 'live-empty' });
  const tiles = el('section', { class: 'tiles', 'aria-label': 'KPIs of the period' });
  const tileParts = new Map<
    string,
    { value: HTMLElement; compare: HTMLElement; spark: ReturnType<typeof sparkline> }
  >();
  const addTile = (key: string, label: string, colour: number, compared: boolean) => {
    const value = el('strong', { 'data-kpi': key }, '–');
    const compare = el('span', { class: 'compare', 'data-compare': key });
    const canvas = el('canvas', { role: 'img', 'aria-label': `${label}, hour by hour` });
    tiles.append(
      el(
        'div',
        { class: 'tile' },
        el('span', {}, label),
        value,
        compare,
        el('div', { class: 'spark' }, canvas),
      ),
    );
    // Made once and updated: a chart made anew on every push would flicker and leak.
    const spark = sparkline(canvas, [], colour, compared ? { values: [], colour: 1 } : undefined);
    tileParts.set(key, { value, compare, spark });
  };
  for (const tile of TILES) addTile(tile.key, tile.label, 0, true);
  addTile('eventsPerMinute', 'Events / min', 3, false);
  const canvas = el('canvas', {
    role: 'img',
    'aria-label': 'Quotes, demands, bookings and events per minute',
  });
  root.append(
    el('h2', {}, 'Live'),
    el('div', { class: 'segmented', role: 'group', 'aria-label': 'Period' }, ...periodButtons),
    form,
    status,
    range,
    quiet,
    tiles,
    el('h3', {}, 'Per minute, last hours'),
    el('div', { class: 'chart' }, canvas),
  );

  const chart = new Chart<'line', number[], string>(canvas, {
    type: 'line',
    data: {
      labels: [],
      datasets: SERIES.map((key, index) => ({
        label: key,
        data: [],
        cubicInterpolationMode: 'monotone',
        pointRadius: 0,
        borderWidth: 2,
        ...seriesStyle(index),
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0, callback: (v) => formatCount(Number(v)) } },
        x: { ticks: { maxRotation: 0, autoSkip: true } },
      },
    },
  });

  const showTile = (tile: Tile, snapshot: Snapshot) => {
    const parts = tileParts.get(tile.key);
    if (!parts) return;
    parts.value.replaceChildren(tile.show(snapshot.period.totals));
    parts.compare.replaceChildren(
      ...snapshot.comparisons.map((c) =>
        el('span', {}, comparisonText(tile, snapshot.period.totals, c.totals, c.label)),
      ),
    );
    const first = snapshot.comparisons[0];
    updateSparkline(
      parts.spark,
      snapshot.period.hours.map((h) => tile.value(h.totals)),
      first?.hours.map((h) => tile.value(h.totals)) ?? [],
    );
  };

  const socket = io('/live', { transports: ['websocket'] });
  let current: Record<string, string> = Object.fromEntries(
    ['source', 'station', 'carGroup', 'channel'].filter((k) => initial[k]).map((k) => [k, initial[k] ?? '']),
  );
  const subscribe = () => {
    socket.emit('subscribe', { ...current, period });
  };
  const remember = () => {
    history.replaceState(null, '', `#/live?${new URLSearchParams({ ...current, period }).toString()}`);
  };
  socket.on('connect', subscribe);
  socket.on('connect_error', (error: Error) => {
    status.textContent = `not connected: ${error.message}`;
    if (error.message === 'unauthenticated') window.location.assign('/login?next=%2F');
  });
  socket.on('disconnect', () => {
    status.textContent = 'reconnecting…';
  });
  socket.on('kpis', (snapshot: Snapshot) => {
    if (snapshot.period.name !== period) return;
    status.textContent = `updated ${formatClock(snapshot.generatedAt)} (${kpiZone()})`;
    const { quotes, bookings } = snapshot.period.totals;
    quiet.replaceChildren(
      quotes === 0 && bookings === 0
        ? emptyState(
            `No quotes or bookings ${period === 'today' ? 'yet today' : 'in this period'}${Object.keys(current).length > 0 ? ' with these filters' : ''}.`,
            period === '7d'
              ? 'Check the Pipeline view: a source may not be delivering. Past periods are in Explore.'
              : 'Try the last 7 days, or check the Pipeline view: a source may not be delivering.',
          )
        : '',
    );
    range.textContent = `${formatTime(snapshot.period.from)} – ${formatTime(snapshot.generatedAt)}; compared with ${snapshot.comparisons
      .map((c) => `${c.label} (${formatTime(c.from)} – ${formatTime(c.to)})`)
      .join(' and ')}, to the hour.`;
    for (const tile of TILES) showTile(tile, snapshot);
    const events = tileParts.get('eventsPerMinute');
    if (events) {
      events.value.replaceChildren(formatCount(snapshot.eventsPerMinute));
      events.compare.replaceChildren(el('span', {}, 'last complete minute'));
      updateSparkline(
        events.spark,
        snapshot.minutes.map((m) => m.events),
      );
    }
    chart.data.labels = snapshot.minutes.map((m) => formatClock(m.start));
    SERIES.forEach((key, index) => {
      const dataset = chart.data.datasets[index];
      if (dataset) dataset.data = snapshot.minutes.map((m) => m[key]);
    });
    chart.update();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    current = formValues(form);
    remember();
    subscribe();
  });
  for (const button of periodButtons) {
    button.addEventListener('click', () => {
      period = button.getAttribute('data-period') ?? 'today';
      for (const other of periodButtons) other.setAttribute('aria-pressed', String(other === button));
      remember();
      subscribe();
    });
  }

  return () => {
    socket.disconnect();
    chart.destroy();
    for (const { spark } of tileParts.values()) spark.destroy();
  };
}
