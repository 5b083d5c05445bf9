import type { Row } from './reql.js';
import { branch } from './reql.js';

/**
 * The conflict function that turns an insert of rollup deltas into guarded increments, so a whole
 * batch of rollups is one query with no read before it:
 * - a rollup document that does not exist yet is inserted as the delta itself (counts = delta,
 *   `applied[guard]` = offset);
 * - an existing one whose `applied[guard]` is below the batch's offset gets each counter of the
 *   delta added and `applied[guard]` set to the offset (`merge` is recursive, so the other
 *   topic-partitions' marks stay);
 * - one that already took this offset (a journal applied again after a crash) stays as it is.
 * The function is deterministic (no `r.js`, no time), as RethinkDB requires of conflict functions.
 */
export function rollupIncrement(guard: string, offset: number) {
  return (_id: Row, stored: Row, delta: Row): unknown =>
    branch(
      stored('applied')(guard).default(-1).lt(offset),
      stored.merge({
        counts: stored('counts').merge(
          delta('counts')
            .keys()
            .map((metric) => [metric, stored('counts')(metric).default(0).add(delta('counts')(metric))])
            .coerceTo('object'),
        ),
        applied: { [guard]: offset },
      }),
      stored,
    );
}
