import type r from 'rethinkdb';
import { classifyRethinkdbError } from './rethinkdb-errors.js';

/**
 * A RethinkDB cursor as an async iterable, read one batch at a time. The driver marks the end
 * only by this error message; nothing else is swallowed. The cursor is closed however the loop ends.
 */
export async function* cursorRows<T>(cursor: r.Cursor): AsyncIterable<T> {
  try {
    for (;;) {
      let row: T;
      try {
        row = (await cursor.next()) as T;
      } catch (error) {
        if (
          error instanceof Error &&
          error.name === 'ReqlDriverError' &&
          error.message === 'No more rows in the cursor.'
        )
          return;
        // Past the end, a driver error while reading is the connection going away.
        throw classifyRethinkdbError(error, false);
      }
      yield row;
    }
  } finally {
    await cursor.close();
  }
}
