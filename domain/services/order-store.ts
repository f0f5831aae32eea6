/**
 * MongoDB implementation of the OrderStore port (domain/ports.ts), plus the
 * task-keyed deadline operations the user-task listener needs.
 *
 * FerretDB 1.x has no positional (`$`) array updates and no transactions, so
 * array edits (deadlines) are read-modify-write guarded by the order's
 * `version` and retried; patches are applied once per idempotency key
 * (`appliedKeys` must not yet hold the key), the signature once (`signedAt`
 * still null).
 *
 * Every guarded write goes through writeOrderIf / the deadline loop below:
 * under the order's in-process lock, read by `_id`, check the guard in JS,
 * then one `findOneAndUpdate` by `_id` whose 'before' document is checked
 * again. The guard is also in the filter where the server applies it
 * cheaply and several processes may write (MongoDB); on FerretDB a second
 * field next to `_id` would scan the collection (order-lock.ts says why the
 * lock suffices there).
 */
import { Types, type Connection, type UpdateQuery } from 'mongoose';
import { getModels, type Models } from '../models.js';
import type {
  DeadlineInput,
  Notifier,
  OrderPatch,
  OrderStatus,
  OrderStore,
  TimelineInput,
  WorkOrderSummary,
} from '../ports.js';
import type { Deadline, WorkOrderDoc } from '../work-order.model.js';
import { systemNow, type Now } from './clock.js';
import { orderCacheOf } from './order-cache.js';
import { guardsInFilter, orderLockOf, type KeyedLock } from './order-lock.js';

/**
 * Duplicate-key error of a unique index: 11000 on MongoDB (and on FerretDB for
 * inserts); FerretDB 1.24 reports an update that creates a duplicate as code 1
 * "UNIQUE constraint failed" (docs/ferretdb.md).
 */
export function isDuplicateKey(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  return code === 11000 || (code === 1 && typeof message === 'string' && message.includes('UNIQUE constraint failed'));
}

export function isObjectIdLike(id: string): boolean {
  return /^[0-9a-f]{24}$/i.test(id);
}

/** Keys of OrderPatch.fields that live at the top of the order document. */
const TOP_LEVEL_FIELDS = new Set(['priority', 'responsibility', 'fees', 'rating', 'repairClass', 'desiredTime']);

const SAFE_FIELD_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export class OrderNotFoundError extends Error {
  constructor(readonly orderId: string) {
    super(`work order ${orderId} not found`);
    this.name = 'OrderNotFoundError';
  }
}

type OrderRecord = WorkOrderDoc & { _id: unknown };

/** A condition a write of one order needs, in both forms. */
export interface OrderGuard {
  /** Checked on the document read under the lock, and again on the one the write returns ('before'). */
  holds(doc: OrderRecord): boolean;
  /** The same condition as a filter next to `_id`, used where the server applies it (guardsInFilter). */
  filter: Record<string, unknown>;
}

export type OrderWriteResult =
  | { outcome: 'written'; before: OrderRecord }
  | { outcome: 'guard-failed'; doc: OrderRecord }
  | { outcome: 'missing' };

/**
 * The order by `_id`; where this process is the one writer of its orders
 * (FerretDB: guards not in the filter) from the order cache when it holds it
 * (order-cache.ts).
 */
export async function readOrder(conn: Connection, id: string): Promise<OrderRecord | null> {
  const load = () => getModels(conn).WorkOrder.findById(id).lean<OrderRecord>();
  return (await guardsInFilter(conn)) ? load() : orderCacheOf(conn).read(id, load);
}

/** One `findOneAndUpdate` returning the order as it was before; where the cache is used, the order it produced is kept (order-cache.ts). */
async function updateOrder(conn: Connection, id: string, filter: Record<string, unknown>, update: UpdateQuery<WorkOrderDoc>): Promise<OrderRecord | null> {
  const run = () => getModels(conn).WorkOrder.findOneAndUpdate(filter, update, { returnDocument: 'before' }).lean<OrderRecord>();
  return (await guardsInFilter(conn)) ? run() : orderCacheOf(conn).write(id, update as Record<string, unknown>, run);
}

