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

/** The fields both clients' errors may carry (kafkajs: name/type/retriable; @platformatic/kafka: code/apiId/canRetry/errors). */
interface ClientErrorLike {
  name?: unknown;
  type?: unknown;
  retriable?: unknown;
  code?: unknown;
  apiId?: unknown;
  canRetry?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** A broker's answer found in a failure: its name (MESSAGE_TOO_LARGE…) and whether retrying may help. */
interface BrokerAnswer {
  type: string | undefined;
  retriable: boolean;
}

/**
 * Every error of a failure, outermost first. kafkajs wraps the broker's answer in `cause`;
 * @platformatic/kafka gathers answers in `errors` (MultipleErrors, ResponseError: one per partition
 * or per attempt), which may hold `cause`s in turn.
 */
function links(error: unknown): ClientErrorLike[] {
  const found: ClientErrorLike[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && found.length < 50) {
    const link = queue.shift();
    if (typeof link !== 'object' || link === null) continue;
    const current = link as ClientErrorLike;
    if (found.includes(current)) continue;
    found.push(current);
    if (Array.isArray(current.errors)) queue.push(...(current.errors as unknown[]));
    queue.push(current.cause);
  }
  return found;
}

function brokerAnswer(link: ClientErrorLike): BrokerAnswer | undefined {
  if (link.name === 'KafkaJSProtocolError') {
    return {
      type: typeof link.type === 'string' ? link.type : undefined,
      retriable: link.retriable !== false,
    };
  }
  if (link.code === 'PLT_KFK_PROTOCOL') {
    return {
      type: typeof link.apiId === 'string' ? link.apiId : undefined,
      retriable: link.canRetry !== false,
    };
  }
  return undefined;
}

/**
 * @platformatic/kafka's own refusals before any request is sent: an unknown topic (with
 * `autocreateTopics: false`) or options it rejects (PLT_KFK_USER), and a SASL login the broker
 * refused (PLT_KFK_AUTHENTICATION). Retrying changes nothing until an operator acts.
 */
const CLIENT_REFUSALS = new Set(['PLT_KFK_USER', 'PLT_KFK_AUTHENTICATION']);

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns what the Kafka client (kafkajs or @platformatic/kafka) threw into Quoteflow's taxonomy,
 * where the error enters: a broker answer that condemns the records (KAFKA_RECORD_REFUSED,
 * permanent), any other protocol error the client marks not retriable, an unknown topic or a
 * refused login (KAFKA_REFUSED, permanent: retrying cannot help until an operator acts), and the
 * rest (KAFKA_UNAVAILABLE, retriable: connections refused or lost, timeouts, "retries exceeded"). A
 * programming error is returned as it is: it is nobody's weather.
 */
export function classifyKafkaError(error: unknown): Error {
  if (error instanceof QuoteflowError || isProgrammingError(error)) return error as Error;
  const chain = links(error);
  const answers = chain.map(brokerAnswer).filter((answer) => answer !== undefined);
  const refusal = answers.find((answer) => answer.type !== undefined && RECORD_REFUSALS.has(answer.type));
  if (refusal) {
    return new QuoteflowError(KAFKA_RECORD_REFUSED, `Kafka refused the records: ${refusal.type ?? ''}`, {
      cause: error,
    });
  }
  const final = answers.find((answer) => !answer.retriable);
  if (final) {
    return new QuoteflowError(KAFKA_REFUSED, `Kafka refused the request: ${final.type ?? 'not retriable'}`, {
      cause: error,
    });
  }
  const client = chain.find((link) => typeof link.code === 'string' && CLIENT_REFUSALS.has(link.code));
  if (client) {
    return new QuoteflowError(KAFKA_REFUSED, `Kafka refused the request: ${describe(client)}`, {
      cause: error,
    });
  }
  return new QuoteflowError(KAFKA_UNAVAILABLE, `Kafka unavailable: ${describe(error)}`, {
    retriable: true,
    cause: error,
  });
}

export function isRecordRefusal(error: unknown): boolean {
  return error instanceof QuoteflowError && error.code === KAFKA_RECORD_REFUSED;
}
