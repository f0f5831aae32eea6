/**
 * What guarded writes of a work order share (order-store.ts, procedures.ts):
 * an in-process lock per order id, and whether a guard goes into the
 * update's filter.
 *
 * Why: on FerretDB 1.24 only a filter of exactly `{_id}` reaches SQLite's
 * index; `{_id, version}`, `{_id, appliedKeys: {$ne: k}}` or
 * `{_id, signedAt: null}` are evaluated in Go over the whole collection
 * (docs/ferretdb.md, "Access paths"), so every guarded write cost a scan.
 * There the guard is checked in the process instead: under the order's lock,
 * read by `_id`, check in JS, write with `findOneAndUpdate({_id})` and look at
 * the document it returns ('before'). That is safe because on FerretDB
 * there is one writing process per database and one connection per process
 * (`maxPoolSize=1`, each operation applied whole), and every guarded writer
 * of an order in this process takes the same lock (one lock table per
 * connection, whichever store object writes).
 *
 * On MongoDB several processes may write (with the Zeebe engine), where an
 * in-process lock proves nothing; MongoDB applies a guard in the filter
 * atomically and cheaply (the `_id` index, then the guard on one document),
 * so there the guard stays in the filter. Undoing a write whose guard turned
 * out false afterwards would be the alternative, and it cannot be done for
 * every update (a `$push` next to a `$set` of several fields), so the store
 * asks the server once which kind it is.
 */
import type { Connection } from 'mongoose';

/** Runs functions one after another per key (a Map of promise chains); different keys run concurrently. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      // The last in the chain removes the key, so that the map holds only orders being written.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a holder or waiters (tests). */
  get size(): number {
    return this.tails.size;
  }
}

const locks = new WeakMap<Connection, KeyedLock>();

/** The lock table of work orders written through this connection: one per connection, shared by every store object. */
export function orderLockOf(conn: Connection): KeyedLock {
  let lock = locks.get(conn);
  if (!lock) {
    lock = new KeyedLock();
    locks.set(conn, lock);
  }
  return lock;
}

const serverKind = new WeakMap<Connection, Promise<boolean>>();

/**
 * True when guards must stay in the update's filter (MongoDB, or a server we
 * could not ask: the filter is always correct, only slower on FerretDB);
 * false on FerretDB (its `buildInfo` carries `ferretdbVersion`), where the
 * guard is checked under the order's lock. Asked once per connection.
 */
export function guardsInFilter(conn: Connection): Promise<boolean> {
  let kind = serverKind.get(conn);
  if (!kind) {
    const db = conn.db;
    if (!db) return Promise.resolve(true);
    kind = db
      .admin()
      .command({ buildInfo: 1 })
      .then(
        (info) => !('ferretdbVersion' in info),
        () => true,
      );
    serverKind.set(conn, kind);
  }
  return kind;
}

/** Tests: decide the server kind of a connection instead of asking it (both paths run on one server). */
export function setGuardsInFilter(conn: Connection, inFilter: boolean): void {
  serverKind.set(conn, Promise.resolve(inFilter));
}
