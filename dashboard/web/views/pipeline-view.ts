import type { Chart } from 'chart.js';
import { ApiError, getJson } from '../api.js';
import { el } from '../dom.js';
import { formatAgo, formatCount, formatTime } from '../format.js';
import { swatch } from '../palette.js';
import { sparkline } from '../sparkline.js';
import { emptyState, errorText, loadingState } from '../states.js';
import { dataTable } from '../table.js';

interface Card {
  id: string;
  kind: 'connector' | 'processor' | 'collector' | 'worker';
  title: string;
  state: string;
  lag: number | null;
  rate: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
  updatedAt: string | null;
  figures: [string, string | number | null][];
  details: Record<string, unknown>[];
  history: { at: number; lag: number | null; rate: number | null }[];
}

interface DlqSummary {
  total: number;
  held: number;
  newestAt: string | null;
  reasons: { reason: string; count: number }[];
  origins: { origin: string; count: number }[];
}

interface DlqRecord {
  at: string;
  key: string | null;
  reason: string | null;
  origin: string | null;
  value: unknown;
}

const STATE_CLASS: Record<string, string> = {
  running: 'ok',
  'caught-up': 'ok',
  behind: 'behind',
  starting: 'starting',
  failing: 'error',
  stopped: 'error',
  stale: 'error',
};

const SECTIONS: [Card['kind'], string][] = [
  ['connector', 'Sources (connectors)'],
  ['processor', 'Processor partition groups'],
  ['collector', 'Collectors (event spool)'],
  ['worker', 'Workers'],
];

function lagText(card: Card): string {
  if (card.lag === null) return card.kind === 'connector' || card.kind === 'processor' ? 'unknown' : '–';
  return card.kind === 'connector' ? `${formatCount(card.lag)} s` : `${formatCount(card.lag)} messages`;
}

function rateText(card: Card): string {
  if (card.rate === null) return '–';
  const unit = card.kind === 'connector' ? 'rows/s' : 'messages/s';
  return `${card.rate < 10 && card.rate > 0 ? card.rate.toFixed(1) : formatCount(card.rate)} ${unit}`;
}

/**
 * Pipeline health: a card per source, per processor partition group, per collector and per worker
 * (state, lag, rate — 0 when idle —, last error, the last hour of lag and rate), the dead letters
 * of qf.dlq counted by reason, and the raw documents (offsets) behind a "details" toggle.
 * Refreshed every 5 s.
 */
