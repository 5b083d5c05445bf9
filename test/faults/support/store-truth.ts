import r from 'rethinkdb';
import { mapRow } from '../../../connectors/mapping/row-mapper.js';
import { mappedTables } from '../../../connectors/mapping/table-mapping.js';
import type { SourceConfig } from '../../../lib/config/schema.js';
import { createSourceDb } from '../../../lib/source-db.js';
import { args } from '../../../processor/store/reql.js';

/** What the store should hold for one source row, read through the connectors' own mapping. */
interface Expected {
  id: string;
  kind: 'quote' | 'booking';
  deleted: boolean;
  amount: number | null;
  status: string | null;
}

interface StoredRecord {
  id: string;
  price?: { amount: number } | null;
  status?: string;
}

export interface Comparison {
  /** Source rows compared. */
  rows: number;
  /** Rows whose last state is not what the store holds: `id: why`. */
  differences: string[];
}

/**
 * Compares every row of the lab's source tables with the store: an upserted row must be stored
 * with its price (and a booking with its status), a deleted one must not be. This is "nothing
 * lost" for change data capture: the source databases are the truth.
 */
export async function compareSourcesWithStore(
  sources: readonly SourceConfig[],
  rethinkdbPort: number,
): Promise<Comparison> {
  const expected: Expected[] = [];
  for (const source of sources) {
    const db = createSourceDb(source);
    try {
      for (const table of mappedTables(source)) {
        const rows = (await db(table.mapping.table).select('*')) as Record<string, unknown>[];
        for (const row of rows) expected.push(expectation(source, table, row));
      }
    } finally {
      await db.destroy();
    }
  }
  const connection = await r.connect({ host: '127.0.0.1', port: rethinkdbPort });
  try {
    // A source may use the same key in its quotes and its bookings table: keyed by kind too.
    const stored = new Map<string, StoredRecord>();
    for (const [kind, table] of [
      ['quote', 'quotes'],
      ['booking', 'bookings'],
    ] as const) {
      const cursor = await r.db('quoteflow').table(table).pluck('id', 'price', 'status').run(connection);
      for (const doc of (await cursor.toArray()) as StoredRecord[]) stored.set(`${kind} ${doc.id}`, doc);
    }
    const differences: string[] = [];
    for (const want of expected) {
      const have = stored.get(`${want.kind} ${want.id}`);
      if (want.deleted) {
        if (have) differences.push(`${want.id}: deleted at the source, still stored`);
      } else if (!have) {
        differences.push(`${want.id}: not stored`);
      } else if ((have.price?.amount ?? null) !== want.amount) {
        differences.push(
          `${want.id}: price ${String(have.price?.amount)} stored, ${String(want.amount)} at the source`,
        );
      } else if (want.kind === 'booking' && have.status !== want.status) {
        differences.push(
          `${want.id}: status ${String(have.status)} stored, ${String(want.status)} at the source`,
        );
      }
    }
    return { rows: expected.length, differences };
  } finally {
    await connection.close();
  }
}

function expectation(
  source: SourceConfig,
  table: ReturnType<typeof mappedTables>[number],
  row: Record<string, unknown>,
): Expected {
  const outcome = mapRow({ source: source.name, timezone: source.timezone, table, row });
  if (outcome.type === 'dlq') throw new Error(`a source row the mapping refuses: ${outcome.dlq.reason}`);
  const { record } = outcome;
  if (record.op === 'delete') {
    return { id: record.id, kind: table.kind, deleted: true, amount: null, status: null };
  }
  return {
    id: record.id,
    kind: table.kind,
    deleted: false,
    amount: record.price?.amount ?? null,
    status: record.kind === 'booking' ? record.status : null,
  };
}

/** Acknowledged event ids the store does not hold. */
export async function missingEvents(ids: readonly string[], rethinkdbPort: number): Promise<string[]> {
  const connection = await r.connect({ host: '127.0.0.1', port: rethinkdbPort });
  try {
    const present = new Set<string>();
    for (let start = 0; start < ids.length; start += 5_000) {
      const chunk = ids.slice(start, start + 5_000);
      const cursor = await r
        .db('quoteflow')
        .table('events')
        .getAll(args(chunk) as string)
        .getField('id')
        .run(connection);
      for (const id of (await cursor.toArray()) as string[]) present.add(id);
    }
    return ids.filter((id) => !present.has(id));
  } finally {
    await connection.close();
  }
}
