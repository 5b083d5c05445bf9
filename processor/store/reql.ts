import type r from 'rethinkdb';

/**
 * The slice of ReQL the processor uses, typed loosely enough to express it: @types/rethinkdb
 * lacks getAll on numbers, field access on sequences and update functions. Only terms that both
 * reqlite and RethinkDB 2.4 support appear here.
 */
export interface Row {
  (field: string): Row;
  default(value: unknown): Row;
  lt(value: unknown): Row;
  eq(value: unknown): Row;
  ne(value: unknown): Row;
  and(value: unknown): Row;
  add(value: unknown): Row;
}

export interface Sequence extends r.Operation<unknown> {
  (field: string): Sequence;
  filter(predicate: unknown): Sequence;
  pluck(...fields: string[]): Sequence;
  delete(): r.Operation<unknown>;
  count(): r.Operation<number>;
  coerceTo(type: 'array'): r.Operation<unknown[]>;
}

export interface Table extends Sequence {
  getAll(...keys: unknown[]): Sequence;
  get(id: string): {
    update(change: (row: Row) => unknown): r.Operation<unknown>;
    /** The function sees null for a missing document; returning null deletes the document. */
    replace(change: (row: Row) => unknown): r.Operation<unknown>;
  };
  insert(docs: unknown, options?: { conflict: 'replace' | 'update' | 'error' }): r.Operation<unknown>;
  delete(): r.Operation<unknown>;
}