export function pipelineView(root: HTMLElement): () => void {
  const message = el('p', { class: 'error', role: 'alert' });
  const sections = el('div', {}, loadingState());
  const dlq = el('div', {});
  root.append(el('h2', {}, 'Pipeline'), message, sections, el('h3', {}, 'Dead letters (qf.dlq)'), dlq);
  let charts: Chart[] = [];
  const open = new Set<string>();

  const cardElement = (card: Card) => {
    const canvas = el('canvas', {
      role: 'img',
      'aria-label': `${card.title}: lag and rate over the last hour`,
    });
    const hasChart = card.kind === 'connector' || card.kind === 'processor';
    const details = el(
      'details',
      {},
      el('summary', {}, 'details'),
      el('pre', {}, JSON.stringify(card.details.length === 1 ? card.details[0] : card.details, null, 2)),
    );
    details.open = open.has(card.id);
    details.addEventListener('toggle', () => {
      if (details.open) open.add(card.id);
      else open.delete(card.id);
    });
    const element = el(
      'article',
      {
        class: `card state-${STATE_CLASS[card.state] ?? 'unknown'}`,
        'data-card': card.id,
        'aria-label': card.title,
      },
      el(
        'h4',
        {},
        el('span', {}, card.title),
        el('span', { class: 'badge', 'data-testid': 'card-state' }, card.state),
      ),
      el(
        'dl',
        {},
        ...(hasChart
          ? [
              el('dt', {}, el('span', {}, swatch(0), 'lag')),
              el('dd', { 'data-figure': 'lag' }, lagText(card)),
              el('dt', {}, el('span', {}, swatch(1), 'rate')),
              el('dd', { 'data-figure': 'rate' }, rateText(card)),
            ]
          : []),
        ...card.figures.flatMap(([label, value]) => [
          el('dt', {}, label),
          el('dd', {}, typeof value === 'number' ? formatCount(value) : (value ?? '–')),
        ]),
        el('dt', {}, 'reported'),
        el('dd', {}, formatAgo(card.updatedAt)),
      ),
      card.lastError
        ? el(
            'p',
            { class: 'error' },
            `${card.lastError}${card.lastErrorAt ? ` (${formatTime(card.lastErrorAt)})` : ''}`,
          )
        : '',
      hasChart ? el('div', { class: 'spark' }, canvas) : '',
      hasChart
        ? el(
            'p',
            { class: 'muted' },
            card.history.length < 2
              ? 'last hour: collecting samples (every 10 s)…'
              : 'last hour: lag (line), rate (dashed)',
          )
        : '',
      details,
    );
    if (hasChart && card.history.length > 0) {
      charts.push(
        sparkline(
          canvas,
          card.history.map((sample) => sample.lag),
          0,
          { values: card.history.map((sample) => sample.rate), colour: 1 },
        ),
      );
    }
    return element;
  };

  const load = async () => {
    try {
      const health = await getJson<{ cards: Card[]; dlq: DlqSummary | null }>('/api/v1/pipeline/health');
      for (const chart of charts) chart.destroy();
      charts = [];
      sections.replaceChildren(
        ...(health.cards.length === 0
          ? [
              emptyState(
                'No pipeline component has reported yet.',
                'Start the connectors, the processor and the collector (quoteflow connectors | processor | collector); each writes its status every few seconds.',
              ),
            ]
          : SECTIONS.map(([kind, title]) => {
              const cards = health.cards.filter((card) => card.kind === kind);
              return cards.length === 0
                ? ''
                : el(
                    'section',
                    { 'aria-label': title },
                    el('h3', {}, title),
                    el('div', { class: 'cards' }, ...cards.map(cardElement)),
                  );
            })),
      );
      const summary = health.dlq;
      if (summary === null) {
        dlq.replaceChildren(
          emptyState(
            'This dashboard does not read qf.dlq.',
            'Run it with Kafka configured to see dead letters.',
          ),
        );
        message.textContent = '';
        return;
      }
      const letters = await getJson<{ records: DlqRecord[] }>('/api/v1/dlq?limit=100');
      dlq.replaceChildren(
        el(
          'p',
          { 'data-testid': 'dlq-count' },
          summary.total === 0
            ? 'No dead letters: every record was processed.'
            : `${formatCount(summary.total)} record(s) in qf.dlq, the last ${formatAgo(summary.newestAt)}. By reason: ${summary.reasons.map((r) => `${r.reason} (${formatCount(r.count)})`).join('; ')}. The newest ${formatCount(Math.min(summary.held, 100))} below.`,
        ),
        summary.held === 0
          ? ''
          : dataTable({
              label: 'newest dead letters',
              testid: 'dlq-table',
              rows: letters.records,
              columns: [
                { label: 'at', cell: (record) => formatTime(record.at) },
                { label: 'origin', cell: (record) => record.origin ?? '' },
                { label: 'key', cell: (record) => record.key ?? '' },
                { label: 'reason', cell: (record) => record.reason ?? '' },
                {
                  label: 'entry',
                  cell: (record) =>
                    el(
                      'code',
                      {},
                      (typeof record.value === 'string' ? record.value : JSON.stringify(record.value)).slice(
                        0,
                        300,
                      ),
                    ),
                },
              ],
            }),
      );
      message.textContent = '';
    } catch (error) {
      message.textContent = error instanceof ApiError ? error.message : errorText(error);
    }
  };
  void load();
  const timer = setInterval(() => void load(), 5000);
  return () => {
    clearInterval(timer);
    for (const chart of charts) chart.destroy();
  };
}
