/**
 * The Notifier port over an outbox collection. The default channel stores the
 * message (the resident reads it in the app: GET /api/notifications and the
 * order's timeline); an SMS / IVR gateway would later send `stored` entries
 * and mark them `sent`. Idempotent by key.
 */
import type { Connection } from 'mongoose';
import { getModels, type Models } from '../models.js';
import type { NotificationInput, Notifier } from '../ports.js';
import { systemNow, type Now } from './clock.js';
import { isDuplicateKey, isObjectIdLike, MongoOrderStore } from './order-store.js';

export class OutboxNotifier implements Notifier {
  private readonly models: Models;
  private readonly orders: MongoOrderStore;

  constructor(
    conn: Connection,
    private readonly now: Now = systemNow,
  ) {
    this.models = getModels(conn);
    this.orders = new MongoOrderStore(conn, now);
  }

  async send(message: NotificationInput): Promise<void> {
    const at = this.now();
    let recipientUserId: string | undefined;
    if (message.to === 'resident' && message.workOrderId && isObjectIdLike(message.workOrderId)) {
      const order = await this.models.WorkOrder.findById(message.workOrderId, { reporterUserId: 1 }).lean();
      recipientUserId = order?.reporterUserId ?? undefined;
    }
    try {
      await this.models.Notification.create({
        key: message.key,
        ...(message.workOrderId !== undefined ? { workOrderId: message.workOrderId } : {}),
        to: message.to,
        ...(recipientUserId ? { recipientUserId } : {}),
        channel: message.channel,
        text: message.text,
        status: 'stored',
        createdAt: at,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    // Every notification is on the order's timeline (api-contract: timeline).
    if (message.workOrderId && isObjectIdLike(message.workOrderId)) {
      await this.orders.addTimeline(message.workOrderId, {
        key: `notification:${message.key}`,
        type: 'notification',
        actor: 'system',
        note: `${message.channel} → ${message.to}: ${message.text}`,
        at,
      });
    }
  }
}
