/**
 * Series colours: Okabe and Ito's palette, chosen so that the common forms of colour blindness
 * still tell the series apart (its yellow is left out: too light on white). A series keeps its
 * colour by its position, so the legend, the lines and the table swatches agree.
 */
export const PALETTE = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#D55E00', // vermillion
  '#56B4E9', // sky blue
  '#000000', // black
  '#8C6D31', // brown, an eighth that stays apart from the others
];

export function seriesColour(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#0072B2';
}

/** Chart.js dataset colours for series `index`: a line in the colour, bars filled with it. */
export function seriesStyle(index: number): { borderColor: string; backgroundColor: string } {
  const colour = seriesColour(index);
  return { borderColor: colour, backgroundColor: colour };
}

/** A small square in a series' colour, for tables and toggles (set through the CSSOM, not a style attribute). */
export function swatch(index: number): HTMLElement {
  const element = document.createElement('span');
  element.className = 'swatch';
  element.setAttribute('aria-hidden', 'true');
  element.style.backgroundColor = seriesColour(index);
  return element;
}
