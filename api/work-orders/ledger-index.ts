/**
 * The ledger's in-process index: every work order of the database, kept in
 * memory (without the bookkeeping fields `appliedKeys` and `pendingStart`),
 * so that `GET /api/work-orders` and the export filter, sort and page in JS
 * instead of `countDocuments` + a sorted `find`, which are two scans of the
 * whole collection on FerretDB (docs/ferretdb.md); `GET /api/work-orders/:id`
 * takes the order from here too when its entry is current. Beside it, a
 * cache of timeline entries by id (TimelineCache) for the order view.
 *
 * Kept correct under writes without knowing the writers: the work-order
 * schema reports every write made through the model on this connection
 * (domain/model-writes.ts). A write naming its `_id`s marks those ids
 * stale; they are read again by `_id` (FerretDB's fast path) before the next
 * answer. Any other write marks the whole index stale; it is rebuilt by one
 * scan, and until then (and until the first build is done) the ledger is
 * answered from the database as before.
 *
 * An answer reflects every write that completed before it was asked for
 * (reported before the writer's own call returned). Refreshes run one at a
 * time, so a slower, older read never overwrites a newer one.
 *
 * Writes of other processes are not seen: with several API processes on one
 * MongoDB, or anything writing `work_orders` outside the model, turn it off
 * (LEDGER_INDEX=off, docs/deployment.md).
 */
import type { Connection, Model } from 'mongoose';
import { getModels } from '../../domain/models.js';
import { onModelWrite, type ModelWrite } from '../../domain/model-writes.js';
import { isObjectIdLike } from '../../domain/services/order-store.js';
import type { TimelineDoc } from '../../domain/timeline.model.js';
import type { WorkOrderDoc } from '../../domain/work-order.model.js';

/** A work order as the ledger and the order view show it: the lean document without its bookkeeping fields. */
export type IndexedOrder = Omit<WorkOrderDoc, 'appliedKeys' | 'pendingStart'> & { _id: unknown };

export interface LedgerEntry {
  /** String form of `_id`. */
  readonly id: string;
  /** `reportedAt` in ms (sort key), -Infinity when missing (sorts last, as null does in a descending MongoDB sort). */
  readonly at: number;
  readonly doc: IndexedOrder;
}

type LeanOrder = WorkOrderDoc & { _id: unknown };

function entryOf(raw: LeanOrder): LedgerEntry {
  // Dropped: grow with the order's life (appliedKeys) or are only read at start-up (pendingStart); never shown.
  const { appliedKeys: _a, pendingStart: _p, ...doc } = raw;
  const at = doc.reportedAt ? new Date(doc.reportedAt).getTime() : Number.NEGATIVE_INFINITY;
  return { id: String(doc._id), at: Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at, doc };
}

/** Ledger order: reportedAt descending, then _id descending (ObjectId hex strings compare as their bytes do). */
function byLedgerOrder(a: LedgerEntry, b: LedgerEntry): number {
  if (a.at !== b.at) return a.at > b.at ? -1 : 1;
  return a.id > b.id ? -1 : a.id < b.id ? 1 : 0;
}

