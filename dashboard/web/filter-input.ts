import { el } from './dom.js';

/**
 * A labelled field of a view's filter form, filled from the view's URL state (an empty text field
 * reads "all"). One for Explore, Demands and the funnel, so their forms look and behave alike.
 */
export function filterInput(
  state: Readonly<Record<string, string>>,
  name: string,
  label: string,
  type = 'text',
  fallback = '',
  extra: Record<string, string> = {},
): HTMLLabelElement {
  return el(
    'label',
    {},
    label,
    el('input', {
      name,
      type,
      value: state[name] ?? fallback,
      placeholder: type === 'text' ? 'all' : undefined,
      ...extra,
    }),
  );
}
