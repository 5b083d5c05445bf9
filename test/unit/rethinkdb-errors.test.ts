import { expect } from 'chai';
import { QuoteflowError, isRetriable } from '../../lib/errors.js';
import { classifyRethinkdbError } from '../../lib/rethinkdb/rethinkdb-errors.js';

function driverError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe('classifyRethinkdbError', () => {
  it('makes an outage a retriable RETHINKDB_UNAVAILABLE with its cause', () => {
    for (const name of [
      'ReqlOpFailedError',
      'ReqlOpIndeterminateError',
      'ReqlAvailabilityError',
      'ReqlTimeoutError',
    ]) {
      const cause = driverError(name, 'Table `quoteflow.rollups` is not available');
      const classified = classifyRethinkdbError(cause, true);
      expect(classified, name).to.be.instanceOf(QuoteflowError);
      expect(isRetriable(classified), name).to.equal(true);
      expect((classified as QuoteflowError).code).to.equal('RETHINKDB_UNAVAILABLE');
      expect((classified as QuoteflowError).cause).to.equal(cause);
    }
  });

  it('counts a driver error as an outage only once the connection is closed', () => {
    const error = driverError('ReqlDriverError', 'Unrecognized optional argument `foo`.');
    expect(isRetriable(classifyRethinkdbError(error, false))).to.equal(true);
    expect(classifyRethinkdbError(error, true)).to.equal(error);
  });

  it('counts the runtime error the driver gives running queries when their connection closes', () => {
    const error = driverError('ReqlRuntimeError', 'Connection is closed.');
    expect(isRetriable(classifyRethinkdbError(error, true))).to.equal(true);
  });

  it('leaves query mistakes and programming errors as they are', () => {
    const logic = driverError('ReqlQueryLogicError', 'Expected type NUMBER but found STRING');
    const bug = new TypeError('x is undefined');
    expect(classifyRethinkdbError(logic, false)).to.equal(logic);
    expect(classifyRethinkdbError(bug, false)).to.equal(bug);
  });
});
