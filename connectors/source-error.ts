import type { SourceConfig } from '../lib/config/schema.js';
import { QuoteflowError, errorMessage } from '../lib/errors.js';

const DEFAULT_PORTS = { postgres: 5432, mysql: 3306 } as const;

/**
 * An error of one source as an operator reads it: which source, which database, what went wrong.
 * The password is never part of it, even should a driver echo it.
 */
export function sourceError(
  source: Pick<SourceConfig, 'name' | 'client' | 'connection'>,
  error: unknown,
): QuoteflowError {
  const { connection } = source;
  const where = `${source.client} ${connection.host}:${connection.port ?? DEFAULT_PORTS[source.client]}/${connection.database}`;
  let cause = errorMessage(error);
  if (cause.trim() === '' && error instanceof AggregateError)
    cause = error.errors.map(errorMessage).join('; ');
  if (connection.password !== '') cause = cause.split(connection.password).join('***');
  return new QuoteflowError('SOURCE_FAILED', `source ${source.name} (${where}): ${cause}`, {
    retriable: true,
  });
}
