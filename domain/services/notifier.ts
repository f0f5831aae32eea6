/**
 * The Notifier port over an outbox collection. The default channel stores the
 * message (the resident reads it in the app: GET /api/notifications and the
 * order's timeline); a channel configured for `sms` or `phone`
 * (domain/notification-channels.ts) then delivers the stored entry once and
 * marks it `sent` or `failed`. Idempotent by key: a redelivered job stores
 * and delivers nothing twice.
 */
import type { Connection } from 'mongoose';
import type { ChannelName, NotificationChannel } from '../notification-channels.js';
import { getModels, type Models } from '../models.js';
import type { NotificationInput, Notifier } from '../ports.js';
import type { WorkOrderDoc } from '../work-order.model.js';
import { systemNow, type Now } from './clock.js';
import { isDuplicateKey, isObjectIdLike, MongoOrderStore, readOrder } from './order-store.js';

/** What a message to the resident needs of the order. */
type ResidentOf = Pick<WorkOrderDoc, 'reporter' | 'reporterUserId'>;

export class OutboxNotifier implements Notifier {
  private readonly models: Models;
  private readonly orders: MongoOrderStore;

  constructor(
    private readonly conn: Connection,
    private readonly now: Now = systemNow,
    /** Delivery per channel; without one the stored entry is the message. */
    private readonly channels: Partial<Record<ChannelName, NotificationChannel>> = {},
  ) {
    this.models = getModels(conn);
    this.orders = new MongoOrderStore(conn, now);
  }

  async send(message: NotificationInput): Promise<void> {
    const at = this.now();
    // The whole order by `_id` (FerretDB's index; with a projection it scans the collection), or as this process last wrote it (order-cache.ts); read once for recipient and phone.
    const order =
      message.to === 'resident' && message.workOrderId && isObjectIdLike(message.workOrderId)
        ? await readOrder(this.conn, message.workOrderId)
        : null;
    const recipientUserId = order?.reporterUserId ?? undefined;
    let created: { _id: unknown } | undefined;
    try {
      created = await this.models.Notification.create({
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
    const channel = this.channels[message.channel];
    if (created && channel) await this.deliver(channel, String(created._id), message, order, recipientUserId);
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

  /** Hands a newly stored entry to its channel once; the outcome is kept on the entry (by `_id`). */
  private async deliver(
    channel: NotificationChannel,
    id: string,
    message: NotificationInput,
    order: ResidentOf | null,
    recipientUserId: string | undefined,
  ): Promise<void> {
    const result = await channel.deliver({
      key: message.key,
      channel: message.channel,
      to: message.to,
      phones: await this.phonesOf(message, order, recipientUserId),
      text: message.text,
      ...(message.workOrderId !== undefined ? { workOrderId: message.workOrderId } : {}),
    });
    if (result.status === 'stored') return;
    await this.models.Notification.updateOne(
      { _id: id },
      { $set: { status: result.status, ...(result.status === 'sent' ? { sentAt: this.now() } : { error: result.error ?? 'delivery failed' }) } },
    );
  }

  /** The phone numbers an address stands for: the reporter of the order, a unit's duty phone, a group's or user's staff. */
  private async phonesOf(message: NotificationInput, order: ResidentOf | null, recipientUserId: string | undefined): Promise<string[]> {
    const to = message.to;
    if (to === 'resident') {
      if (!order) return [];
      // By `_id` without projections (FerretDB's index).
      const phone = order.reporter?.phone ?? (recipientUserId ? (await this.models.User.findById(recipientUserId).lean())?.phone : undefined);
      return phone ? [phone] : [];
    }
    const [kind, name] = to.split(':', 2);
    if (kind === 'unit' && name) {
      const unit = await this.models.Unit.findById(name).lean();
      return unit?.phone ? [unit.phone] : [];
    }
    if ((kind === 'group' || kind === 'user') && name) {
      const filter: Record<string, unknown> =
        kind === 'user' ? { username: name, active: true } : { $or: [{ roles: name }, { extraGroups: name }], active: true };
      const users = await this.models.User.find(filter, { phone: 1 }).lean<{ phone?: string }[]>();
      return users.map((u) => u.phone).filter((p): p is string => typeof p === 'string' && p !== '');
    }
    return [];
  }
}
