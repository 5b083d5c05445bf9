import {
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Filler,
} from 'chart.js';
import { seriesColour } from './palette.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler);

/**
 * A small line without axes: the shape of a figure over time (a tile's day, a card's hour). Values
 * that are unknown (null) leave a gap. `colour` is a palette position.
 */
export function sparkline(
  canvas: HTMLCanvasElement,
  values: (number | null)[],
  colour: number,
  extra?: { values: (number | null)[]; colour: number },
): Chart<'line', (number | null)[], string> {
  const style = (index: number) => ({
    borderColor: seriesColour(index),
    backgroundColor: `${seriesColour(index)}22`,
  });
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: values.map((_, index) => String(index)),
      datasets: [
        { data: values, ...style(colour), borderWidth: 1.5, pointRadius: 0, fill: true, tension: 0.3 },
        ...(extra
          ? [
              {
                data: extra.values,
                ...style(extra.colour),
                borderWidth: 1,
                pointRadius: 0,
                borderDash: [3, 3],
                tension: 0.3,
              },
            ]
          : []),
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      events: [],
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      scales: { x: { display: false }, y: { display: false, beginAtZero: true } },
    },
  });
}

/** New values for a sparkline made by sparkline() (the comparison line too, when it has one). */
export function updateSparkline(
  chart: Chart<'line', (number | null)[], string>,
  values: (number | null)[],
  extra?: (number | null)[],
): void {
  chart.data.labels = values.map((_, index) => String(index));
  const [main, second] = chart.data.datasets;
  if (main) main.data = values;
  if (second && extra) second.data = extra;
  chart.update();
}
