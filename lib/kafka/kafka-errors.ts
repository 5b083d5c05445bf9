import { QuoteflowError, isProgrammingError } from '../errors.js';

/**
 * Broker answers that condemn the records themselves: sending them again, to any broker, fails
 * the same way. (CORRUPT_MESSAGE is also the answer to a record past the size the broker
 * accepts.)
 */
const RECORD_REFUSALS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

/** Kafka refused these records for good; the others of a request may go through. */
export const KAFKA_RECORD_REFUSED = 'KAFKA_RECORD_REFUSED';
/** Kafka refuses every request (authorisation, an unknown topic…): the deployment needs fixing. */
export const KAFKA_REFUSED = 'KAFKA_REFUSED';
/** Kafka did not answer or answered "later" (broker down, leader moving, timeout). */
export const KAFKA_UNAVAILABLE = 'KAFKA_UNAVAILABLE';

interface KafkaJsLike {
  name?: unknown;
  type?: unknown;
  retriable?: unknown;
  cause?: unknown;
}

/** The errors of a kafkajs failure, outermost first (kafkajs wraps the broker's answer in `cause`). */
function chain(error: unknown): KafkaJsLike[] {
  const links: KafkaJsLike[] = [];
  for (let link = error; typeof link === 'object' && link !== null && links.length < 10;) {
    const current = link as KafkaJsLike;
    if (links.includes(current)) break;
    links.push(current);
    link = current.cause;
  }
  return links;
}

/**
 * Turns what kafkajs threw into Quoteflow's taxonomy, where the error enters: a broker answer that
 * condemns the records (KAFKA_RECORD_REFUSED, permanent), any other protocol error kafkajs marks
 * not retriable (KAFKA_REFUSED, permanent: retrying cannot help until an operator acts), and the
 * rest (KAFKA_UNAVAILABLE, retriable; kafkajs' "number of retries exceeded" included). A
 * programming error is returned as it is: it is nobody's weather.
 */
export function classifyKafkaError(error: unknown): Error {
  if (error instanceof QuoteflowError || isProgrammingError(error)) return error as Error;
  const links = chain(error);
  const protocol = links.find((link) => link.name === 'KafkaJSProtocolError');
  const type = typeof protocol?.type === 'string' ? protocol.type : undefined;
  if (type !== undefined && RECORD_REFUSALS.has(type)) {
    return new QuoteflowError(KAFKA_RECORD_REFUSED, `Kafka refused the records: ${type}`, { cause: error });
  }
  if (protocol?.retriable === false) {
    return new QuoteflowError(KAFKA_REFUSED, `Kafka refused the request: ${type ?? 'not retriable'}`, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new QuoteflowError(KAFKA_UNAVAILABLE, `Kafka unavailable: ${message}`, {
    retriable: true,
    cause: error,
  });
}

export function isRecordRefusal(error: unknown): boolean {
  return error instanceof QuoteflowError && error.code === KAFKA_RECORD_REFUSED;
}
