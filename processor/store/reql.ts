import r from 'rethinkdb';

/**
 * The slice of ReQL the processor uses, typed loosely enough to express it: @types/rethinkdb
 * lacks getAll on numbers and `r.args`, field access on sequences, update functions and typed
 * conflict functions. Everything here is RethinkDB 2.4 ReQL.
 */
export interface Row {
  /** A field, by name or by a computed name. */
  (field: string | Row): Row;
  default(value: unknown): Row;
  lt(value: unknown): Row;
  eq(value: unknown): Row;
  ne(value: unknown): Row;
  and(value: unknown): Row;
  add(value: unknown): Row;
  merge(value: unknown): Row;
  keys(): Row;
  map(mapping: (item: Row) => unknown): Row;
  coerceTo(type: 'object' | 'array'): Row;
}

/** `soft`: acknowledged once in memory; `table.sync()` makes it durable (see ProcessorStore). */
export type Durability = 'soft' | 'hard';

export interface WriteOptions {
  durability?: Durability;
}

export interface InsertOptions extends WriteOptions {
  /** On an existing id: what to store instead; it sees the stored and the incoming document. */
  conflict: 'replace' | 'update' | 'error' | ((id: Row, stored: Row, incoming: Row) => unknown);
}

export interface Sequence extends r.Operation<unknown> {
  (field: string): Sequence;
  filter(predicate: unknown): Sequence;
  pluck(...fields: string[]): Sequence;
  delete(options?: WriteOptions): r.Operation<unknown>;
  limit(n: number): Sequence;
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
  insert(docs: unknown, options?: InsertOptions): r.Operation<unknown>;
  /** Waits until the table's soft writes so far are on disk. */
  sync(): r.Operation<unknown>;
}

const untyped = r as unknown as {
  args(values: readonly unknown[]): unknown;
  branch(test: unknown, then: unknown, otherwise: unknown): Row;
};

/** Splices an array into a term's arguments: `table.getAll(args(ids))`, one query for many keys. */
export const args = (values: readonly unknown[]): unknown => untyped.args(values);

/** `r.branch`: `then` where `test` holds, else `otherwise`, evaluated by the server. */
export const branch = (test: unknown, then: unknown, otherwise: unknown): Row =>
  untyped.branch(test, then, otherwise);
