/** What the hand-written SVG figures of the reports share (the eval accuracy plots, the select reward histogram). */

/** One palette (matplotlib's tab10 order), so the first series has the same colour in every figure. */
export const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'] as const;

export const colorAt = (i: number): string => COLORS[i % COLORS.length]!;

/** Text for an SVG element or attribute: labels come from data files and dataset names. */
export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The opening tag, the figure's accessible name when given (a `<title>` first child), and a white
 * background: viewers show transparency as black or checkers.
 */
export function svgStart(width: number, height: number, fontSize: number, title?: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${fontSize}">`,
    ...(title === undefined ? [] : [`<title>${esc(title)}</title>`]),
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
}
