import type { SourceConfig } from '../../lib/config/schema.js';

type Tables = SourceConfig['tables'];
export type QuotesMapping = NonNullable<Tables['quotes']>;
export type BookingsMapping = NonNullable<Tables['bookings']>;
export type RecordKind = 'quote' | 'booking';

/** One mapped table of one source, as the readers see it. */
export type MappedTable =
  { kind: 'quote'; mapping: QuotesMapping } | { kind: 'booking'; mapping: BookingsMapping };

export function mappedTables(source: Pick<SourceConfig, 'tables'>): MappedTable[] {
  const out: MappedTable[] = [];
  if (source.tables.quotes) out.push({ kind: 'quote', mapping: source.tables.quotes });
  if (source.tables.bookings) out.push({ kind: 'booking', mapping: source.tables.bookings });
  return out;
}
