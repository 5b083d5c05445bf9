/** A Kafka message as the pipeline sees it (kafkajs' KafkaMessage, trimmed to what is used). */
export interface InboundMessage {
  offset: string;
  value: Buffer | null;
}

export interface InboundBatch {
  topic: string;
  partition: number;
  messages: readonly InboundMessage[];
}

/** What goes to qf.dlq: the reason, where the message came from, and the message itself. */
export interface DlqEntry {
  reason: string;
  topic: string;
  partition: number;
  offset: string;
  value: string | null;
}

export function dlqEntry(batch: InboundBatch, message: InboundMessage, reason: string): DlqEntry {
  return {
    reason,
    topic: batch.topic,
    partition: batch.partition,
    offset: message.offset,
    value: message.value?.toString('utf8') ?? null,
  };
}

/** The validate step's first half: JSON text to a value, or the reason it is not. */
export function parseJson(
  message: InboundMessage,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (message.value === null || message.value.length === 0) return { ok: false, reason: 'empty message' };
  try {
    return { ok: true, value: JSON.parse(message.value.toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'is not valid JSON' };
  }
}
