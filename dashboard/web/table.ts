import { el } from './dom.js';
import { emptyState } from './states.js';

export interface Column<T> {
  label: string;
  cell: (row: T) => Node | string;
  /** Right-aligned with tabular figures, so digits line up. */
  numeric?: boolean;
}

export interface TableOptions<T> {
  columns: Column<T>[];
  rows: T[];
  /** Names the table for screen readers and its scroll region. */
  label: string;
  testid?: string;
  /** Shown instead of an empty table: why there is nothing, and what to do. */
  empty?: { why: string; todo: string };
  rowAttributes?: (row: T) => Record<string, string>;
}

/**
 * A table that fits the window: it scrolls inside its own frame (sideways and down, header kept
 * in view), never the page. The frame is focusable so a keyboard can scroll it too.
 */
export function dataTable<T>(options: TableOptions<T>): HTMLElement {
  if (options.rows.length === 0 && options.empty) return emptyState(options.empty.why, options.empty.todo);
  const table = el(
    'table',
    options.testid === undefined ? {} : { 'data-testid': options.testid },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...options.columns.map((column) =>
          el('th', { scope: 'col', class: column.numeric ? 'num' : undefined }, column.label),
        ),
      ),
    ),
    el(
      'tbody',
      {},
      ...options.rows.map((row) =>
        el(
          'tr',
          options.rowAttributes?.(row) ?? {},
          ...options.columns.map((column) =>
            el('td', { class: column.numeric ? 'num' : undefined }, column.cell(row)),
          ),
        ),
      ),
    ),
  );
  return el(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': options.label },
    table,
  );
}
