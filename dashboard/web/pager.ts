import { el } from './dom.js';
import { formatCount } from './format.js';

export interface PageInfo {
  offset: number;
  /** Items on this page. */
  shown: number;
  total: number;
  /** The total stopped counting at the server's cap: shown as "100,000+". */
  totalCapped?: boolean;
  nextOffset: number | null;
  size: number;
}

/** Previous / "1–50 of 1,833" / Next, for a list paged by offset; `go` loads the page at an offset. */
export function pagerControls(page: PageInfo, noun: string, go: (offset: number) => void): Node[] {
  const previous = el('button', { type: 'button', class: 'secondary' }, 'Previous');
  previous.disabled = page.offset === 0;
  previous.addEventListener('click', () => {
    go(Math.max(0, page.offset - page.size));
  });
  const next = el('button', { type: 'button', class: 'secondary' }, 'Next');
  next.disabled = page.nextOffset === null;
  next.addEventListener('click', () => {
    go(page.nextOffset ?? page.offset);
  });
  const text =
    page.total === 0
      ? `no ${noun}`
      : `${formatCount(page.offset + 1)}–${formatCount(page.offset + page.shown)} of ${formatCount(page.total)}${page.totalCapped === true ? '+' : ''}`;
  return [previous, el('span', { 'data-testid': 'pager-text' }, text), next];
}
