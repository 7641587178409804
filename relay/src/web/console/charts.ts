// Bar charts drawn on the server as SVG: no script, nothing fetched, readable without colour.
// Each chart is a <figure> with a text alternative (what it shows and its largest bar) and,
// beside it, the same numbers in a table, so a screen reader or a copy-paste gets the data.
import type { ChartData } from './chart-data.ts';
import { html, type SafeHtml } from './html.ts';

// Colour-blind-safe palette (Okabe and Ito); series beyond it reuse it.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const WIDTH = 400;
const HEIGHT = 200;
const LEFT = 36;
const BOTTOM = 36;

export type ChartOptions = {
  id: string;
  title: string;
  /** What one bar counts, for the text alternative ("calls", "dead letters"). */
  unit: string;
  /** How each series is named for people (taxonomy labels). */
  seriesLabel?: (key: string) => string;
  categoryLabel?: (key: string) => string;
  /** Show every nth category label on the axis (24 hours do not fit). */
  labelEvery?: number;
};

function niceMax(value: number): number {
  if (value <= 5) return 5;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((m) => m >= value)!;
}

export function barChart(data: ChartData, options: ChartOptions): SafeHtml {
  const seriesLabel = options.seriesLabel ?? ((k: string) => k);
  const categoryLabel = options.categoryLabel ?? ((k: string) => k);
  const totals = data.categories.map((_, i) => data.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const total = totals.reduce((a, b) => a + b, 0);
  const titleId = `${options.id}-title`;
  const descId = `${options.id}-desc`;
  if (total === 0) {
    return html`<figure class="chart" aria-labelledby="${titleId}"><figcaption id="${titleId}">${options.title}</figcaption><p class="muted">No ${options.unit} in this period.</p></figure>`;
  }
  const top = niceMax(Math.max(...totals));
  const plotWidth = WIDTH - LEFT - 8;
  const plotHeight = HEIGHT - BOTTOM - 8;
  const slot = plotWidth / data.categories.length;
  const barWidth = Math.max(2, slot * 0.7);
  const y = (value: number) => 8 + plotHeight - (value / top) * plotHeight;
  const bars = data.categories.map((category, i) => {
    let base = 0;
    return data.series.map((series, s) => {
      const value = series.values[i] ?? 0;
      if (value === 0) return '';
      const rect = html`<rect x="${(LEFT + i * slot + (slot - barWidth) / 2).toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - y(base + value)).toFixed(1)}" fill="${PALETTE[s % PALETTE.length]}"><title>${categoryLabel(category)}: ${value} ${seriesLabel(series.key)}</title></rect>`;
      base += value;
      return rect;
    });
  });
  const every = options.labelEvery ?? 1;
  // Axis labels are cut to the room they have; the table and each bar's tooltip carry them whole.
  const room = Math.max(3, Math.floor((slot * every) / 7));
  const fit = (label: string) => (label.length > room ? `${label.slice(0, room - 1)}…` : label);
  const axis = data.categories.map((category, i) =>
    i % every === 0 ? html`<text x="${(LEFT + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="12">${fit(categoryLabel(category))}</text>` : '',
  );
  const largest = totals.indexOf(Math.max(...totals));
  const summary = `${total} ${options.unit} in all; the most, ${totals[largest]}, in ${categoryLabel(data.categories[largest]!)}. The table that follows has every number.`;
  const multi = data.series.length > 1;
  return html`<figure class="chart" aria-labelledby="${titleId}">
<figcaption id="${titleId}">${options.title}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-labelledby="${titleId} ${descId}" data-testid="${options.id}">
<desc id="${descId}">${summary}</desc>
<line x1="${LEFT}" y1="${y(0)}" x2="${WIDTH - 8}" y2="${y(0)}" stroke="#555"/>
<text x="${LEFT - 4}" y="${y(top) + 4}" text-anchor="end" font-size="12">${top}</text><text x="${LEFT - 4}" y="${y(0) + 4}" text-anchor="end" font-size="12">0</text>
${bars}${axis}</svg>
${multi ? html`<ul class="legend">${data.series.map((s, i) => html`<li><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/></svg> ${seriesLabel(s.key)}</li>`)}</ul>` : ''}
<details><summary>${options.title}: the numbers</summary><div class="table-wrap"><table data-testid="${options.id}-table">
<thead><tr><th scope="col"></th>${multi ? data.series.map((s) => html`<th scope="col">${seriesLabel(s.key)}</th>`) : ''}<th scope="col">${multi ? 'All' : options.unit}</th></tr></thead>
<tbody>${data.categories.map((category, i) => html`<tr><th scope="row">${categoryLabel(category)}</th>${multi ? data.series.map((s) => html`<td>${s.values[i] ?? 0}</td>`) : ''}<td>${totals[i]}</td></tr>`)}</tbody>
</table></div></details></figure>`;
}
