/** The notifications outbox: one document per idempotency key. */
import { Schema } from 'mongoose';

export type NotificationStatus = 'stored' | 'sent' | 'failed';

export interface NotificationDoc {
  key: string;
  workOrderId?: string;
  /** `resident`, `unit:<id>`, `group:<name>`, `user:<username>`, `district-centre`, `street-office` ... */
  to: string;
  /** For `resident`: the resident's user id, when the order has one. */
  recipientUserId?: string;
  channel: 'app' | 'sms' | 'phone';
  text: string;
  status: NotificationStatus;
  createdAt: Date;
  sentAt?: Date;
  /** Why a channel could not deliver it (status `failed`). */
  error?: string;
}

export const notificationSchema = new Schema<NotificationDoc>(
  {
    key: { type: String, required: true, unique: true },
    workOrderId: { type: String },
    to: { type: String, required: true },
    recipientUserId: { type: String },
    channel: { type: String, enum: ['app', 'sms', 'phone'], required: true },
    text: { type: String, required: true },
    status: { type: String, enum: ['stored', 'sent', 'failed'], default: 'stored' },
    createdAt: { type: Date, required: true },
    sentAt: { type: Date },
    error: { type: String },
  },
  { collection: 'notifications', versionKey: false },
);
notificationSchema.index({ workOrderId: 1, createdAt: 1 });
notificationSchema.index({ recipientUserId: 1, createdAt: -1 });
notificationSchema.index({ to: 1, createdAt: -1 });
