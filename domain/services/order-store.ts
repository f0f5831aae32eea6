/**
 * MongoDB implementation of the OrderStore port (domain/ports.ts), plus the
 * task-keyed deadline operations the user-task listener needs.
 *
 * FerretDB 1.x has no positional (`$`) array updates and no transactions, so
 * array edits (deadlines) are read-modify-write guarded by the order's
 * `version` and retried; patches are applied once per idempotency key with a
 * single conditional update (`appliedKeys` must not yet hold the key).
 */
import { Types, type Connection } from 'mongoose';
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

  constructor(
    conn: Connection,
    private readonly now: Now = systemNow,
    private readonly options: OrderStoreOptions = {},
  ) {
    this.models = getModels(conn);
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
    const doc = await this.models.WorkOrder.findById(id).lean();
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

    const filter: Record<string, unknown> = { _id: id };
    const update: Record<string, unknown> = { $inc: { version: 1 } };
    if (Object.keys(set).length > 0) update.$set = set;
    const timelineId = new Types.ObjectId();
    if (timeline) {
      // Applied once per key: a redelivered job must not re-apply an old patch.
      filter.appliedKeys = { $ne: timeline.key };
      // The entry's id is registered with the patch (read by id: no timeline scan).
      update.$push = { appliedKeys: timeline.key, timelineIds: timelineId };
    }
    // The document as it was before this update: whether (and from what) the status changed.
    const before = await this.models.WorkOrder.findOneAndUpdate(filter, update, { returnDocument: 'before' }).lean<
      Pick<WorkOrderDoc, 'status' | 'number' | 'version'>
    >();
    if (!before) {
      const exists = await this.models.WorkOrder.exists({ _id: id });
      if (!exists) throw new OrderNotFoundError(id);
    }
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
      await this.models.WorkOrder.findOneAndUpdate({ _id: id }, { $push: { timelineIds: _id } }).lean();
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

  /** Opens a named deadline, or moves the open one of that name. */
  async openDeadline(id: string, deadline: DeadlineInput): Promise<void> {
    await this.editDeadlines(id, (list) => {
      const open = findLast(list, (d) => d.name === deadline.name && isOpen(d));
      if (open) {
        if (open.dueAt.getTime() === deadline.dueAt.getTime()) return false;
        open.dueAt = deadline.dueAt;
        return true;
      }
      list.push({ name: deadline.name, dueAt: deadline.dueAt, metAt: null, breached: false, canceledAt: null });
      return true;
    });
  }

  /** Closes the latest open deadline of that name; closing a closed one is a no-op. */
  async closeDeadline(id: string, name: string, outcome: 'met' | 'breached', at: Date): Promise<void> {
    await this.editDeadlines(id, (list) => {
      const open = findLast(list, (d) => d.name === name && isOpen(d));
      if (!open) return false;
      if (outcome === 'met') open.metAt = at;
      else open.breached = true;
      return true;
    });
  }

  /** Opens the deadline of one user task (idempotent by task key). */
  async openTaskDeadline(id: string, input: TaskDeadlineInput): Promise<void> {
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
    });
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
  ): Promise<void> {
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
    });
  }

  /** Sets `signedAt` once (the unit signed for the order, 签收). */
  async markSigned(id: string, at: Date): Promise<void> {
    if (!isObjectIdLike(id)) return;
    await this.models.WorkOrder.updateOne({ _id: id, signedAt: null }, { $set: { signedAt: at }, $inc: { version: 1 } });
  }

  /** Read-modify-write of the deadline list, guarded by `version`; `edit` returns false for no change. */
  private async editDeadlines(id: string, edit: (list: Deadline[]) => boolean): Promise<void> {
    if (!isObjectIdLike(id)) throw new OrderNotFoundError(id);
    for (let attempt = 0; attempt < 20; attempt++) {
      const doc = await this.models.WorkOrder.findById(id, { deadlines: 1, version: 1 }).lean<Pick<WorkOrderDoc, 'deadlines' | 'version'>>();
      if (!doc) throw new OrderNotFoundError(id);
      const list: Deadline[] = (doc.deadlines ?? []).map((d) => ({ ...d }));
      if (!edit(list)) return;
      const result = await this.models.WorkOrder.updateOne(
        { _id: id, version: doc.version },
        { $set: { deadlines: list }, $inc: { version: 1 } },
      );
      if (result.matchedCount === 1) return;
    }
    throw new Error(`work order ${id}: too many concurrent deadline updates`);
  }
}

function isOpen(d: Deadline): boolean {
  return !d.metAt && !d.breached && !d.canceledAt;
}

function findLast<T>(list: T[], pred: (x: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) return list[i];
  return undefined;
}
