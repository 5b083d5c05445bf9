import { QuoteflowError } from '../errors.js';

/**
 * RethinkDB driver errors that mean "the database is not there right now", not "this query is
 * wrong": the connection dropped (ReqlDriverError on a closed connection), the server is up but
 * the table is not ready yet after a restart (ReqlOpFailedError, "Table is not available"), an
 * operation whose outcome is unknown because the server went away (ReqlOpIndeterminateError), a
 * timeout. Retrying later can succeed.
 */
const UNAVAILABLE = new Set([
  'ReqlAvailabilityError',
  'ReqlOpFailedError',
  'ReqlOpIndeterminateError',
  'ReqlTimeoutError',
]);

/**
 * Classifies an error where it leaves the driver: an outage becomes a retriable
 * `RETHINKDB_UNAVAILABLE` QuoteflowError (its cause kept); anything else (a query logic error, a
 * programming error) is returned as it is. `connectionOpen` says whether the connection the query
 * ran on is still open: a ReqlDriverError on an open connection is the driver refusing the query.
 */
export function classifyRethinkdbError(error: unknown, connectionOpen: boolean): unknown {
  if (!(error instanceof Error) || error instanceof QuoteflowError) return error;
  // The driver fails the queries still running on a connection that closes with a
  // ReqlRuntimeError "Connection is closed." (seen in the fault suite), not a ReqlDriverError.
  const closed = error.name.startsWith('Reql') && error.message.startsWith('Connection is closed');
  const lost = (error.name === 'ReqlDriverError' && !connectionOpen) || closed;
  if (!lost && !UNAVAILABLE.has(error.name)) return error;
  return new QuoteflowError('RETHINKDB_UNAVAILABLE', `RethinkDB unavailable: ${error.message}`, {
    retriable: true,
    cause: error,
  });
}
