import type { Pgoutput } from 'pg-logical-replication';
import { PgoutputPlugin } from 'pg-logical-replication';

/** DATE, TIMESTAMP, TIMESTAMPTZ: kept as the server's text, read in the source's zone (lib/source-db.ts). */
const DATE_TYPES = new Set<number>([1082, 1114, 1184]);

/**
 * pgoutput decoding whose date and time columns stay text, as in poll mode: pg's default parser
 * would make Dates zoned by this process. Patching the relation message works because the parser
 * decodes messages in order, and a relation always precedes the rows that use it.
 *
 * `onParsed` is told of every message as it arrives (the library parses on receipt, before it
 * queues): see HandoverCount.
 */
export class PgoutputTextDatesPlugin extends PgoutputPlugin {
  constructor(
    options: ConstructorParameters<typeof PgoutputPlugin>[0],
    private readonly onParsed: () => void = () => undefined,
  ) {
    super(options);
  }

  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer);
    this.onParsed();
    if (message.tag === 'relation') {
      for (const column of message.columns) {
        if (DATE_TYPES.has(column.typeOid)) column.parser = (raw: unknown) => raw;
      }
    }
    return message;
  }
}
