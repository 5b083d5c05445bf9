import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { formatCount } from '../format.js';
import { seriesStyle } from '../palette.js';

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

export type ChartKind = 'lines' | 'bars';

export interface ChartSeries {
  label: string;
  /** Index into the palette: the series' colour wherever it appears. */
  colour: number;
  values: number[];
  hidden: boolean;
}

/**
 * The explore chart: lines over time for one series or a few to compare, bars stacked by the
 * grouped dimension for shares of a whole. Colours follow the palette by series position.
 */
export function exploreChart(
  canvas: HTMLCanvasElement,
  kind: ChartKind,
  labels: string[],
  series: ChartSeries[],
  metricLabel: string,
): Chart {
  return new Chart(canvas, {
    type: kind === 'lines' ? 'line' : 'bar',
    data: {
      labels,
      datasets: series.map((s) => ({
        label: s.label,
        data: s.values,
        hidden: s.hidden,
        ...seriesStyle(s.colour),
        borderWidth: kind === 'lines' ? 2 : 0,
        pointRadius: labels.length > 60 ? 0 : 2,
        cubicInterpolationMode: 'monotone',
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        // Series are toggled by the checkboxes above the chart (keyboard-reachable), not the legend.
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label ?? ''}: ${formatCount(Number(item.raw))} ${metricLabel}`,
          },
        },
      },
      scales: {
        x: { stacked: kind === 'bars', ticks: { maxRotation: 0, autoSkip: true } },
        y: {
          stacked: kind === 'bars',
          beginAtZero: true,
          ticks: { callback: (v) => formatCount(Number(v)) },
        },
      },
    },
  });
}
