/** GET /api/notifications: a resident reads the messages the default channel stored for them (R-NOTE-1). */
import { describe, expect, it } from 'vitest';
import { OutboxNotifier } from '../../domain/services/index.js';
import { residentRepair, useApiHarness } from './harness.js';

const h = useApiHarness();

describe('GET /api/notifications', () => {
  it('the resident of the order sees it; another resident does not; a unit sees what was sent to it', async () => {
    const order = (await h.post('/api/work-orders', residentRepair(), { as: 'resident1' })).body;
    const notifier = new OutboxNotifier(h.conn);
    await notifier.send({ key: `test:${order.id}:resident`, workOrderId: order.id, to: 'resident', channel: 'app', text: '维修人员将于10:30到达 Technician arrives 10:30' });
    await notifier.send({ key: `test:${order.id}:unit`, workOrderId: order.id, to: 'unit:U-A', channel: 'sms', text: '请签收 Please sign' });

    const mine = await h.get(`/api/notifications?workOrderId=${order.id}`, { as: 'resident1' });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((n: { text: string }) => n.text)).toEqual(['维修人员将于10:30到达 Technician arrives 10:30']);
    expect((await h.get(`/api/notifications?workOrderId=${order.id}`, { as: 'resident2' })).body.items).toEqual([]);
    const unit = await h.get(`/api/notifications?workOrderId=${order.id}`, { as: 'unitA1' });
    expect(unit.body.items.map((n: { to: string }) => n.to)).toContain('unit:U-A');
    const timeline = (await h.get(`/api/work-orders/${order.id}`, { as: 'resident1' })).body.timeline;
    expect(timeline.filter((t: { type: string }) => t.type === 'notification').length).toBeGreaterThanOrEqual(2);
  });
});
