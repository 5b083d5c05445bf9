import {
  AuthenticationError,
  MultipleErrors,
  NetworkError,
  ProtocolError,
  ResponseError,
  TimeoutError,
  UserError,
} from '@platformatic/kafka';
import { expect } from 'chai';
import { classifyKafkaError } from '../../../lib/kafka/kafka-errors.js';
import { QuoteflowError } from '../../../lib/errors.js';

/** Kafka's error codes (the protocol's numbers) of the answers used below. */
const CODES = {
  MESSAGE_TOO_LARGE: 10,
  CORRUPT_MESSAGE: 2,
  TOPIC_AUTHORIZATION_FAILED: 29,
  NOT_LEADER_OR_FOLLOWER: 6,
};
const PRODUCE_API = 0;

/**
 * A failed send as @platformatic/kafka 2.12.1 rejects it (seen against the real broker in
 * test/integration/kafka/durable-producer.test.ts): MultipleErrors("Producing messages failed.")
 * around a ResponseError of the Produce API whose `errors` are one ProtocolError per partition.
 */
function produceFailure(...answers: (keyof typeof CODES)[]): MultipleErrors {
  const perPartition = Object.fromEntries(
    answers.map((answer, partition) => [
      `/responses/0/partitionResponses/${partition}`,
      [CODES[answer], null],
    ]),
  ) as Record<string, [number, null]>;
  const response = new ResponseError(PRODUCE_API, 11, perPartition, {});
  return new MultipleErrors('Producing messages failed.', [response]);
}

/** A broker nobody answers on: "metadata failed N times" around "Cannot connect to any broker". */
function unreachable(): MultipleErrors {
  const refused = new NetworkError('Connection to 127.0.0.1:9 failed.');
  const any = new MultipleErrors('Cannot connect to any broker.', [refused]);
  return new MultipleErrors('metadata failed 2 times.', [any, any]);
}

const classify = (error: unknown) => {
  const result = classifyKafkaError(error);
  return result instanceof QuoteflowError ? [result.code, result.retriable] : [result.name];
};

describe('classifyKafkaError with @platformatic/kafka errors', () => {
  it('should tell records refused for good from a broker that refuses the deployment', () => {
    expect(classify(produceFailure('MESSAGE_TOO_LARGE'))).to.deep.equal(['KAFKA_RECORD_REFUSED', false]);
    expect(classify(produceFailure('CORRUPT_MESSAGE'))).to.deep.equal(['KAFKA_RECORD_REFUSED', false]);
    expect(classify(produceFailure('TOPIC_AUTHORIZATION_FAILED'))).to.deep.equal(['KAFKA_REFUSED', false]);
  });

  it('should find a record refusal among retriable answers of other partitions', () => {
    const mixed = produceFailure('NOT_LEADER_OR_FOLLOWER', 'MESSAGE_TOO_LARGE');
    expect(classify(mixed)).to.deep.equal(['KAFKA_RECORD_REFUSED', false]);
  });

  it('should call retriable broker answers, lost connections and timeouts unavailable', () => {
    expect(classify(produceFailure('NOT_LEADER_OR_FOLLOWER'))).to.deep.equal(['KAFKA_UNAVAILABLE', true]);
    expect(classify(unreachable())).to.deep.equal(['KAFKA_UNAVAILABLE', true]);
    expect(classify(new TimeoutError('Request timed out.'))).to.deep.equal(['KAFKA_UNAVAILABLE', true]);
    const wrapped = new MultipleErrors('Producing messages failed.', [
      new Error('socket hang up', { cause: new ProtocolError('NOT_ENOUGH_REPLICAS') }),
    ]);
    expect(classify(wrapped)).to.deep.equal(['KAFKA_UNAVAILABLE', true]);
  });

  it("should call the client's own refusals (unknown topic, refused login) refused", () => {
    const unknownTopic = new UserError('Unknown topic qf.missing.', { canRetry: false });
    expect(classify(unknownTopic)).to.deep.equal(['KAFKA_REFUSED', false]);
    expect(classify(new AuthenticationError('SASL authentication failed.'))).to.deep.equal([
      'KAFKA_REFUSED',
      false,
    ]);
  });

  it('should walk causes as well as errors, and keep the original as the cause', () => {
    const deep = new Error('send failed', { cause: produceFailure('MESSAGE_TOO_LARGE') });
    expect(classify(deep)).to.deep.equal(['KAFKA_RECORD_REFUSED', false]);
    const original = produceFailure('MESSAGE_TOO_LARGE');
    expect(classifyKafkaError(original).cause).to.equal(original);
    expect(classifyKafkaError(original).message).to.equal('Kafka refused the records: MESSAGE_TOO_LARGE');
  });
});
