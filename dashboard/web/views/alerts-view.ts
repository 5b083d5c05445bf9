import { getJson, me, sendJson } from '../api.js';
import { el } from '../dom.js';

interface Alert {
  id: string;
  check: string;
  subject: string;
  state: 'ok' | 'firing' | 'resolved';
  summary: string;
  since: string;
  evaluatedAt: string;
  silencedUntil: string | null;
  silencedBy: string | null;
}

interface AlertEvent {
  alertId: string;
  type: string;
  at: string;
  summary: string;
  channel?: string;
  attempt?: number;
  error?: string;
  by?: string;
}

const SILENCE_CHOICES: [number, string][] = [
  [60, '1 hour'],
  [240, '4 hours'],
  [1440, '1 day'],
  [10080, '1 week'],
];

/**
 * Alerts: the worker's checks, one row per check and subject (firing first), and their history
 * (fired, resolved, notifications delivered or failed, silences). An admin can silence an alert
 * for a period or lift the silence. Refreshed every 10 s.
 */
export function alertsView(root: HTMLElement): () => void {
  const current = el('table', { 'data-testid': 'alerts-table' });
  const history = el('table', { 'data-testid': 'alert-history-table' });
  const message = el('p', { class: 'error', role: 'alert' });
  // Each table scrolls inside its own frame: the page never gets wider than the window.
  const framed = (table: HTMLElement, label: string) =>
    el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label }, table);
  root.append(
    el('h2', {}, 'Alerts'),
    message,
    framed(current, 'alerts'),
    el('h3', {}, 'History, newest first'),
    framed(history, 'alert history'),
  );
  let isAdmin = false;

  const silenceControls = (alert: Alert) => {
    if (!isAdmin) return el('td', {}, alert.silencedUntil ? `until ${alert.silencedUntil}` : '');
    if (alert.silencedUntil !== null && Date.parse(alert.silencedUntil) > Date.now()) {
      const lift = el('button', { type: 'button', 'data-testid': `unsilence-${alert.id}` }, 'Lift silence');
      lift.addEventListener('click', () => {
        void act(() => sendJson('DELETE', `/api/v1/alerts/${encodeURIComponent(alert.id)}/silence`));
      });
      return el('td', {}, `until ${alert.silencedUntil} `, lift);
    }
    const period = el(
      'select',
      { 'aria-label': 'silence for' },
      ...SILENCE_CHOICES.map(([minutes, label]) => el('option', { value: String(minutes) }, label)),
    );
    const silence = el('button', { type: 'button', 'data-testid': `silence-${alert.id}` }, 'Silence');
    silence.addEventListener('click', () => {
      void act(() =>
        sendJson('POST', `/api/v1/alerts/${encodeURIComponent(alert.id)}/silence`, {
          minutes: Number(period.value),
        }),
      );
    });
    return el('td', {}, period, ' ', silence);
  };

  const load = async () => {
    try {
      const [{ alerts }, { events }] = await Promise.all([
        getJson<{ alerts: Alert[] }>('/api/v1/alerts'),
        getJson<{ events: AlertEvent[] }>('/api/v1/alerts/history?limit=200'),
      ]);
      current.replaceChildren(
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['state', 'check', 'subject', 'summary', 'since', 'silenced'].map((h) => el('th', {}, h)),
          ),
        ),
        el(
          'tbody',
          {},
          ...alerts.map((alert) =>
            el(
              'tr',
              { class: `alert-${alert.state}`, 'data-alert-id': alert.id },
              el('td', {}, alert.state),
              el('td', {}, alert.check),
              el('td', {}, alert.subject),
              el('td', {}, alert.summary),
              el('td', {}, alert.since),
              silenceControls(alert),
            ),
          ),
        ),
      );
      history.replaceChildren(
        el(
          'thead',
          {},
          el('tr', {}, ...['at', 'alert', 'what', 'summary', 'channel', 'error'].map((h) => el('th', {}, h))),
        ),
        el(
          'tbody',
          {},
          ...events.map((event) =>
            el(
              'tr',
              {},
              el('td', {}, event.at),
              el('td', {}, event.alertId),
              el('td', {}, event.type),
              el('td', {}, event.summary + (event.by ? ` (${event.by})` : '')),
              el(
                'td',
                {},
                event.channel ? `${event.channel}${event.attempt ? ` #${event.attempt}` : ''}` : '',
              ),
              el('td', {}, event.error ?? ''),
            ),
          ),
        ),
      );
      message.textContent = '';
    } catch (error) {
      message.textContent = error instanceof Error ? error.message : String(error);
    }
  };

  const act = async (change: () => Promise<unknown>) => {
    try {
      await change();
    } catch (error) {
      message.textContent = error instanceof Error ? error.message : String(error);
      return;
    }
    await load();
  };

  void me().then(({ user }) => {
    isAdmin = user.role === 'admin';
    void load();
  });
  const timer = setInterval(() => void load(), 10_000);
  return () => {
    clearInterval(timer);
  };
}