/** Attempts of one guarded write before it gives up (MongoDB: other processes kept changing the order). */
const MAX_ATTEMPTS = 20;

/**
 * Applies `update` to the order once, only while `guard` holds, and returns
 * the order as it was just before (or why nothing was written). The update
 * must not depend on the document read: the guard is all that is checked.
 *
 * Under the order's lock: read by `_id`, check the guard, write by `_id`
 * (plus the guard's filter on MongoDB). The 'before' document is the base the
 * update really went onto: its `version` may differ from the one read when a
 * writer that takes no lock (the API's cancel, the process-start record)
 * came in between — harmless for an operator update whose guard still held
 * on it, which is checked. A guard false on 'before' cannot happen (every
 * writer of these fields takes the lock, or the filter held it) and is
 * reported as an error rather than passed over. No document back: the order
 * was removed, or (MongoDB) another process made the guard false since the
 * read — read again, as the filtered write alone did before.
 */
export async function writeOrderIf(conn: Connection, id: string, guard: OrderGuard, update: UpdateQuery<WorkOrderDoc>): Promise<OrderWriteResult> {
  return orderLockOf(conn).run(id, async () => {
    const inFilter = await guardsInFilter(conn);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const doc = await readOrder(conn, id);
      if (!doc) return { outcome: 'missing' };
      if (!guard.holds(doc)) return { outcome: 'guard-failed', doc };
      const filter = inFilter ? { ...guard.filter, _id: id } : { _id: id };
      const before = await updateOrder(conn, id, filter, update);
      if (!before) continue;
      if (!guard.holds(before)) throw new Error(`work order ${id}: an update went onto a version (${before.version}) its guard did not hold for`);
      return { outcome: 'written', before };
    }
    throw new Error(`work order ${id}: too many concurrent updates`);
  });
}

/** An update with no condition, by `_id`, in line with the guarded writes of the order (its lock). */
async function writeOrder(conn: Connection, id: string, update: UpdateQuery<WorkOrderDoc>): Promise<OrderWriteResult> {
  return orderLockOf(conn).run(id, async () => {
    const before = await updateOrder(conn, id, { _id: id }, update);
    return before ? { outcome: 'written', before } : { outcome: 'missing' };
  });
}

/** What a deadline edit may carry into its write beside the list (one write per user-task event). */
interface DeadlineWriteExtras {
  /** Registered on the order (`timelineIds`) in the same write; the entry is written after it. */
  timelineId?: Types.ObjectId;
  /** Stamped once: only when the order has no `signedAt` yet (markSigned). */
  signedAt?: Date;
}

export interface TaskDeadlineInput {
  taskKey: string;
  name: string;
  dueAt: Date;
}

/** How a status reads to the resident (R-NOTE-1), zh-CN first. */
export const STATUS_TEXT: Readonly<Record<OrderStatus, string>> = {
  reported: '已受理 reported',
  dispatched: '已派单 dispatched',
  signed: '维修单位已签收 signed for by the unit',
  scheduled: '已约定上门时间 visit scheduled',
  'on-site': '维修人员已到场 technician on site',
  extended: '已延期 extended',
  deferred: '已缓办 deferred',
  resolved: '已处理完毕 resolved',
  closed: '已结单 closed',
  withdrawn: '已退单 withdrawn',
  escalated: '已升级督办 escalated',
  rejected: '未受理 / 不维修 rejected',
};

export interface OrderStoreOptions {
  /**
   * R-NOTE-1: where the resident is told of every status change (the
   * notification outbox). Without one, status changes notify nobody (the
   * notifier's own store, tests of other parts).
   */
  statusNotifier?: Notifier;
}

export class MongoOrderStore implements OrderStore {
  private readonly models: Models;
  /** Shared by every store on this connection (order-lock.ts). */
  private readonly lock: KeyedLock;

  constructor(
    private readonly conn: Connection,
    private readonly now: Now = systemNow,
    private readonly options: OrderStoreOptions = {},
  ) {
    this.models = getModels(conn);
    this.lock = orderLockOf(conn);
  }

