/**
 * The timeline of a work order: append-only, one document per entry, written
 * once per idempotency key (jobs and task events are delivered at least once).
 */
import { Schema } from 'mongoose';
import { reportWritesOf } from './model-writes.js';

export interface TimelineDoc {
  workOrderId: string;
  /** Idempotency key, unique per work order. */
  key: string;
  at: Date;
  type: string;
  actor: string;
  note: string;
  elementId?: string;
}

export const timelineSchema = new Schema<TimelineDoc>(
  {
    workOrderId: { type: String, required: true },
    key: { type: String, required: true },
    at: { type: Date, required: true },
    type: { type: String, required: true },
    actor: { type: String, required: true },
    note: { type: String, default: '' },
    elementId: { type: String },
  },
  { collection: 'timeline', versionKey: false },
);
timelineSchema.index({ workOrderId: 1, key: 1 }, { unique: true });
timelineSchema.index({ workOrderId: 1, at: 1 });
// Every write through the model is reported to its connection's listeners (the timeline cache of the order view).
reportWritesOf(timelineSchema, 'Timeline');
