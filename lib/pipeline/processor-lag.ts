import { errorMessage } from '../errors.js';

// Shared by the dashboard's pipeline view and the worker's processor-lag check (worker/README.md).
/** The end offsets of a topic's partitions (Kafka's high watermarks), by partition. */
export type HighWatermarks = (topic: string) => Promise<Map<number, string>>;

interface ProcessorStatusDoc {
  component: 'processor';
  topic: string;
  partition: number;
  lastOffset: string;
}

function isProcessorStatus(
  doc: Record<string, unknown>,
): doc is Record<string, unknown> & ProcessorStatusDoc {
  return doc.component === 'processor' && typeof doc.topic === 'string' && typeof doc.lastOffset === 'string';
}

/**
 * Adds `lag` (messages on the partition after the last one the processor committed) to every
 * processor status document; others pass through. A topic whose watermarks cannot be read does
 * not fail the view, but is not hidden either: its documents get `lag: null` and `lagError`
 * (Kafka's failure, which the pipeline view shows), and `onError` hears of it for the log.
 */
export async function withProcessorLag(
  components: Record<string, unknown>[],
  highWatermarks: HighWatermarks,
  onError: (topic: string, error: unknown) => void = () => undefined,
): Promise<Record<string, unknown>[]> {
  const topics = [...new Set(components.filter(isProcessorStatus).map((doc) => doc.topic))];
  const marks = new Map<string, Map<number, string>>();
  const failures = new Map<string, string>();
  await Promise.all(
    topics.map(async (topic) => {
      try {
        marks.set(topic, await highWatermarks(topic));
      } catch (error) {
        failures.set(topic, `cannot read Kafka's end offsets: ${errorMessage(error)}`);
        onError(topic, error);
      }
    }),
  );
  return components.map((doc) => {
    if (!isProcessorStatus(doc)) return doc;
    const failure = failures.get(doc.topic);
    if (failure !== undefined) return { ...doc, lag: null, lagError: failure };
    const high = marks.get(doc.topic)?.get(doc.partition);
    if (high === undefined) return doc;
    const lag = BigInt(high) - BigInt(doc.lastOffset) - 1n;
    return { ...doc, lag: Number(lag < 0n ? 0n : lag) };
  });
}
