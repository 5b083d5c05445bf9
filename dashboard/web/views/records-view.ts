import { getJson, query } from '../api.js';
import { el } from '../dom.js';
import { fieldText } from '../field-text.js';

type Doc = Record<string, unknown>;

const COLUMNS: Record<string, string[]> = {
  quotes: [
    'quotedAt',
    'id',
    'customer.name',
    'customer.email',
    'pickup.station',
    'pickup.at',
    'dropoff.station',
    'dropoff.at',
    'carGroup',
    'price.amount',
    'clusterId',
  ],
  bookings: [
    'bookedAt',
    'id',
    'status',
    'quoteRef',
    'customer.name',
    'pickup.station',
    'pickup.at',
    'carGroup',
    'price.amount',
    'quoteId',
    'clusterId',
  ],
  events: ['receivedAt', 'type', 'name', 'project', 'anonymousId', 'context.page'],
};

/** The records behind a number: a page at a time, each quote leading to its demand. */
export function recordsView(root: HTMLElement, kind: string, params: URLSearchParams): () => void {
  const columns = COLUMNS[kind] ?? [];
  const base = Object.fromEntries(params);
  const table = el('table', { 'data-testid': 'records-table' });
  const pager = el('p', { class: 'pager' });
  const message = el('p', { class: 'error', role: 'alert' });
  root.append(
    el('h2', {}, `${kind} from ${base.from ?? '?'} to ${base.to ?? '?'}`),
    el(
      'p',
      { class: 'exports' },
      'Export: ',
      el(
        'a',
        {
          href: `/api/v1/export/${kind}?format=xlsx&${query({ ...base, offset: undefined, limit: undefined })}`,
        },
        'XLSX',
      ),
      ' · ',
      el(
        'a',
        {
          href: `/api/v1/export/${kind}?format=csv&${query({ ...base, offset: undefined, limit: undefined })}`,
        },
        'CSV',
      ),
    ),
    message,
    table,
    pager,
  );

  const load = async (offset: number) => {
    try {
      const page = await getJson<{ items: Doc[]; nextOffset: number | null; capped?: boolean }>(
        `/api/v1/records/${kind}?${query({ ...base, offset: String(offset), limit: '50' })}`,
      );
      table.replaceChildren(
        el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', {}, c)))),
        el(
          'tbody',
          {},
          ...page.items.map((doc) =>
            el(
              'tr',
              {},
              ...columns.map((c) =>
                el(
                  'td',
                  {},
                  c === 'clusterId' && fieldText(doc, c) !== ''
                    ? el(
                        'a',
                        { href: `#/demand/${encodeURIComponent(fieldText(doc, c))}` },
                        fieldText(doc, c),
                      )
                    : fieldText(doc, c),
                ),
              ),
            ),
          ),
        ),
      );
      const previous = el('button', { type: 'button' }, 'Previous');
      previous.disabled = offset === 0;
      previous.addEventListener('click', () => void load(Math.max(0, offset - 50)));
      const next = el('button', { type: 'button' }, 'Next');
      next.disabled = page.nextOffset === null;
      next.addEventListener('click', () => void load(page.nextOffset ?? offset));
      pager.replaceChildren(
        previous,
        ` records ${offset + 1}–${offset + page.items.length} `,
        next,
        // Pages end at offset 10,000 (the server skips rows to reach a page).
        page.capped === true ? ' more records: narrow the period or export it' : '',
      );
    } catch (error) {
      message.textContent = error instanceof Error ? error.message : String(error);
    }
  };
  void load(0);
  return () => undefined;
}
