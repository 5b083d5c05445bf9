import { expect } from 'chai';
import { QuoteflowError } from '../../lib/errors.js';
import { classifyKafkaError } from '../../lib/kafka/kafka-errors.js';
import { retry } from '../../lib/retry.js';

const fast = { backoff: { initialMs: 1, maxMs: 2 } };

/** A function that fails with `failures` in turn, then returns 'done'. */
function failing(...failures: Error[]) {
  const calls: number[] = [];
  const fn = (attempt: number) => {
    calls.push(attempt);
    const failure = failures[attempt];
    return failure === undefined ? Promise.resolve('done') : Promise.reject(failure);
  };
  return { fn, calls };
}

describe('retry', () => {
  describe('when failures are retriable', () => {
    it('should try again with growing jittered waits until it succeeds', async () => {
      const { fn, calls } = failing(new Error('reset'), new Error('reset'));
      const waits: number[] = [];
      const result = await retry(fn, {
        backoff: { initialMs: 4, maxMs: 6 },
        random: () => 1,
        onRetry: (_error, _attempt, delay) => waits.push(delay),
      });
      expect({ result, calls, waits }).to.deep.equal({ result: 'done', calls: [0, 1, 2], waits: [4, 6] });
    });

    it('should give up after maxAttempts with the last failure', async () => {
      const last = new Error('third');
      const { fn, calls } = failing(new Error('first'), new Error('second'), last);
      const thrown = await retry(fn, { ...fast, maxAttempts: 3 }).catch((error: unknown) => error);
      expect({ thrown, calls }).to.deep.equal({ thrown: last, calls: [0, 1, 2] });
    });
  });

  describe('when a long run made progress before failing', () => {
    it('should start the backoff over', async () => {
      const waits: number[] = [];
      await retry(
        (attempt, progress) => {
          if (attempt === 2) progress();
          return attempt < 4 ? Promise.reject(new Error('reset')) : Promise.resolve();
        },
        {
          backoff: { initialMs: 1, maxMs: 100 },
          random: () => 1,
          onRetry: (_e, _a, delay) => waits.push(delay),
        },
      );
      expect(waits).to.deep.equal([1, 2, 1, 2]);
    });
  });

  describe('when a failure is permanent', () => {
    it('should throw a QuoteflowError marked not retriable at once', async () => {
      const permanent = new QuoteflowError('BAD', 'bad record');
      const { fn, calls } = failing(permanent);
      expect(await retry(fn, fast).catch((error: unknown) => error)).to.equal(permanent);
      expect(calls).to.deep.equal([0]);
    });

    it('should throw a programming error at once (a TypeError is a bug, not weather)', async () => {
      const bug = new TypeError("Cannot read properties of undefined (reading 'x')");
      const { fn, calls } = failing(bug);
      expect(await retry(fn, fast).catch((error: unknown) => error)).to.equal(bug);
      expect(calls).to.deep.equal([0]);
    });

    it('should follow isRetriable when given', async () => {
      const { fn, calls } = failing(new TypeError('x'));
      expect(await retry(fn, { ...fast, isRetriable: () => true })).to.equal('done');
      expect(calls).to.deep.equal([0, 1]);
    });
  });

  describe('when the signal is aborted', () => {
    it('should stop waiting and reject with the reason', async () => {
      const controller = new AbortController();
      const reason = new Error('stopping');
      const attempts: number[] = [];
      const pending = retry(
        (attempt) => {
          attempts.push(attempt);
          return Promise.reject(new Error('down'));
        },
        // An hour's wait: only the abort can end it.
        { signal: controller.signal, backoff: { initialMs: 3_600_000, maxMs: 3_600_000 }, random: () => 1 },
      );
      await new Promise((resolve) => setImmediate(resolve));
      controller.abort(reason);
      expect(await pending.catch((error: unknown) => error)).to.equal(reason);
      expect(attempts).to.deep.equal([0]);
    });
  });
});

describe('classifyKafkaError', () => {
  /** What kafkajs throws: a protocol error wrapped by its retrier. */
  const kafkajs = (type: string, retriable: boolean, wrapper = 'KafkaJSNonRetriableError') => {
    const protocol = Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable });
    return Object.assign(new Error(type, { cause: protocol }), { name: wrapper, retriable: false });
  };

  it('should tell records refused for good, deployment refusals and outages apart', () => {
    const classified = [
      kafkajs('MESSAGE_TOO_LARGE', false),
      kafkajs('RECORD_LIST_TOO_LARGE', false),
      kafkajs('TOPIC_AUTHORIZATION_FAILED', false),
      kafkajs('LEADER_NOT_AVAILABLE', true, 'KafkaJSNumberOfRetriesExceeded'),
      Object.assign(new Error('Connection error: ECONNREFUSED'), { name: 'KafkaJSConnectionError' }),
    ].map((error) => {
      const result = classifyKafkaError(error);
      return result instanceof QuoteflowError ? [result.code, result.retriable] : [result.name];
    });
    expect(classified).to.deep.equal([
      ['KAFKA_RECORD_REFUSED', false],
      ['KAFKA_RECORD_REFUSED', false],
      ['KAFKA_REFUSED', false],
      ['KAFKA_UNAVAILABLE', true],
      ['KAFKA_UNAVAILABLE', true],
    ]);
  });

  it('should keep the original error as the cause, and leave programming errors alone', () => {
    const original = kafkajs('MESSAGE_TOO_LARGE', false);
    expect(classifyKafkaError(original).cause).to.equal(original);
    const bug = new TypeError('x is not a function');
    expect(classifyKafkaError(bug)).to.equal(bug);
  });
});
