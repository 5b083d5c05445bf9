import { getJson } from '../api.js';
import { el } from '../dom.js';
import { fieldText } from '../field-text.js';

/** Pipeline: what every component (connector source, processor partition, collector) last reported. */
export function pipelineView(root: HTMLElement): () => void {
  const table = el('table', { 'data-testid': 'pipeline-table' });
  const message = el('p', { class: 'error', role: 'alert' });
  root.append(el('h2', {}, 'Pipeline'), message, table);
  const load = () =>
    getJson<{ components: Record<string, unknown>[] }>('/api/v1/pipeline').then(
      ({ components }) => {
        const keys = [...new Set(components.flatMap((c) => Object.keys(c)))].filter((k) => k !== 'id');
        table.replaceChildren(
          el('thead', {}, el('tr', {}, ...keys.map((k) => el('th', {}, k)))),
          el(
            'tbody',
            {},
            ...components.map((c) => el('tr', {}, ...keys.map((k) => el('td', {}, fieldText(c, k))))),
          ),
        );
      },
      (error: unknown) => {
        message.textContent = error instanceof Error ? error.message : String(error);
      },
    );
  void load();
  const timer = setInterval(() => void load(), 5000);
  return () => {
    clearInterval(timer);
  };
}
