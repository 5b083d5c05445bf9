import { el } from './dom.js';
import { formatCount } from './format.js';

export interface PageInfo {
  /** The place of the page's first item in the whole list (0-based). */
  start: number;
  /** Items on this page. */
  shown: number;
  total: number;
  /** The total stopped counting at the server's cap: shown as "100,000+". */
  totalCapped?: boolean;
  hasPrevious: boolean;
  hasNext: boolean;
}

/**
 * Previous / "1–50 of 1,833" / Next. How a page is reached (an offset, a page token) is the
 * caller's: `go` gets which way.
 */
export function pagerControls(page: PageInfo, noun: string, go: (way: 'previous' | 'next') => void): Node[] {
  const previous = el('button', { type: 'button', class: 'secondary' }, 'Previous');
  previous.disabled = !page.hasPrevious;
  previous.addEventListener('click', () => {
    go('previous');
  });
  const next = el('button', { type: 'button', class: 'secondary' }, 'Next');
  next.disabled = !page.hasNext;
  next.addEventListener('click', () => {
    go('next');
  });
  const text =
    page.total === 0
      ? `no ${noun}`
      : `${formatCount(page.start + 1)}–${formatCount(page.start + page.shown)} of ${formatCount(page.total)}${page.totalCapped === true ? '+' : ''}`;
  return [previous, el('span', { 'data-testid': 'pager-text' }, text), next];
}
