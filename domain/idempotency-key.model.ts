/**
 * Idempotency keys of creations (`Idempotency-Key` on POST /api/work-orders):
 * one document per `<user id>:<key>`, its `_id`, so that the first request
 * claims it by inserting (a second insert fails on the primary key — the one
 * index FerretDB and MongoDB both enforce without options) and a retry finds
 * the order by id.
 */
import { Schema } from 'mongoose';

export interface IdempotencyKeyDoc {
  /** `<user id>:<client key>`. */
  _id: string;
  /** The order the first request created (its id is chosen before it is written). */
  orderId: string;
  createdAt: Date;
}

export const idempotencyKeySchema = new Schema<IdempotencyKeyDoc>(
  {
    _id: { type: String, required: true },
    orderId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false },
);

/**
 * Orders whose process start is not yet recorded (`_id` = the order's id): written before the
 * order, deleted once its instance is recorded. Start-up reads this small collection to finish
 * starts a crash cut off, instead of searching every work order for `pendingStart`.
 */
export interface PendingStartDoc {
  _id: string;
  createdAt: Date;
}

export const pendingStartSchema = new Schema<PendingStartDoc>(
  {
    _id: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'pending_starts', versionKey: false },
);