  /**
   * R-NOTE-1: the one place a status change becomes a resident notification:
   * one message per change, keyed by the change (the patch's idempotency key,
   * or the order version it changed), so a redelivered job or a replayed
   * step, which changes nothing, sends nothing.
   */
  async notifyStatusChange(id: string, change: { number: string; from: OrderStatus; to: OrderStatus; key: string }): Promise<void> {
    const notifier = this.options.statusNotifier;
    if (!notifier || change.from === change.to) return;
    await notifier.send({
      key: `status:${id}:${change.key}`,
      workOrderId: id,
      to: 'resident',
      channel: 'app',
      text: `【进度】您的工单 ${change.number}:${STATUS_TEXT[change.to].split(' ')[0]}。Order ${change.number}: ${STATUS_TEXT[change.to].split(' ').slice(1).join(' ')} (status ${change.to}).`,
    });
  }

  async get(id: string): Promise<WorkOrderSummary | undefined> {
    if (!isObjectIdLike(id)) return undefined;
    const doc = await readOrder(this.conn, id);
    if (!doc) return undefined;
    return {
      id: String(doc._id),
      number: doc.number,
      kind: doc.kind,
      status: doc.status,
      communityId: doc.communityId,
      ...(doc.priority !== undefined && doc.priority !== null ? { priority: doc.priority } : {}),
      assignedUnitId: doc.assignedUnitId ?? null,
      ...(doc.reporter ? { reporter: { name: doc.reporter.name, phone: doc.reporter.phone } } : {}),
      ...(doc.reporterUserId ? { reporterUserId: doc.reporterUserId } : {}),
    };
  }

  async update(id: string, patch: OrderPatch, timeline?: TimelineInput): Promise<void> {
    if (!isObjectIdLike(id)) throw new OrderNotFoundError(id);
    const set: Record<string, unknown> = {};
    if (patch.status !== undefined) {
      set.status = patch.status;
      if (patch.status === 'closed') set.closedAt = timeline?.at ?? this.now();
    }
    if (patch.assignedUnitId !== undefined) set.assignedUnitId = patch.assignedUnitId;
    if (patch.technicianId !== undefined) set.technicianId = patch.technicianId;
    for (const [key, value] of Object.entries(patch.fields ?? {})) {
      if (!SAFE_FIELD_KEY.test(key)) throw new Error(`unsafe order field name: ${key}`);
      if (TOP_LEVEL_FIELDS.has(key)) set[key] = value;
      else set[`fields.${key}`] = value;
    }
    if (typeof set.priority === 'number') set.repairClass = set.priority <= 2 ? 'emergency' : 'routine';

    const update: UpdateQuery<WorkOrderDoc> = { $inc: { version: 1 } };
    if (Object.keys(set).length > 0) update.$set = set;
    const timelineId = new Types.ObjectId();
    const closes = patch.closeDeadlines ?? [];
    const opens = patch.openDeadlines ?? [];
    const withDeadlines = closes.length > 0 || opens.length > 0;
    if (withDeadlines && !timeline) {
      // No key to apply it once by: the deadline edits one after another around the patch, as separate calls would.
      for (const c of closes) await this.closeDeadline(id, c.name, c.outcome, c.at);
      await this.update(id, { ...patch, closeDeadlines: [], openDeadlines: [] });
      for (const o of opens) await this.openDeadline(id, o);
      return;
    }
    let result: OrderWriteResult;
    if (timeline && withDeadlines) {
      update.$push = { appliedKeys: timeline.key, timelineIds: timelineId };
      result = await this.writePatchWithDeadlines(id, timeline.key, update, (list) => {
        let changed = false;
        for (const c of closes) changed = closeNamed(list, c.name, c.outcome, c.at) || changed;
        for (const o of opens) changed = openNamed(list, o) || changed;
        return changed;
      });
    } else if (timeline) {
      // The entry's id is registered with the patch (read by id: no timeline scan).
      update.$push = { appliedKeys: timeline.key, timelineIds: timelineId };
      // Applied once per key: a redelivered job must not re-apply an old patch.
      const key = timeline.key;
      result = await writeOrderIf(this.conn, id, { holds: (doc) => !(doc.appliedKeys ?? []).includes(key), filter: { appliedKeys: { $ne: key } } }, update);
    } else {
      result = await writeOrder(this.conn, id, update);
    }
    if (result.outcome === 'missing') throw new OrderNotFoundError(id);
    // The document as it was before this update: whether (and from what) the status changed.
    const before = result.outcome === 'written' ? result.before : undefined;
    if (timeline) await this.addTimeline(id, timeline, before ? timelineId : undefined);
    if (before && patch.status !== undefined && before.status !== patch.status) {
      await this.notifyStatusChange(id, { number: before.number, from: before.status, to: patch.status, key: timeline?.key ?? `v${before.version}` });
    }
  }

