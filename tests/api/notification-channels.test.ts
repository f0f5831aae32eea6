/**
 * R-NOTE-1: one channel interface behind the outbox. Every message is stored
 * once per key (the job key) — that stored entry is what the resident reads
 * in the app; a channel configured for `sms` (an SMS gateway) delivers it
 * once to the phones the address stands for and the entry says `sent` or
 * `failed`. A redelivered job neither stores nor sends twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { getModels } from '../../domain/models.js';
import { SmsGatewayChannel, type NotificationChannel, type OutgoingMessage } from '../../domain/notification-channels.js';
import { OutboxNotifier } from '../../domain/services/notifier.js';
import { seedDemo } from '../../domain/services/seed.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase('notify');
const now = () => new Date('2026-11-23T10:00:00+08:00');
let orderId = '';

class RecordingChannel implements NotificationChannel {
  readonly name = 'sms' as const;
  readonly delivered: OutgoingMessage[] = [];
  constructor(private readonly outcome: 'sent' | 'failed' = 'sent') {}
  deliver(message: OutgoingMessage) {
    this.delivered.push(message);
    return Promise.resolve(this.outcome === 'sent' ? { status: 'sent' as const } : { status: 'failed' as const, error: 'gateway down' });
  }
}

beforeAll(async () => {
  await seedDemo(db.connection, { bcryptRounds: 4 });
  const order = await getModels(db.connection).WorkOrder.create({
    number: 'BX-20261123-9001',
    kind: 'repair',
    status: 'scheduled',
    communityId: 'C001',
    address: '1栋1单元101',
    description: '水管漏水',
    reporter: { name: '张伟', phone: '13812345678' },
    reporterUserId: 'u-resident1',
    createdByUserId: 'u-dispatcher1',
    createdByUsername: 'dispatcher1',
    channel: 'phone',
    reportedAt: now(),
  });
  orderId = String(order._id);
});

const entry = (key: string) => getModels(db.connection).Notification.findOne({ key }).lean();

describe('notification channels (R-NOTE-1)', () => {
  it('the default channel stores the message for the app, once per key; the resident is its recipient', async () => {
    const notifier = new OutboxNotifier(db.connection, now);
    const message = { key: 'job-1:resident', workOrderId: orderId, to: 'resident', channel: 'sms' as const, text: '赵磊 将于 10:40 上门' };
    await notifier.send(message);
    await notifier.send(message);
    expect(await getModels(db.connection).Notification.countDocuments({ key: 'job-1:resident' })).toBe(1);
    expect(await entry('job-1:resident')).toMatchObject({ status: 'stored', recipientUserId: 'u-resident1', channel: 'sms' });
  });

  it('a configured SMS channel delivers once, to the phone the address stands for, and the entry says sent', async () => {
    const sms = new RecordingChannel();
    const notifier = new OutboxNotifier(db.connection, now, { sms });
    const resident = { key: 'job-2:resident', workOrderId: orderId, to: 'resident', channel: 'sms' as const, text: '您的报修已安排' };
    await notifier.send(resident);
    await notifier.send(resident); // the job delivered again
    await notifier.send({ key: 'job-2:unit:U-A', workOrderId: orderId, to: 'unit:U-A', channel: 'sms', text: '【派单】' });
    await notifier.send({ key: 'job-2:group:supervisor', workOrderId: orderId, to: 'group:supervisor', channel: 'sms', text: '【督办】' });
    await notifier.send({ key: 'job-2:app', workOrderId: orderId, to: 'resident', channel: 'app', text: 'app only' });
    expect(sms.delivered.map((m) => [m.to, m.phones])).toEqual([
      ['resident', ['13812345678']],
      ['unit:U-A', ['021-60000001']],
      ['group:supervisor', ['13700000005']],
    ]);
    expect(await entry('job-2:resident')).toMatchObject({ status: 'sent', sentAt: now() });
    expect(await entry('job-2:app')).toMatchObject({ status: 'stored' });
  });

  it('a failed delivery is recorded on the entry (the message stays readable in the app); sending does not throw', async () => {
    const notifier = new OutboxNotifier(db.connection, now, { sms: new RecordingChannel('failed') });
    await notifier.send({ key: 'job-3:resident', workOrderId: orderId, to: 'resident', channel: 'sms', text: '变更通知' });
    expect(await entry('job-3:resident')).toMatchObject({ status: 'failed', error: 'gateway down' });
  });

  it('the HTTP SMS gateway posts id, phones and text with the key as idempotency key; non-2xx or no phone = failed', async () => {
    const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
    const gateway = new SmsGatewayChannel({
      url: 'https://sms.example/send',
      token: 't0k',
      fetch: (url, init) => {
        calls.push({ url, headers: init.headers, body: init.body });
        return Promise.resolve({ ok: calls.length === 1, status: calls.length === 1 ? 202 : 503 });
      },
    });
    const message: OutgoingMessage = { key: 'k1', channel: 'sms', to: 'resident', phones: ['13812345678'], text: 'hello' };
    expect(await gateway.deliver(message)).toEqual({ status: 'sent' });
    expect(calls[0]).toMatchObject({ url: 'https://sms.example/send', headers: { authorization: 'Bearer t0k', 'idempotency-key': 'k1' } });
    expect(JSON.parse(calls[0]!.body)).toEqual({ id: 'k1', to: ['13812345678'], text: 'hello' });
    expect(await gateway.deliver(message)).toEqual({ status: 'failed', error: 'gateway answered 503' });
    expect(await gateway.deliver({ ...message, phones: [] })).toMatchObject({ status: 'failed' });
  });
});
