type Child = Node | string | number | null | undefined | false;

/**
 * Builds an element. Text always goes in as text nodes, never as HTML, so a station name or a
 * customer name holding markup shows as what it is.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes))
    if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

export function clear(element: Element): void {
  element.replaceChildren();
}

/** The values of a form's named inputs and selects, empty ones left out. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(form))
    if (typeof value === 'string' && value.trim() !== '') values[name] = value.trim();
  return values;
}
