import { getJson, me, sendJson } from '../api.js';
import { el, formValues } from '../dom.js';

interface Run {
  at: string;
  status: string;
  file: string;
  rows: number;
  error?: string;
}

interface Report {
  id: string;
  name: string;
  owner: string;
  period: string;
  granularity: string;
  groupBy: string | null;
  format: string;
  schedule: string;
  delivery: string;
  recipients: string[];
  filter: { source?: string; station?: string };
  lastRun: Run | null;
}

const PERIODS = [
  'yesterday',
  'today',
  'last7Days',
  'thisWeek',
  'lastWeek',
  'last30Days',
  'thisMonth',
  'lastMonth',
];

function select(name: string, options: string[], labels: Record<string, string> = {}): HTMLSelectElement {
  return el('select', { name }, ...options.map((value) => el('option', { value }, labels[value] ?? value)));
}

/**
 * Scheduled reports (#/reports): saved explore queries the worker runs on a cron (in the KPI time
 * zone) and mails as CSV/XLSX, or writes to the reports directory. Analysts create them; their
 * owner or an admin edits, runs one now or deletes it; viewers only read. A refused field is named.
 */
export function reportsView(root: HTMLElement): () => void {
  const message = el('p', { class: 'error', role: 'alert', 'data-testid': 'reports-message' });
  const list = el('table', { 'data-testid': 'reports-table' });
  const title = el('h3', {}, 'New report');
  const cancel = el('button', { type: 'button', hidden: 'hidden' }, 'Cancel');
  const form = el(
    'form',
    { 'data-testid': 'report-form', hidden: 'hidden' },
    title,
    el('label', {}, 'Name ', el('input', { name: 'name', required: 'required', size: '30' })),
    ' ',
    el('label', {}, 'Period ', select('period', PERIODS)),
    ' ',
    el('label', {}, 'Rows per ', select('granularity', ['day', 'hour', 'week', 'month'])),
    ' ',
    el(
      'label',
      {},
      'Group by ',
      select('groupBy', ['', 'source', 'pickupStation', 'carGroup', 'channel'], { '': '(none)' }),
    ),
    el('br'),
    el('label', {}, 'Source ', el('input', { name: 'source', size: '12' })),
    ' ',
    el('label', {}, 'Station ', el('input', { name: 'station', size: '6' })),
    ' ',
    el('label', {}, 'Format ', select('format', ['csv', 'xlsx'])),
    el('br'),
    el(
      'label',
      {},
      'Schedule (cron) ',
      el('input', { name: 'schedule', value: '0 6 * * *', required: 'required', size: '14' }),
    ),
    ' ',
    el('label', {}, 'Deliver by ', select('delivery', ['email', 'directory'])),
    ' ',
    el(
      'label',
      {},
      'Recipients ',
      el('input', { name: 'recipients', size: '40', placeholder: 'a@example.com, b@example.com' }),
    ),
    ' ',
    el('button', { type: 'submit' }, 'Save report'),
    ' ',
    cancel,
  );
  root.append(el('h2', {}, 'Scheduled reports'), message, list, form);
  let user: { email: string; role: string } | undefined;
  /** The report being edited (the form then replaces it), or undefined for a new one. */
  let editing: string | undefined;

  const setField = (name: string, value: string) => {
    const field = form.elements.namedItem(name);
    if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) field.value = value;
  };
  const stopEditing = () => {
    editing = undefined;
    title.textContent = 'New report';
    cancel.hidden = true;
    form.reset();
  };
  cancel.addEventListener('click', stopEditing);
  const edit = (report: Report) => {
    editing = report.id;
    title.textContent = `Edit report "${report.name}"`;
    cancel.hidden = false;
    setField('name', report.name);
    setField('period', report.period);
    setField('granularity', report.granularity);
    setField('groupBy', report.groupBy ?? '');
    setField('source', report.filter.source ?? '');
    setField('station', report.filter.station ?? '');
    setField('format', report.format);
    setField('schedule', report.schedule);
    setField('delivery', report.delivery);
    setField('recipients', report.recipients.join(', '));
  };

  const act = async (change: () => Promise<unknown>) => {
    try {
      await change();
      message.textContent = '';
    } catch (error) {
      message.textContent = error instanceof Error ? error.message : String(error);
    }
    await load();
  };

  const actions = (report: Report) => {
    if (
      !user ||
      user.role === 'viewer' ||
      (report.owner !== user.email.toLowerCase() && user.role !== 'admin')
    )
      return el('td', {});
    const change = el('button', { type: 'button', 'data-testid': `edit-${report.id}` }, 'Edit');
    change.addEventListener('click', () => {
      edit(report);
    });
    const run = el('button', { type: 'button', 'data-testid': `run-${report.id}` }, 'Run now');
    run.addEventListener('click', () => void act(() => sendJson('POST', `/api/v1/reports/${report.id}/run`)));
    const remove = el('button', { type: 'button', 'data-testid': `delete-${report.id}` }, 'Delete');
    remove.addEventListener(
      'click',
      () => void act(() => sendJson('DELETE', `/api/v1/reports/${report.id}`)),
    );
    return el('td', {}, change, ' ', run, ' ', remove);
  };

  const load = async () => {
    try {
      const { zone, reports } = await getJson<{ zone: string; reports: Report[] }>('/api/v1/reports');
      list.replaceChildren(
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['name', 'period', 'rows', 'format', `schedule (${zone})`, 'delivery', 'last run', ''].map(
              (h) => el('th', {}, h),
            ),
          ),
        ),
        el(
          'tbody',
          {},
          ...reports.map((report) =>
            el(
              'tr',
              { 'data-report-id': report.id },
              el('td', {}, report.name),
              el('td', {}, report.period),
              el('td', {}, `${report.granularity}${report.groupBy ? ` × ${report.groupBy}` : ''}`),
              el('td', {}, report.format),
              el('td', {}, report.schedule),
              el('td', {}, report.delivery === 'email' ? report.recipients.join(', ') : 'directory'),
              el(
                'td',
                { 'data-testid': `last-run-${report.id}` },
                report.lastRun
                  ? `${report.lastRun.status} ${report.lastRun.at}${report.lastRun.error ? `: ${report.lastRun.error}` : ''}`
                  : 'never',
              ),
              actions(report),
            ),
          ),
        ),
      );
    } catch (error) {
      message.textContent = error instanceof Error ? error.message : String(error);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = formValues(form);
    const body = {
      name: values.name ?? '',
      period: values.period,
      granularity: values.granularity,
      groupBy: values.groupBy ?? null,
      format: values.format,
      schedule: values.schedule ?? '',
      delivery: values.delivery,
      recipients: (values.recipients ?? '')
        .split(/[,;\s]+/)
        .map((address) => address.trim())
        .filter((address) => address !== ''),
      filter: {
        ...(values.source ? { source: values.source } : {}),
        ...(values.station ? { station: values.station } : {}),
      },
    };
    // A refused field comes back named by the API (e.g. `schedule: must be a cron expression…`).
    void act(async () => {
      if (editing === undefined) await sendJson('POST', '/api/v1/reports', body);
      else await sendJson('PUT', `/api/v1/reports/${encodeURIComponent(editing)}`, body);
      stopEditing();
    });
  });

  void me().then(({ user: signedIn }) => {
    user = signedIn;
    if (signedIn.role !== 'viewer') form.hidden = false;
    void load();
  });
  const timer = setInterval(() => void load(), 15_000);
  return () => {
    clearInterval(timer);
  };
}
