/**
 * R-LED-3 retention on MongoDB: a sweep deletes every ended order whose two
 * years (by the engine clock) have passed — with its timeline, notifications
 * and uploaded photos — except public-facility records, kept permanently;
 * `purge` deletes one order and refuses (RetentionHoldError) any deletion
 * before its time. The order is deleted last, so a sweep cut short finds it
 * again and finishes the rest. Simple queries only (FerretDB).
 */
import { DateTime } from 'luxon';
import type { Connection } from 'mongoose';

import { getModels, type Models } from '../models.js';
import { ENDED_STATUSES, RETENTION, retentionHold } from '../retention.js';
import type { WorkOrderDoc } from '../work-order.model.js';
import { systemNow, type Now } from './clock.js';
import { isObjectIdLike, OrderNotFoundError } from './order-store.js';

export class RetentionHoldError extends Error {
  constructor(
    readonly orderId: string,
    readonly reason: string,
  ) {
    super(`work order ${orderId} may not be deleted yet: ${reason}`);
    this.name = 'RetentionHoldError';
  }
}

type Subject = Pick<WorkOrderDoc, 'number' | 'status' | 'responsibility' | 'reportedAt' | 'attachments'> & { _id: unknown };

export interface SweepResult {
  /** Numbers of the orders deleted. */
  purged: string[];
}

export class RetentionSweeper {
  private readonly models: Models;

  constructor(
    private readonly conn: Connection,
    private readonly now: Now = systemNow,
  ) {
    this.models = getModels(conn);
  }

  /** Deletes every order past its retention at the engine clock's now (at most `limit` per call). */
  async sweep(limit = 500): Promise<SweepResult> {
    const now = this.now();
    // Narrow by the report time (two years back), decide each in code with the one rule.
    const cutoff = DateTime.fromJSDate(now, { zone: 'utc' }).minus({ years: 2 }).toJSDate();
    const candidates = await this.models.WorkOrder.find(
      { status: { $in: [...ENDED_STATUSES] }, reportedAt: { $lte: cutoff }, responsibility: { $ne: 'shared' } },
      { number: 1, status: 1, responsibility: 1, reportedAt: 1, attachments: 1 },
    )
      .limit(limit)
      .lean<Subject[]>();
    const purged: string[] = [];
    for (const order of candidates) {
      if (retentionHold(order, now)) continue;
      await this.remove(order);
      purged.push(order.number);
    }
    return { purged };
  }

  /** Deletes one order once its retention has passed; earlier: RetentionHoldError, nothing deleted. */
  async purge(id: string): Promise<{ number: string }> {
    const order = isObjectIdLike(id) ? await this.models.WorkOrder.findById(id).lean<Subject>() : null;
    if (!order) throw new OrderNotFoundError(id);
    const hold = retentionHold(order, this.now());
    if (hold) throw new RetentionHoldError(id, hold);
    await this.remove(order);
    return { number: order.number };
  }

  private async remove(order: Subject): Promise<void> {
    const id = String(order._id);
    await this.models.Timeline.deleteMany({ workOrderId: id });
    await this.models.Notification.deleteMany({ workOrderId: id });
    const uploads = (order.attachments ?? []).filter((a) => typeof a === 'string' && a !== '');
    if (uploads.length > 0) await this.conn.collection<{ _id: string }>('uploads').deleteMany({ _id: { $in: uploads } });
    await this.models.WorkOrder.deleteOne({ _id: id });
  }
}

export { RETENTION };
