import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { formatCount } from '../format.js';
import { seriesStyle } from '../palette.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface FunnelSeries {
  label: string;
  /** Index into the palette, as the table's swatch of the same row. */
  colour: number;
  /** The four steps: visits, quoting visitors, demands, bookings. */
  values: number[];
}

/**
 * The funnel as side-by-side bars per step, one colour per group. Never stacked: grouped by source
 * or station, a visitor may be in several rows, so stacking would add a visitor up twice.
 */
export function funnelChart(canvas: HTMLCanvasElement, steps: string[], series: FunnelSeries[]): Chart {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: steps,
      datasets: series.map((s) => ({
        label: s.label,
        data: s.values,
        ...seriesStyle(s.colour),
        borderWidth: 0,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${formatCount(Number(item.raw))}` },
        },
      },
      scales: {
        x: { ticks: { maxRotation: 0 } },
        // Counts of visitors, demands and bookings: whole numbers only on the axis.
        y: { beginAtZero: true, ticks: { precision: 0, callback: (v) => formatCount(Number(v)) } },
      },
    },
  });
}
