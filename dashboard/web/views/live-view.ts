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
import { formatCount, formatRate, formatRevenue } from '../format.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

interface Snapshot {
  generatedAt: string;
  today: { start: string; totals: Record<string, unknown> & { revenue: Record<string, number> } };
  minutes: { start: string; quotes: number; demands: number; bookings: number; events: number }[];
  eventsPerMinute: number;
}

const TILES: { key: string; label: string; show: (s: Snapshot) => string }[] = [
  { key: 'quotes', label: 'Quotes today', show: (s) => formatCount(s.today.totals.quotes as number) },
  { key: 'demands', label: 'Demands', show: (s) => formatCount(s.today.totals.demands as number) },
  {
    key: 'duplicateRate',
    label: 'Duplicate rate',
    show: (s) => formatRate(s.today.totals.duplicateRate as number | null),
  },
  { key: 'bookings', label: 'Bookings', show: (s) => formatCount(s.today.totals.bookings as number) },
  {
    key: 'conversionRate',
    label: 'Conversion',
    show: (s) => formatRate(s.today.totals.conversionRate as number | null),
  },
  { key: 'revenue', label: 'Revenue', show: (s) => formatRevenue(s.today.totals.revenue) },
  {
    key: 'unquotedBookings',
    label: 'Unquoted bookings',
    show: (s) => formatCount(s.today.totals.unquotedBookings as number),
  },
  { key: 'eventsPerMinute', label: 'Events / min', show: (s) => formatCount(s.eventsPerMinute) },
];

/**
 * The live view: KPI tiles for today and per-minute charts, pushed over Socket.IO. On every
 * (re)connect it subscribes again, and the server answers with the whole current state: a
 * changefeed cannot resume, so nothing is patched onto stale numbers.
 */
export function liveView(root: HTMLElement, params: URLSearchParams): () => void {
  const filter: Record<string, string> = Object.fromEntries(params);
  const form = el(
    'form',
    { class: 'filters', 'aria-label': 'Filters' },
    ...['source', 'station', 'carGroup', 'channel'].map((name) =>
      el('label', {}, name, el('input', { name, value: filter[name] ?? '', placeholder: 'all' })),
    ),
    el('button', { type: 'submit' }, 'Apply'),
  );
  const status = el('p', { class: 'status', 'data-testid': 'live-status' }, 'connecting…');
  const tiles = el('section', { class: 'tiles' });
  const values = new Map<string, HTMLElement>();
  for (const tile of TILES) {
    const value = el('strong', { 'data-kpi': tile.key }, '–');
    values.set(tile.key, value);
    tiles.append(el('div', { class: 'tile' }, el('span', {}, tile.label), value));
  }
  const canvas = el('canvas', { 'aria-label': 'Per-minute counts' });
  root.append(el('h2', {}, 'Live'), form, status, tiles, el('div', { class: 'chart' }, canvas));

  const chart = new Chart<'line', number[], string>(canvas, {
    type: 'line',
    data: {
      labels: [],
      datasets: (['quotes', 'demands', 'bookings', 'events'] as const).map((key) => ({
        label: key,
        data: [],
        tension: 0.2,
        pointRadius: 0,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true } },
    },
  });

  const socket = io('/live', { transports: ['websocket'] });
  let current = filter;
  socket.on('connect', () => {
    socket.emit('subscribe', current);
  });
  socket.on('connect_error', (error: Error) => {
    status.textContent = `not connected: ${error.message}`;
    if (error.message === 'unauthenticated') window.location.assign('/login?next=%2F');
  });
  socket.on('disconnect', () => {
    status.textContent = 'reconnecting…';
  });
  socket.on('kpis', (snapshot: Snapshot) => {
    status.textContent = `updated ${new Date(snapshot.generatedAt).toLocaleTimeString()}`;
    for (const tile of TILES) values.get(tile.key)?.replaceChildren(tile.show(snapshot));
    chart.data.labels = snapshot.minutes.map((m) => m.start.slice(11, 16));
    (['quotes', 'demands', 'bookings', 'events'] as const).forEach((key, index) => {
      const dataset = chart.data.datasets[index];
      if (dataset) dataset.data = snapshot.minutes.map((m) => m[key]);
    });
    chart.update();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    current = formValues(form);
    history.replaceState(null, '', `#/live?${new URLSearchParams(current).toString()}`);
    socket.emit('subscribe', current);
  });

  return () => {
    socket.disconnect();
    chart.destroy();
  };
}
