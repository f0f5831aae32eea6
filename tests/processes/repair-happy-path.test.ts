/**
 * The repair procedure end to end through the HTTP API alone, as the
 * foundation issue describes it: a dispatcher reports, the first-line unit
 * signs, contacts the resident, arrives, repairs, the resident signs and
 * rates, the return visit closes the order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Client, type TestServer } from '../helpers/server.js';

let server: TestServer;
let dispatcher: Client;
let unitA: Client;

beforeAll(async () => {
  server = await startTestServer({ clockStart: new Date('2026-11-23T10:00:00+08:00') });
  dispatcher = await server.as('dispatcher1');
  unitA = await server.as('unitA1');
});

afterAll(async () => {
  await server?.close();
});

async function openTask(client: Client, workOrderId: string, kind: string) {
  await server.engine.idle();
  const res = await client.get(`/api/tasks?workOrderId=${workOrderId}&kind=${kind}`);
  expect(res.status).toBe(200);
  const task = (res.body.items as { id: string; kind: string }[]).find((t) => t.kind === kind);
  if (!task) throw new Error(`no open ${kind} task for ${workOrderId}: ${JSON.stringify(res.body.items.map((t: { kind: string }) => t.kind))}`);
  return task;
}

async function complete(client: Client, taskId: string, variables: Record<string, unknown>) {
  const res = await client.post(`/api/tasks/${taskId}/complete`, { variables });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await server.engine.idle();
}

describe('repair procedure through the API (R-REP-1, R-REP-6, R-REP-7, R-REP-8, R-REP-11, R-REP-12)', () => {
  it('goes from report to closed with every step on the timeline', async () => {
    const created = await dispatcher.post('/api/work-orders', {
      kind: 'repair',
      communityId: 'C001',
      address: '1栋1单元101',
      description: '卫生间水管漏水',
      faultType: 'plumbing',
      symptom: '漏水',
      part: '卫生间',
      priority: 3,
      responsibility: 'shared',
      reporter: { name: '张伟', phone: '13812345678' },
      channel: 'phone',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const order = created.body as { id: string; number: string; processInstanceKey: string };
    expect(order.number).toMatch(/^BX-\d{8}-\d{4}$/);

    const signOff = await openTask(unitA, order.id, 'sign-off');
    await complete(unitA, signOff.id, {});
    expect((await dispatcher.get(`/api/work-orders/${order.id}`)).body.status).toBe('signed');

    const contact = await openTask(unitA, order.id, 'contact-resident');
    await complete(unitA, contact.id, { agreedArrivalAt: '2026-11-23T10:40:00+08:00' });
    expect((await dispatcher.get(`/api/work-orders/${order.id}`)).body.status).toBe('scheduled');

    const arrival = await openTask(unitA, order.id, 'confirm-arrival');
    await complete(unitA, arrival.id, {});
    expect((await dispatcher.get(`/api/work-orders/${order.id}`)).body.status).toBe('on-site');

    const result = await openTask(unitA, order.id, 'report-result');
    await complete(unitA, result.id, { result: 'repaired' });
    expect((await dispatcher.get(`/api/work-orders/${order.id}`)).body.status).toBe('resolved');

    const signature = await openTask(unitA, order.id, 'resident-signature');
    await complete(unitA, signature.id, { quality: 5, timeliness: 4, attitude: 5 });

    const visit = await openTask(dispatcher, order.id, 'return-visit');
    await complete(dispatcher, visit.id, { satisfied: true, rating: 5, comment: '很满意' });

    const final = await dispatcher.get(`/api/work-orders/${order.id}`);
    expect(final.body.status).toBe('closed');
    const instance = await (await server.as('manager1')).get(`/api/process-instances/${order.processInstanceKey}`);
    expect(instance.status).toBe(200);
    expect(instance.body.state).toBe('completed');
    const types = (final.body.timeline as { type: string }[]).map((e) => e.type);
    expect(types.length).toBeGreaterThan(8);
    const deadlines = final.body.deadlines as { name: string; metAt: string | null; breached: boolean }[];
    expect(deadlines.find((d) => d.name === 'sign-off')).toMatchObject({ breached: false });
    expect(deadlines.every((d) => !d.breached)).toBe(true);
  });
});
