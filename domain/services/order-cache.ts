/**
 * Work orders as this process last wrote or read them, for the reads that
 * come before a guarded write (order-store.ts) and the resident lookup of a
 * notice: on FerretDB each read by `_id` costs 1–3 ms on the one writing
 * connection, and a job read the order it had just written.
 *
 * Used only where this process is the one writer of its orders (FerretDB,
 * `guardsInFilter` false: one writing process per database, order-lock.ts).
 * Kept correct without knowing the writers: every write of the WorkOrder
 * model on this connection is reported synchronously (domain/model-writes.ts)
 * and drops the order's entry. A guarded write under the order's lock then
 * puts back the document it produced — 'before' (what the write went onto,
 * from the database) with the update applied — but only when its own write is
 * the one write reported for that order while it was under way; a read puts
 * back what it read only when no write was reported meanwhile. So an entry is
 * never older than the last write of this process, and a writer that takes no
 * lock (the API's cancel, the process-start record) leaves no stale entry.
 *
 * Entries are shared: callers read them and must not change them. Updates
 * with operators other than `$set`, `$inc`, `$push` (one value) and `$unset`
 * are not applied: the entry is dropped. `updatedAt` is not kept current (no
 * reader of the cache uses it).
 */
import type { Connection } from 'mongoose';
import { onModelWrite, type ModelWrite } from '../model-writes.js';
import type { WorkOrderDoc } from '../work-order.model.js';
import { perConnection } from '../per-connection.js';

export type CachedOrder = WorkOrderDoc & { _id: unknown };

/** Writes reported for an order while a read or write of it was under way. */
interface Watch {
  writes: number;
}

export class OrderDocCache {
  private readonly docs = new Map<string, CachedOrder>();
  private readonly watching = new Map<string, Set<Watch>>();
  private readonly unsubscribe: () => void;

  constructor(
    conn: Connection,
    private readonly max = 2_000,
  ) {
    this.unsubscribe = onModelWrite(conn, 'WorkOrder', (write) => this.noted(write));
  }

  private noted(write: ModelWrite): void {
    if (write.all) {
      this.docs.clear();
      for (const set of this.watching.values()) for (const w of set) w.writes += 2;
      return;
    }
    for (const raw of write.ids) {
      const id = raw.toLowerCase();
      this.docs.delete(id);
      for (const w of this.watching.get(id) ?? []) w.writes++;
    }
  }

  private watch(id: string): Watch {
    const w = { writes: 0 };
    let set = this.watching.get(id);
    if (!set) {
      set = new Set();
      this.watching.set(id, set);
    }
    set.add(w);
    return w;
  }

  private unwatch(id: string, w: Watch): void {
    const set = this.watching.get(id);
    set?.delete(w);
    if (set && set.size === 0) this.watching.delete(id);
  }

  private put(id: string, doc: CachedOrder): void {
    this.docs.delete(id);
    this.docs.set(id, doc);
    if (this.docs.size > this.max) this.docs.delete(this.docs.keys().next().value as string);
  }

  /** Entries kept (tests). */
  get size(): number {
    return this.docs.size;
  }

  /** The order from the cache, else from `load` (kept unless a write of it was reported meanwhile). */
  async read(id: string, load: () => Promise<CachedOrder | null>): Promise<CachedOrder | null> {
    const key = id.toLowerCase();
    const hit = this.docs.get(key);
    if (hit) {
      this.put(key, hit);
      return hit;
    }
    const w = this.watch(key);
    try {
      const doc = await load();
      if (doc && w.writes === 0) this.put(key, doc);
      return doc;
    } finally {
      this.unwatch(key, w);
    }
  }

  /**
   * Runs one write of the order (`write` resolves to the document as it was
   * before, or null) and keeps the document it produced when that write was
   * the only one reported for the order meanwhile.
   */
  async write(id: string, update: Record<string, unknown>, write: () => Promise<CachedOrder | null>): Promise<CachedOrder | null> {
    const key = id.toLowerCase();
    const w = this.watch(key);
    try {
      const before = await write();
      if (before && w.writes === 1) {
        const after = applyUpdate(before, update);
        if (after) this.put(key, after);
      }
      return before;
    } finally {
      this.unwatch(key, w);
    }
  }

  close(): void {
    this.unsubscribe();
    this.docs.clear();
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** Sets `path` (dotted) in a copy of `doc`, copying the objects on the way; undefined when a step is not a plain object. */
function setPath(doc: Record<string, unknown>, path: string, value: unknown, unset = false): boolean {
  const parts = path.split('.');
  let node = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = node[part];
    if (next === undefined || next === null) {
      if (unset) return true;
      node[part] = {};
    } else if (isPlainObject(next)) {
      node[part] = { ...next };
    } else {
      return false;
    }
    node = node[part] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1] as string;
  if (unset) delete node[last];
  else node[last] = value;
  return true;
}

/**
 * The document `before` becomes under `update` ($set, $inc, $push of one
 * value, $unset), or undefined for anything else. `before` is not changed.
 */
export function applyUpdate(before: CachedOrder, update: Record<string, unknown>): CachedOrder | undefined {
  const doc: Record<string, unknown> = { ...before };
  for (const [op, spec] of Object.entries(update)) {
    if (!isPlainObject(spec)) return undefined;
    for (const [path, value] of Object.entries(spec)) {
      switch (op) {
        case '$set':
          if (!setPath(doc, path, value)) return undefined;
          break;
        case '$unset':
          if (!setPath(doc, path, undefined, true)) return undefined;
          break;
        case '$inc': {
          if (path.includes('.') || typeof value !== 'number') return undefined;
          const current = doc[path];
          if (current !== undefined && current !== null && typeof current !== 'number') return undefined;
          doc[path] = (typeof current === 'number' ? current : 0) + value;
          break;
        }
        case '$push': {
          if (path.includes('.') || (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$')))) return undefined;
          const current = doc[path];
          if (current !== undefined && current !== null && !Array.isArray(current)) return undefined;
          doc[path] = [...((current as unknown[] | undefined) ?? []), value];
          break;
        }
        default:
          return undefined;
      }
    }
  }
  // The same document with the update applied: its type is the one it had.
  return doc as unknown as CachedOrder;
}

/** The order cache of a connection (one per connection, shared by every store on it). */
export const orderCacheOf = perConnection((conn) => new OrderDocCache(conn));
