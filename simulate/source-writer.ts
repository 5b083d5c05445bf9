import type { Knex } from 'knex';
import type { SourceConfig } from '../lib/config/schema.js';
import type { SimAction } from './actions.js';
import type { BookingMapping, QuoteMapping } from './row-mapping.js';
import { bookingRow, changeColumns, columnKinds, quoteRow, statusValue, wallTime } from './row-mapping.js';

/**
 * Applies the simulation's row actions to one source database through knex, with the column names
 * of the source's mapping. The rows it writes are exactly what `quoteflow connectors` reads.
 */
export class SourceWriter {
  constructor(
    private readonly source: SourceConfig,
    private readonly db: Knex,
  ) {}

  get name(): string {
    return this.source.name;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Creates the mapped tables when they are missing (never alters an existing one). */
  async createTables(): Promise<string[]> {
    const created: string[] = [];
    for (const mapping of [this.source.tables.quotes, this.source.tables.bookings]) {
      if (!mapping || (await this.db.schema.hasTable(mapping.table))) continue;
      const kinds = columnKinds(mapping);
      const updatedAt = mapping.columns.updatedAt;
      await this.db.schema.createTable(mapping.table, (table) => {
        for (const [column, kind] of kinds) {
          if (kind === 'key') table.bigInteger(column).primary();
          else if (kind === 'timestamp') table.timestamp(column, { precision: 3, useTz: false }).nullable();
          else if (kind === 'money') table.decimal(column, 10, 2).nullable();
          else if (kind === 'version') table.bigInteger(column).nullable();
          else table.string(column, 200).nullable();
        }
        // Poll mode reads `where (updatedAt, key) > mark order by updatedAt, key` (connectors/README.md).
        if (updatedAt !== undefined) table.index([updatedAt, mapping.key]);
      });
      created.push(mapping.table);
    }
    return created;
  }

  /** Writes one action; false when this source does not map the table it concerns. */
  async apply(action: SimAction): Promise<boolean> {
    const zone = this.source.timezone;
    const quotes = this.source.tables.quotes;
    const bookings = this.source.tables.bookings;
    switch (action.type) {
      case 'quote.insert':
        if (!quotes) return false;
        await this.db(quotes.table).insert(quoteRow(quotes, action.quote, zone));
        return true;
      case 'quote.reprice':
        if (!quotes?.columns.priceAmount) return false;
        await this.update(quotes, action.key, action.at, { [quotes.columns.priceAmount]: action.price });
        return true;
      case 'quote.delete':
        if (!quotes?.columns.deleted) return false;
        await this.update(quotes, action.key, action.at, {
          [quotes.columns.deleted]: wallTime(action.at, zone),
        });
        return true;
      case 'booking.insert':
        if (!bookings) return false;
        await this.db(bookings.table).insert(bookingRow(bookings, action.booking, zone));
        return true;
      case 'booking.cancel':
        if (!bookings) return false;
        await this.update(bookings, action.key, action.at, {
          [bookings.columns.status]: statusValue(bookings, 'cancelled'),
        });
        return true;
      case 'event':
        return false;
    }
  }

  private async update(
    mapping: QuoteMapping | BookingMapping,
    key: number,
    at: Date,
    changes: Record<string, string | number>,
  ): Promise<void> {
    await this.db(mapping.table)
      .where(mapping.key, key)
      .update({ ...changes, ...changeColumns(mapping.columns, at, this.source.timezone) });
  }
}
