/**
 * Which documents were written, as this process sees it: mongoose middleware
 * on a schema (installed where the schema is defined: work-order.model.ts,
 * timeline.model.ts) reports every write made through its model — save,
 * insertMany, bulkWrite, and every update / replace / delete query — to the
 * listeners of that model on its connection.
 *
 * A write whose filter names its `_id` (one value, `$eq`, or `$in`) reports
 * those ids; any other write reports "all" (its documents are not known
 * without reading them). Failed writes are reported too (a multi-document
 * write may have applied in part, a single one may have applied before its
 * answer was lost).
 *
 * Not seen: writes of other processes, and writes that bypass the model
 * (`Model.collection.*`, `connection.db.collection('work_orders')`). The
 * in-process ledger index and timeline cache (api/work-orders/ledger-index.ts)
 * rely on this; docs/deployment.md says when to turn them off (LEDGER_INDEX=off).
 */
import type { Connection, Schema } from 'mongoose';

/** The ids a write touched, or `all` when it cannot be told from its filter. */
export type ModelWrite = { all: true } | { all?: false; ids: string[] };
export type ModelWriteListener = (write: ModelWrite) => void;

/** Models whose schema reports its writes. */
export type ReportingModel = 'WorkOrder' | 'Timeline' | 'Community';

const listeners = new WeakMap<Connection, Map<ReportingModel, Set<ModelWriteListener>>>();

/** Calls `listener` synchronously after every write of `model` made on `conn`; returns the unsubscribe. */
export function onModelWrite(conn: Connection, model: ReportingModel, listener: ModelWriteListener): () => void {
  let byModel = listeners.get(conn);
  if (!byModel) {
    byModel = new Map();
    listeners.set(conn, byModel);
  }
  let set = byModel.get(model);
  if (!set) {
    set = new Set();
    byModel.set(model, set);
  }
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

function report(conn: Connection | undefined, model: ReportingModel, write: ModelWrite): void {
  if (!conn) return;
  const set = listeners.get(conn)?.get(model);
  if (!set) return;
  for (const listener of set) listener(write);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** A single `_id` value (ObjectId, string, number), not a query operator object. */
function idValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (isPlainObject(v)) return undefined;
  // ObjectId (bson): its toHexString is what String() gives.
  if (typeof v === 'object' && typeof (v as { toHexString?: unknown }).toHexString === 'function') return String(v);
  return undefined;
}

/** The ids a filter restricts the write to (`{_id: v}`, `{_id: {$eq: v}}`, `{_id: {$in: [...]}}`, other keys beside), else undefined. */
export function idsNamedBy(filter: unknown): string[] | undefined {
  if (!isPlainObject(filter) || !('_id' in filter)) return undefined;
  const v = filter._id;
  const single = idValue(v);
  if (single !== undefined) return [single];
  if (!isPlainObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  if (keys[0] === '$eq') {
    const one = idValue(v.$eq);
    return one === undefined ? undefined : [one];
  }
  if (keys[0] === '$in' && Array.isArray(v.$in)) {
    const ids = v.$in.map(idValue);
    return ids.every((x): x is string => x !== undefined) ? ids : undefined;
  }
  return undefined;
}

const writeOf = (ids: string[] | undefined): ModelWrite => (ids ? { ids } : { all: true });

interface QueryLike {
  getFilter(): unknown;
  model?: { db?: Connection };
}
interface DocLike {
  _id?: unknown;
  constructor: { db?: Connection };
}
interface ModelLike {
  db?: Connection;
}

const QUERY_WRITES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'] as const;

/**
 * Installs the reporting middleware on the schema of `model`. Must run before
 * a model is compiled from it (done where the schema is defined).
 */
export function reportWritesOf(schema: Schema, model: ReportingModel): void {
  const fromQuery = function (this: QueryLike): void {
    report(this.model?.db, model, writeOf(idsNamedBy(this.getFilter())));
  };
  const fromDoc = function (this: DocLike): void {
    const id = idValue(this._id);
    report(this.constructor.db, model, writeOf(id === undefined ? undefined : [id]));
  };
  const fromModel = function (this: ModelLike, docs?: unknown): void {
    const list = Array.isArray(docs) ? docs : [];
    const ids = list.map((d) => idValue((d as { _id?: unknown } | null)?._id));
    const known = list.length > 0 && ids.every((x): x is string => x !== undefined);
    report(this.db, model, known ? { ids } : { all: true });
  };
  const everything = function (this: ModelLike): void {
    report(this.db, model, { all: true });
  };

  // mongoose's overloads are keyed to its own `this` types; the hooks only read the
  // parts declared above, so they are registered through this one narrow signature.
  type Register = (name: string | readonly string[], options: Record<string, boolean>, fn: (...args: never[]) => void) => void;
  const post = schema.post.bind(schema) as unknown as Register;

  // Queries (Model.updateOne, findByIdAndUpdate, deleteMany, …; also what doc.updateOne / doc.deleteOne run).
  post(QUERY_WRITES, { document: false, query: true }, fromQuery);
  post(QUERY_WRITES, { document: false, query: true, errorHandler: true }, fromQuery);
  // Documents: save (Model.create, doc.save, bulkSave), and the document forms of updateOne / deleteOne.
  post(['save', 'updateOne', 'deleteOne'], { document: true, query: false }, fromDoc);
  post(['save', 'updateOne', 'deleteOne'], { document: true, query: false, errorHandler: true }, fromDoc);
  // Model: insertMany hands its documents to the hook; bulkWrite may touch anything.
  post('insertMany', {}, fromModel);
  post('insertMany', { errorHandler: true }, everything);
  post('bulkWrite', {}, everything);
  post('bulkWrite', { errorHandler: true }, everything);
}
