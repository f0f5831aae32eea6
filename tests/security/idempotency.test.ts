/**
 * Issue 6, a creation retried after its answer was lost (a dropped phone
 * connection, a server crash): with the same `Idempotency-Key` the same user
 * gets the order the first request created, never a second order or a second
 * process — also when both requests arrive at once. Another user's key, or no
 * key, creates as before; a malformed key is 400 naming the header.
 */
import { describe, expect, it } from 'vitest';
import { getModels } from '../../domain/models.js';
import { residentRepair } from '../api/harness.js';
import { useTestServer } from '../helpers/server.js';

const t = useTestServer();

const orders = () => getModels(t.server.connection).WorkOrder.countDocuments();

describe('POST /api/work-orders with Idempotency-Key', () => {
  it('the same key twice (one after the other, and two at once) creates one order with one process', async () => {
    const resident = await t.server.as('resident1');
    const before = await orders();
    const first = await resident.request('POST', '/api/work-orders', residentRepair(), { 'Idempotency-Key': 'app-7f3a-0001' });
    expect(first.status).toBe(201);
    const again = await resident.request('POST', '/api/work-orders', residentRepair(), { 'Idempotency-Key': 'app-7f3a-0001' });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.processInstanceKey).toBe(first.body.processInstanceKey);

    const both = await Promise.all([0, 1].map(() => resident.request('POST', '/api/work-orders', residentRepair(), { 'Idempotency-Key': 'app-7f3a-0002' })));
    expect(both.map((r) => r.status)).toEqual([201, 201]);
    expect(both[0]!.body.id).toBe(both[1]!.body.id);
    expect(await orders()).toBe(before + 2);
    await t.server.engine.idle();
    expect(await t.server.engine.listInstances({ businessKey: both[0]!.body.id as string })).toHaveLength(1);
  });

  it("another user's same key, or no key, creates a new order; a malformed key is 400 naming the header", async () => {
    const before = await orders();
    const dispatcher = await t.server.as('dispatcher1');
    const other = await dispatcher.request('POST', '/api/work-orders', residentRepair({ reporter: { name: '张伟', phone: '13812345678' }, channel: 'phone' }), { 'Idempotency-Key': 'app-7f3a-0001' });
    expect(other.status).toBe(201);
    const plain = await dispatcher.post('/api/work-orders', residentRepair({ reporter: { name: '张伟', phone: '13812345678' }, channel: 'phone' }));
    expect(plain.status).toBe(201);
    expect(new Set([other.body.id, plain.body.id]).size).toBe(2);
    const bad = await dispatcher.request('POST', '/api/work-orders', residentRepair(), { 'Idempotency-Key': 'no spaces or $ allowed' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['Idempotency-Key']);
    expect(await orders()).toBe(before + 2);
  });

  it('a key whose request left no order (cut off by a crash) is taken over by the retry: one new order', async () => {
    const resident = await t.server.as('resident1');
    const me = (await resident.get('/api/auth/me')).body as { id: string };
    await getModels(t.server.connection).IdempotencyKey.create({ _id: `${me.id}:app-7f3a-0003`, orderId: '0123456789abcdef01234567', createdAt: new Date() });
    const before = await orders();
    const first = await resident.request('POST', '/api/work-orders', residentRepair(), { 'Idempotency-Key': 'app-7f3a-0003' });
    expect(first.status).toBe(201);
    const again = await resident.request('POST', '/api/work-orders', residentRepair(), { 'Idempotency-Key': 'app-7f3a-0003' });
    expect(again.body.id).toBe(first.body.id);
    expect(await orders()).toBe(before + 1);
  }, 30_000);
});
