import type { CanonicalEvent } from '../../lib/records/canonical.js';
import { validateRecord } from '../../lib/records/validate-record.js';
import type { BucketClock } from '../core/kpi/buckets.js';
import { identityLink } from '../core/identity.js';
import { addEvent, visitorMarks } from '../core/kpi/event-contributions.js';
import { RollupDelta } from '../core/kpi/rollup-delta.js';
import { describeIssues } from '../core/parse-trip-record.js';
import type { Journal } from '../store/documents.js';
import { emptyJournal, eventDoc } from '../store/documents.js';
import type { DlqEntry, InboundBatch } from './messages.js';
import { dlqEntry, parseJson } from './messages.js';
import type { StepTimer } from './step-timer.js';

/** The validate step of an events batch: the valid events in order, the rest for qf.dlq. */
export function validateEvents(
  batch: InboundBatch,
  timer: StepTimer,
): { events: CanonicalEvent[]; dlq: DlqEntry[] } {
  const events: CanonicalEvent[] = [];
  const dlq: DlqEntry[] = [];
  timer.time('validate', () => {
    for (const message of batch.messages) {
      const parsed = parseJson(message);
      if (!parsed.ok) {
        dlq.push(dlqEntry(batch, message, parsed.reason));
        continue;
      }
      const validation = validateRecord(parsed.value);
      if (!validation.ok) dlq.push(dlqEntry(batch, message, describeIssues(validation.issues)));
      else if (validation.record.kind !== 'event') {
        dlq.push(dlqEntry(batch, message, `kind: must be "event" on ${batch.topic}`));
      } else events.push(validation.record);
    }
  });
  return { events, dlq };
}

/**
 * The journal of an events batch. An event counts once: those already stored (`stored`, looked
 * up by the caller) and repeats within the batch are dropped (the cdc step of events).
 */
export function eventJournal(
  batch: InboundBatch,
  events: readonly CanonicalEvent[],
  stored: ReadonlySet<string>,
  clock: BucketClock,
  timer: StepTimer,
  /** The resolution rules' default country code: identify traits' phones are normalised as customers' are. */
  phoneDefaultCountryCode: string,
): Journal {
  const last = batch.messages.at(-1)?.offset ?? '-1';
  const journal = emptyJournal(
    `events:${batch.partition}`,
    `${batch.topic}:${batch.partition}`,
    Number(last),
    batch.partition,
  );
  const fresh = timer.time('cdc', () => {
    const seen = new Set(stored);
    return events.filter((event) => {
      if (seen.has(event.id)) return false;
      seen.add(event.id);
      return true;
    });
  });
  timer.time('rollup', () => {
    const delta = new RollupDelta();
    const visitors = new Map<string, ReturnType<typeof visitorMarks>[number]>();
    for (const event of fresh) {
      addEvent(delta, clock, event);
      for (const mark of visitorMarks(clock, event)) visitors.set(mark.id, mark);
      journal.events.push(eventDoc(event, batch.partition));
      const link = identityLink(event, phoneDefaultCountryCode, batch.partition);
      if (link) journal.identities?.push(link);
    }
    journal.visitors = [...visitors.values()];
    journal.rollups = [...delta.entries].map(([id, entry]) => ({
      id,
      key: entry.key,
      counts: Object.fromEntries(entry.counts),
    }));
  });
  return journal;
}