export class LedgerIndex {
  private entries: Map<string, LedgerEntry> | undefined;
  private ordered: LedgerEntry[] | undefined;
  private readonly stale = new Set<string>();
  private allStale = true;
  /** Writes reported so far, and how many of them the entries reflect. */
  private reported = 0;
  private covered = 0;
  private running: Promise<void> | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    conn: Connection,
    private readonly model: Model<WorkOrderDoc> = getModels(conn).WorkOrder,
  ) {
    this.unsubscribe = onModelWrite(conn, 'WorkOrder', (write) => this.noted(write));
  }

  private noted(write: ModelWrite): void {
    this.reported++;
    if (write.all) {
      this.allStale = true;
      return;
    }
    for (const id of write.ids) {
      // Only ObjectId-like ids can be read back by id here; anything else: rebuild.
      if (isObjectIdLike(id)) this.stale.add(id.toLowerCase());
      else this.allStale = true;
    }
  }

  /** Whether an answer needs a scan first (never built, or a write the index could not attribute). */
  get needsScan(): boolean {
    return this.entries === undefined || this.allStale;
  }

  /** Starts the build (or rebuild) in the background unless one runs; resolves when done. */
  warmUp(): Promise<void> {
    return this.sync();
  }

  /**
   * Every work order in ledger order, reflecting every write reported before
   * this call; undefined when that takes a scan (the caller answers from the
   * database; the scan is started in the background). The list is the
   * index's own: read it at once, do not keep it across an await.
   */
  async current(): Promise<readonly LedgerEntry[] | undefined> {
    const need = this.reported;
    for (let round = 0; this.covered < need || this.needsScan; round++) {
      if (this.needsScan) {
        // A build that is already under way is waited for once (it is cheaper than answering from the database meanwhile).
        if (!this.running || round > 0) {
          this.sync().catch(() => undefined);
          return undefined;
        }
      }
      try {
        await this.sync();
      } catch {
        return undefined; // the database answers (and reports its trouble itself)
      }
      if (round > 3) return undefined; // writes keep coming in faster than they are read back: the database answers
    }
    if (!this.ordered) this.ordered = [...(this.entries ?? new Map<string, LedgerEntry>()).values()].sort(byLedgerOrder);
    return this.ordered;
  }

  /**
   * One order when its entry is known current — built, no write the index
   * could not attribute, no refresh under way, the order not marked stale —
   * else undefined (the caller reads it by id). Not copied: do not change it.
   */
  peek(id: string): IndexedOrder | undefined {
    if (this.entries === undefined || this.allStale || this.running !== undefined) return undefined;
    const key = id.toLowerCase();
    if (this.stale.has(key)) return undefined;
    return this.entries.get(key)?.doc;
  }

  /** Stops listening to writes (the index is dropped). */
  close(): void {
    this.unsubscribe();
  }

  /** One refresh at a time: waits for a running one, else starts one. */
  private sync(): Promise<void> {
    this.running ??= this.refresh().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async refresh(): Promise<void> {
    // Everything reported up to here is read by this refresh (writes reported later mark again).
    const upTo = this.reported;
    if (this.needsScan) {
      this.allStale = false;
      this.stale.clear();
      try {
        const docs = await this.model.find({}).lean<LeanOrder[]>();
        const entries = new Map<string, LedgerEntry>();
        for (const d of docs) {
          const e = entryOf(d);
          entries.set(e.id, e);
        }
        this.entries = entries;
        this.ordered = undefined;
      } catch (err) {
        this.allStale = true;
        throw err;
      }
    } else if (this.stale.size > 0) {
      const ids = [...this.stale];
      this.stale.clear();
      let docs: (LeanOrder | null)[];
      try {
        // By _id without projection: FerretDB's indexed path (docs/ferretdb.md).
        docs = await Promise.all(ids.map((id) => this.model.findById(id).lean<LeanOrder>()));
      } catch (err) {
        for (const id of ids) this.stale.add(id);
        throw err;
      }
      const entries = this.entries;
      if (entries) {
        ids.forEach((id, i) => this.apply(entries, id, docs[i] ?? null));
      }
    }
    this.covered = Math.max(this.covered, upTo);
  }

  private apply(entries: Map<string, LedgerEntry>, id: string, doc: LeanOrder | null): void {
    const before = entries.get(id);
    if (!doc) {
      if (before) {
        entries.delete(id);
        this.ordered = undefined;
      }
      return;
    }
    const after = entryOf(doc);
    entries.set(after.id, after);
    if (!before || before.at !== after.at || !this.ordered) {
      this.ordered = undefined;
      return;
    }
    // Same place in the order: swap the entry in place instead of sorting again.
    const i = this.positionOf(before);
    if (i >= 0) this.ordered[i] = after;
    else this.ordered = undefined;
  }

  /** Binary search of an entry in the ordered list (by its sort key). */
  private positionOf(entry: LedgerEntry): number {
    const list = this.ordered;
    if (!list) return -1;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = byLedgerOrder(list[mid], entry);
      if (c === 0) return list[mid].id === entry.id ? mid : -1;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

const indexes = new WeakMap<Connection, LedgerIndex>();
const readers = new WeakMap<Connection, Connection>();

/**
 * The ledger index and the timeline cache of `conn` read through `reader`, a second connection
 * of this process that only reads: on FerretDB every process has one connection for its writes
 * (maxPoolSize=1, docs/ferretdb.md), and the index's first scan (≈ 8 s at 10 000 orders) or a
 * burst of order views with entries not yet kept (≈ 3 ms each) queued every write and every
 * other read behind them (order views p99 ≈ 0.4 s at 200 requests/s). Reads on another
 * connection are safe there: only read-modify-write updates interleave; a read sees every write
 * acknowledged before it began. Writes are still learnt from `conn`'s model hooks. Set before
 * the first use of either.
 */
export function readThrough(conn: Connection, reader: Connection): void {
  if (indexes.has(conn) || timelineCaches.has(conn)) throw new Error('readThrough: the ledger index or timeline cache of this connection is already in use');
  readers.set(conn, reader);
}

/** The connection the caches of `conn` read through (itself unless readThrough named another). */
function readerOf(conn: Connection): Connection {
  return readers.get(conn) ?? conn;
}

/** The ledger index of a connection (one per connection: every service on it shares it). */
export function ledgerIndexOf(conn: Connection): LedgerIndex {
  let index = indexes.get(conn);
  if (!index) {
    index = new LedgerIndex(conn, getModels(readerOf(conn)).WorkOrder);
    indexes.set(conn, index);
  }
  return index;
}

/**
 * Open orders per technician record, counted in the ledger index of `conn`
 * (domain/services/technicians.ts OpenOrderCounter): the index reflects every
 * write reported before the call, as the search of the orders it replaces
 * would; undefined while the index needs a scan (the pool searches then).
 */
export function technicianLoadOf(conn: Connection): (ids: readonly string[], ended: readonly string[]) => Promise<Map<string, number> | undefined> {
  return async (ids, ended) => {
    const entries = await ledgerIndexOf(conn).current();
    if (!entries) return undefined;
    const wanted = new Set(ids);
    const done = new Set(ended);
    const count = new Map<string, number>();
    for (const { doc } of entries) {
      const id = doc.fields?.['technicianRecordId'];
      if (typeof id === 'string' && wanted.has(id) && !done.has(doc.status)) count.set(id, (count.get(id) ?? 0) + 1);
    }
    return count;
  };
}

export type CachedTimelineEntry = TimelineDoc & { _id: unknown };

/**
 * Timeline entries by id, for the order view (GET /api/work-orders/:id reads
 * each of an order's entries by id). Entries are written once and never
 * changed (domain/timeline.model.ts); they are deleted with their order. Any
 * write of the timeline through the model on this connection drops what it
 * names (or everything, when it names no ids), so a cached entry is never
 * older than the database's. Entries not found are not cached (an id is
 * registered on the order before its entry is written). At most `max`
 * entries, least recently used dropped first.
 */
export class TimelineCache {
  private readonly entries = new Map<string, CachedTimelineEntry>();
  /** Reads under way, and whether a write named their id (or everything) meanwhile: then their result is not kept. */
  private readonly reading = new Map<string, { overtaken: boolean }>();
  private readonly unsubscribe: () => void;

  constructor(
    conn: Connection,
    private readonly model: Model<TimelineDoc> = getModels(conn).Timeline,
    private readonly max = 20_000,
  ) {
    this.unsubscribe = onModelWrite(conn, 'Timeline', (write) => {
      if (write.all) {
        this.entries.clear();
        for (const r of this.reading.values()) r.overtaken = true;
        return;
      }
      for (const id of write.ids) {
        const key = id.toLowerCase();
        this.entries.delete(key);
        const r = this.reading.get(key);
        if (r) r.overtaken = true;
      }
    });
  }

  /** The entry with that id (null when there is none), from the cache or by `_id` (FerretDB's indexed path). */
  async get(id: string): Promise<CachedTimelineEntry | null> {
    const key = id.toLowerCase();
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    // Two reads of one id at once: the second's mark is the one checked (the first's result is then not kept).
    const mark = { overtaken: false };
    this.reading.set(key, mark);
    try {
      const found = await this.model.findById(id).lean<CachedTimelineEntry>();
      if (found && !mark.overtaken && this.reading.get(key) === mark) {
        this.entries.set(key, found);
        if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
      }
      return found;
    } finally {
      if (this.reading.get(key) === mark) this.reading.delete(key);
    }
  }

  close(): void {
    this.unsubscribe();
  }
}

const timelineCaches = new WeakMap<Connection, TimelineCache>();

/** The timeline cache of a connection (one per connection). */
export function timelineCacheOf(conn: Connection): TimelineCache {
  let cache = timelineCaches.get(conn);
  if (!cache) {
    cache = new TimelineCache(conn, getModels(readerOf(conn)).Timeline);
    timelineCaches.set(conn, cache);
  }
  return cache;
}