  /**
   * Writes a timeline entry once per key. Its id is pushed to the order's
   * `timelineIds` first (unless `registeredId` already is), so that a crash
   * between the two leaves at most an id of no entry, never an entry the
   * order's view cannot find.
   */
  async addTimeline(id: string, entry: TimelineInput, registeredId?: Types.ObjectId): Promise<void> {
    let _id = registeredId;
    if (!_id && isObjectIdLike(id)) {
      _id = new Types.ObjectId();
      await updateOrder(this.conn, id, { _id: id }, { $push: { timelineIds: _id } });
    }
    try {
      await this.models.Timeline.create({
        ...(_id ? { _id } : {}),
        workOrderId: id,
        key: entry.key,
        at: entry.at ?? this.now(),
        type: entry.type,
        actor: entry.actor,
        note: entry.note,
        ...(entry.elementId !== undefined ? { elementId: entry.elementId } : {}),
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /**
   * A patch applied once per key (`appliedKeys`) together with edits of the
   * deadline list, in one write: under the order's lock, read by `_id`, check
   * the key, edit the list, write by `_id` (with the `version` read in the
   * filter on MongoDB, where a miss means another process wrote first: read
   * again). On FerretDB a writer outside the lock may have come in between
   * (another version in 'before'); it does not write the deadline list, but
   * if the list it went onto differs all the same, the edits are made again
   * on that list (as editDeadlines does).
   */
  private async writePatchWithDeadlines(id: string, key: string, update: UpdateQuery<WorkOrderDoc>, edit: (list: Deadline[]) => boolean): Promise<OrderWriteResult> {
    return this.lock.run(id, async () => {
      const inFilter = await guardsInFilter(this.conn);
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const doc = await readOrder(this.conn, id);
        if (!doc) return { outcome: 'missing' };
        if ((doc.appliedKeys ?? []).includes(key)) return { outcome: 'guard-failed', doc };
        const base = doc.deadlines ?? [];
        const list = base.map((d) => ({ ...d }));
        const changed = edit(list);
        const write: UpdateQuery<WorkOrderDoc> = changed ? { ...update, $set: { ...(update.$set ?? {}), deadlines: list } } : update;
        const before = await updateOrder(this.conn, id, inFilter ? { _id: id, version: doc.version } : { _id: id }, write);
        if (!before) continue;
        if ((before.appliedKeys ?? []).includes(key)) throw new Error(`work order ${id}: a patch went onto a version (${before.version}) that had applied its key already`);
        if (changed && before.version !== doc.version && !sameDeadlines(before.deadlines ?? [], base)) {
          const again = (before.deadlines ?? []).map((d) => ({ ...d }));
          edit(again);
          await updateOrder(this.conn, id, { _id: id }, { $set: { deadlines: again }, $inc: { version: 1 } });
        }
        return { outcome: 'written', before };
      }
      throw new Error(`work order ${id}: too many concurrent updates`);
    });
  }

  /** Opens a named deadline, or moves the open one of that name. */
  async openDeadline(id: string, deadline: DeadlineInput): Promise<void> {
    await this.editDeadlines(id, (list) => openNamed(list, deadline));
  }

  /** Closes the latest open deadline of that name; closing a closed one is a no-op. */
  async closeDeadline(id: string, name: string, outcome: 'met' | 'breached', at: Date): Promise<void> {
    await this.editDeadlines(id, (list) => closeNamed(list, name, outcome, at));
  }

  /**
   * Opens the deadline of one user task (idempotent by task key). With `timeline`, the
   * entry's id goes into the same write and the entry is written after it (one write of
   * the order per task event instead of two).
   */
  async openTaskDeadline(id: string, input: TaskDeadlineInput, timeline?: TimelineInput): Promise<void> {
    const timelineId = timeline ? new Types.ObjectId() : undefined;
    await this.editDeadlines(id, (list) => {
      const existing = list.find((d) => d.taskKey === input.taskKey);
      if (existing) {
        if (!isOpen(existing) || existing.dueAt.getTime() === input.dueAt.getTime()) return false;
        existing.dueAt = input.dueAt;
        return true;
      }
      // A worker may already have opened this deadline by name (OrderStore.openDeadline):
      // adopt it rather than keep two, and keep the worker's name, which it closes by.
      // A worker's deadline still open on an earlier task of the step (report-result
      // entered again after a refused extension or deferral, or a withdrawal without a
      // reason: `feedback` is still owed by the same time) passes to the new task.
      const named = findLast(
        list,
        (d) =>
          isOpen(d) &&
          (!d.taskKey || d.name !== input.name) &&
          (d.name === input.name || d.dueAt.getTime() === input.dueAt.getTime()),
      );
      if (named) {
        named.taskKey = input.taskKey;
        named.dueAt = input.dueAt;
        return true;
      }
      list.push({
        name: input.name,
        taskKey: input.taskKey,
        dueAt: input.dueAt,
        metAt: null,
        breached: false,
        canceledAt: null,
      });
      return true;
    }, timelineId ? { timelineId } : {});
    if (timeline) await this.addTimeline(id, timeline, timelineId);
  }

  /**
   * Closes the deadline of one user task: `met` (metAt = at; breached too when
   * late), `breached`, or `canceled` (closed before its due time, neither).
   * Idempotent: an already closed deadline is left as it is.
   *
   * A completed task does not settle a deadline it adopted from a worker (its
   * name is not the task's, `fallback.name`): the worker closes it by name when
   * the result is accepted (record-result closes `feedback`), or moves it
   * (apply-extension), and a result that is refused leaves it owed.
   */
  async closeTaskDeadline(
    id: string,
    taskKey: string,
    outcome: 'met' | 'breached' | 'canceled',
    at: Date,
    fallback?: { name: string; dueAt: Date },
    also: { timeline?: TimelineInput; signedAt?: Date } = {},
  ): Promise<void> {
    const timelineId = also.timeline ? new Types.ObjectId() : undefined;
    await this.editDeadlines(id, (list) => {
      let d = list.find((x) => x.taskKey === taskKey);
      if (!d && fallback) {
        // The `created` event was lost or arrives later: record the deadline now.
        d = { name: fallback.name, taskKey, dueAt: fallback.dueAt, metAt: null, breached: false, canceledAt: null };
        list.push(d);
      }
      if (!d || !isOpen(d)) return false;
      if (outcome === 'met' && fallback && d.name !== fallback.name) return false;
      if (outcome === 'met') {
        d.metAt = at;
        d.breached = at.getTime() > d.dueAt.getTime();
      } else if (outcome === 'breached') d.breached = true;
      else d.canceledAt = at;
      return true;
    }, { ...(timelineId ? { timelineId } : {}), ...(also.signedAt ? { signedAt: also.signedAt } : {}) });
    if (also.timeline) await this.addTimeline(id, also.timeline, timelineId);
  }

  /** Sets `signedAt` once (the unit signed for the order, 签收). */
  async markSigned(id: string, at: Date): Promise<void> {
    if (!isObjectIdLike(id)) return;
    await writeOrderIf(this.conn, id, { holds: (doc) => doc.signedAt == null, filter: { signedAt: null } }, { $set: { signedAt: at }, $inc: { version: 1 } });
  }

  /**
   * Read-modify-write of the deadline list, guarded by `version`; `edit`
   * returns false for no change. Under the order's lock, the list is read by
   * `_id` and written by `_id` (plus `version` in the filter on MongoDB, where
   * a miss means another process wrote first: read again and edit again).
   *
   * The 'before' document says what the new list went onto. Same `version` as
   * read: nothing came in between. Another version but the same deadline
   * list (a writer outside the lock changed other fields, e.g. the API's
   * cancel): the list is what an edit of a fresh read gives, so done — what
   * a retry would have written. Another list (no writer does that outside
   * the lock; defensive): the list just written was computed from one it did
   * not replace, so the edit is made again on the list it replaced
   * ('before'), restoring that list when the edit no longer applies.
   */
  private async editDeadlines(id: string, edit: (list: Deadline[]) => boolean, extras: DeadlineWriteExtras = {}): Promise<void> {
    if (!isObjectIdLike(id)) throw new OrderNotFoundError(id);
    return this.lock.run(id, async () => {
      const inFilter = await guardsInFilter(this.conn);
      const read = async () => {
        const doc = await readOrder(this.conn, id);
        if (!doc) throw new OrderNotFoundError(id);
        return doc;
      };
      let doc = await read();
      /** The list the next write is computed from, and the version it had. */
      let base: Deadline[] = doc.deadlines ?? [];
      let version = doc.version;
      /** A list of ours went onto another list: the next write must happen even if the edit is a no-op. */
      let mustRewrite = false;
      /** The extras go into the first write that lands, once. */
      let extrasPending = extras.timelineId !== undefined || extras.signedAt !== undefined;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const list: Deadline[] = base.map((d) => ({ ...d }));
        const changed = edit(list);
        if (!changed && !mustRewrite && !extrasPending) return;
        const set: Record<string, unknown> = {};
        if (changed || mustRewrite) set.deadlines = changed ? list : base;
        const update: UpdateQuery<WorkOrderDoc> = { $inc: { version: 1 } };
        if (extrasPending) {
          // signedAt once (guarded like markSigned: by the document the write goes onto, its version in the filter on MongoDB).
          if (extras.signedAt && doc.signedAt == null) set.signedAt = extras.signedAt;
          if (extras.timelineId) update.$push = { timelineIds: extras.timelineId };
        }
        if (Object.keys(set).length > 0) update.$set = set;
        const before = await updateOrder(this.conn, id, inFilter ? { _id: id, version } : { _id: id }, update);
        if (!before) {
          doc = await read();
          base = doc.deadlines ?? [];
          version = doc.version;
          mustRewrite = false;
          continue;
        }
        extrasPending = false;
        // No list written (only the extras): nothing of ours went onto another list.
        if (set.deadlines === undefined || before.version === version || sameDeadlines(before.deadlines ?? [], base)) return;
        base = before.deadlines ?? [];
        version = before.version + 1;
        mustRewrite = true;
      }
      throw new Error(`work order ${id}: too many concurrent deadline updates`);
    });
  }
}

/** Opens a named deadline in the list, or moves the open one of that name; false when nothing changed. */
function openNamed(list: Deadline[], deadline: DeadlineInput): boolean {
  const open = findLast(list, (d) => d.name === deadline.name && isOpen(d));
  if (open) {
    if (open.dueAt.getTime() === deadline.dueAt.getTime()) return false;
    open.dueAt = deadline.dueAt;
    return true;
  }
  list.push({ name: deadline.name, dueAt: deadline.dueAt, metAt: null, breached: false, canceledAt: null });
  return true;
}

/** Closes the latest open deadline of that name in the list; false when there is none. */
function closeNamed(list: Deadline[], name: string, outcome: 'met' | 'breached', at: Date): boolean {
  const open = findLast(list, (d) => d.name === name && isOpen(d));
  if (!open) return false;
  if (outcome === 'met') open.metAt = at;
  else open.breached = true;
  return true;
}

function sameDeadlines(a: Deadline[], b: Deadline[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isOpen(d: Deadline): boolean {
  return !d.metAt && !d.breached && !d.canceledAt;
}

function findLast<T>(list: T[], pred: (x: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) return list[i];
  return undefined;
}
