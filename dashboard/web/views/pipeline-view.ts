import { getJson } from '../api.js';
import { el } from '../dom.js';
import { fieldText } from '../field-text.js';

interface DlqRecord {
  partition: number;
  offset: string;
  at: string;
  key: string | null;
  reason: string | null;
  origin: string | null;
  value: unknown;
}

/**
 * Pipeline: what every component (connector source, processor partition, collector) last reported
 * to `pipeline_status`, and the newest qf.dlq records with their reasons. Refreshed every 5 s.
 */
export function pipelineView(root: HTMLElement): () => void {
  const components = el('table', { 'data-testid': 'pipeline-table' });
  const dlq = el('table', { 'data-testid': 'dlq-table' });
  const message = el('p', { class: 'error', role: 'alert' });
  root.append(
    el('h2', {}, 'Pipeline'),
    message,
    components,
    el('h3', {}, 'Dead letters (qf.dlq), newest first'),
    dlq,
  );

  const load = async () => {
    try {
      const status = await getJson<{ components: Record<string, unknown>[] }>('/api/v1/pipeline');
      const keys = [...new Set(status.components.flatMap((c) => Object.keys(c)))].filter((k) => k !== 'id');
      components.replaceChildren(
        el('thead', {}, el('tr', {}, ...keys.map((k) => el('th', {}, k)))),
        el(
          'tbody',
          {},
          ...status.components.map((c) => el('tr', {}, ...keys.map((k) => el('td', {}, fieldText(c, k))))),
        ),
      );
      const letters = await getJson<{ records: DlqRecord[] }>('/api/v1/dlq?limit=100');
      dlq.replaceChildren(
        el(
          'thead',
          {},
          el('tr', {}, ...['at', 'origin', 'key', 'reason', 'entry'].map((h) => el('th', {}, h))),
        ),
        el(
          'tbody',
          {},
          ...letters.records.map((record) =>
            el(
              'tr',
              {},
              el('td', {}, record.at),
              el('td', {}, record.origin ?? ''),
              el('td', {}, record.key ?? ''),
              el('td', {}, record.reason ?? ''),
              el(
                'td',
                {},
                el(
                  'code',
                  {},
                  typeof record.value === 'string' ? record.value : JSON.stringify(record.value),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (error) {
      message.textContent = error instanceof Error ? error.message : String(error);
    }
  };
  void load();
  const timer = setInterval(() => void load(), 5000);
  return () => {
    clearInterval(timer);
  };
}
