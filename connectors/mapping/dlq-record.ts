/**
 * What qf.dlq receives for a source row that cannot become a canonical record: enough to find the
 * row (source, table, key) and the reason naming the field. Never the row's values: they carry
 * personal data.
 */
export interface DlqRecord {
  kind: 'dlq';
  component: 'connectors';
  source: string;
  table: string;
  /** The row's primary key, or null when even that is missing. */
  key: string | null;
  reason: string;
}

export function dlqRecord(source: string, table: string, key: string | null, reason: string): DlqRecord {
  return { kind: 'dlq', component: 'connectors', source, table, key, reason };
}
