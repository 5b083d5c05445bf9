import { io } from 'socket.io-client';
import { getJson, sendJson } from '../api.js';
import { el, formValues } from '../dom.js';

interface ExportDoc {
  id: string;
  kind: string;
  format: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'expired';
  rows: number;
  total: number | null;
  fileName: string;
  createdAt: string;
  expiresAt: string | null;
  error: string | null;
}

interface Progress {
  exportId: string;
  rows: number;
  total: number;
}

/**
 * Background exports (#/exports): an export of a large period runs in the worker; this view asks
 * for one, shows the user's own exports with a progress bar pushed over Socket.IO (namespace
 * `/exports`), and a download link once done, until the file expires. On every (re)connect it
 * re-reads the list, since pushes missed while away are not replayed.
 */
export function exportsView(root: HTMLElement): () => void {
  const message = el('p', { class: 'error', role: 'alert' });
  const form = el(
    'form',
    { 'data-testid': 'export-form' },
    el(
      'label',
      {},
      'Records ',
      el(
        'select',
        { name: 'kind' },
        ...['quotes', 'bookings', 'events', 'clusters'].map((kind) => el('option', { value: kind }, kind)),
      ),
    ),
    ' ',
    el('label', {}, 'From ', el('input', { name: 'from', type: 'date', required: 'required' })),
    ' ',
    el('label', {}, 'To ', el('input', { name: 'to', type: 'date', required: 'required' })),
    ' ',
    el('label', {}, 'Source ', el('input', { name: 'source', size: '12' })),
    ' ',
    el('label', {}, 'Station ', el('input', { name: 'station', size: '6' })),
    ' ',
    el(
      'label',
      {},
      'Format ',
      el(
        'select',
        { name: 'format' },
        el('option', { value: 'csv' }, 'CSV'),
        el('option', { value: 'xlsx' }, 'XLSX'),
      ),
    ),
    ' ',
    el('button', { type: 'submit' }, 'Start export'),
  );
  const list = el('table', { 'data-testid': 'exports-table' });
  root.append(
    el('h2', {}, 'Exports'),
    el('p', {}, 'Large exports run in the background; the file stays available for a limited time.'),
    form,
    message,
    list,
  );
  const bars = new Map<string, HTMLProgressElement>();

  const cell = (doc: ExportDoc) => {
    if (doc.state === 'done')
      return el(
        'a',
        { href: `/api/v1/exports/${encodeURIComponent(doc.id)}/file`, 'data-testid': `download-${doc.id}` },
        `Download ${doc.fileName}`,
      );
    if (doc.state === 'queued' || doc.state === 'running') {
      const bar = el('progress', {
        max: String(Math.max(doc.total ?? 1, 1)),
        value: String(doc.rows),
        'data-testid': `progress-${doc.id}`,
      });
      bars.set(doc.id, bar);
      return bar;
    }
    return doc.state === 'failed' ? `failed: ${doc.error ?? ''}` : 'expired';
  };

  const render = (docs: ExportDoc[]) => {
    bars.clear();
    list.replaceChildren(
      el(
        'thead',
        {},
        el('tr', {}, ...['asked', 'records', 'format', 'state', 'rows', 'file'].map((h) => el('th', {}, h))),
      ),
      el(
        'tbody',
        {},
        ...docs.map((doc) =>
          el(
            'tr',
            { 'data-export-id': doc.id },
            el('td', {}, doc.createdAt),
            el('td', {}, doc.kind),
            el('td', {}, doc.format),
            el('td', { 'data-testid': `state-${doc.id}` }, doc.state),
            el(
              'td',
              { 'data-testid': `rows-${doc.id}` },
              `${doc.rows}${doc.total === null ? '' : ` / ${doc.total}`}`,
            ),
            el('td', {}, cell(doc)),
          ),
        ),
      ),
    );
  };

  const load = async () => {
    try {
      render((await getJson<{ exports: ExportDoc[] }>('/api/v1/exports')).exports);
    } catch (error) {
      message.textContent = error instanceof Error ? error.message : String(error);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        await sendJson('POST', '/api/v1/exports', formValues(form));
        message.textContent = '';
      } catch (error) {
        message.textContent = error instanceof Error ? error.message : String(error);
      }
      await load();
    })();
  });

  const socket = io('/exports', { transports: ['websocket'] });
  socket.on('connect', () => void load());
  socket.on('progress', (progress: Progress) => {
    const bar = bars.get(progress.exportId);
    if (!bar) {
      void load();
      return;
    }
    bar.max = Math.max(progress.total, 1);
    bar.value = progress.rows;
    const rows = document.querySelector(`[data-testid="rows-${CSS.escape(progress.exportId)}"]`);
    if (rows) rows.textContent = `${progress.rows} / ${progress.total}`;
  });
  socket.on('export', () => void load());
  return () => {
    socket.close();
  };
}
