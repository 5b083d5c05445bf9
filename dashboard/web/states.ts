import { el } from './dom.js';

/** What a view shows while its data is on the way. */
export function loadingState(what = 'Loading…'): HTMLElement {
  return el('p', { class: 'loading', role: 'status', 'aria-live': 'polite' }, what);
}

/** What a view shows when there is nothing: why, and what the analyst can do about it. */
export function emptyState(why: string, todo: string): HTMLElement {
  return el('div', { class: 'empty', role: 'status' }, el('strong', {}, why), el('span', {}, todo));
}

/** An error as the analyst should read it (the API's message names the field). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
