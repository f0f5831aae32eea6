/**
 * The inspector's search on the server: GET /api/process-instances filtered
 * by any root variable (`variable.<name>=<value>`) and by `q` over the
 * business variables (order number, address, problem, community), newest
 * first a page at a time (`offset`, `limit`, `hasMore`); the contract's
 * bpmnProcessId / state keep working with them. The whole stack with the
 * embedded engine running the models of processes/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Client, type TestServer } from '../helpers/server.js';

let server: TestServer;
let dispatcher: Client;
let manager: Client;
const orders: { id: string; number: string; key: string }[] = [];

async function report(address: string, description: string, priority: number): Promise<void> {
  const res = await dispatcher.post('/api/work-orders', {
    kind: 'repair',
    communityId: 'C001',
    address,
    description,
    faultType: '给排水',
    symptom: '漏水',
    part: '卫生间',
    priority,
    responsibility: 'shared',
    reporter: { name: '张伟', phone: '13812345678' },
    channel: 'phone',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  orders.push({ id: res.body.id, number: res.body.number, key: res.body.processInstanceKey });
  await server.advance('PT1M'); // distinct start times: newest first is well defined
}

const numbers = async (query: string): Promise<string[]> => {
  const res = await manager.get(`/api/process-instances${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.map((i: { variables: { orderNumber: string } }) => i.variables.orderNumber);
};

beforeAll(async () => {
  server = await startTestServer({ clockStart: new Date('2026-11-23T09:30:00+08:00') });
  dispatcher = await server.as('dispatcher1');
  manager = await server.as('manager1');
  await report('1栋1单元101', '卫生间水管漏水 Leaking pipe', 3);
  await report('2栋3单元502', '楼道灯不亮，联系 13912345678', 1);
  await report('1栋2单元201', '厨房水龙头滴水', 3);
  await server.engine.idle();
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe('GET /api/process-instances: server-side search', () => {
  it('variable.<name>=<value> matches a root variable; "1" is the number 1 too', async () => {
    const [a, b, c] = orders;
    expect(await numbers(`?variable.orderNumber=${b.number}`)).toEqual([b.number]);
    expect(await numbers('?variable.priority=1')).toEqual([b.number]);
    expect(await numbers('?variable.priority=3')).toEqual([c.number, a.number]);
    expect(await numbers('?variable.communityId=C001&variable.priority=3&bpmnProcessId=repair&state=active')).toEqual([c.number, a.number]);
    expect(await numbers('?variable.communityId=C999')).toEqual([]);
  });

  it('q finds a part of the order number, the address or the problem, case-insensitive, newest first', async () => {
    const [a, b, c] = orders;
    expect(await numbers(`?q=${b.number.slice(-4)}`)).toEqual([b.number]);
    expect(await numbers(`?q=${encodeURIComponent('1栋')}`)).toEqual([c.number, a.number]);
    expect(await numbers('?q=leaking')).toEqual([a.number]);
    expect(await numbers(`?q=${encodeURIComponent('水')}&variable.priority=3`)).toEqual([c.number, a.number]);
    // Regex characters are text, not a pattern.
    expect(await numbers(`?q=${encodeURIComponent('.*')}`)).toEqual([]);
  });

  it('a phone found in the problem text is masked in the answer', async () => {
    const res = await manager.get('/api/process-instances?q=13912345678');
    expect(res.body.items.map((i: { key: string }) => i.key)).toEqual([orders[1].key]);
    expect(res.body.items[0].variables.description).toBe('楼道灯不亮，联系 139****5678');
    expect(JSON.stringify(res.body)).not.toContain('13912345678');
  });

  it('pages newest first with offset, limit and hasMore', async () => {
    const [a, b, c] = orders;
    const first = await manager.get('/api/process-instances?bpmnProcessId=repair&limit=2');
    expect(first.body).toMatchObject({ offset: 0, limit: 2, hasMore: true });
    expect(first.body.items.map((i: { variables: { orderNumber: string } }) => i.variables.orderNumber)).toEqual([c.number, b.number]);
    const second = await manager.get('/api/process-instances?bpmnProcessId=repair&limit=2&offset=2');
    expect(second.body).toMatchObject({ offset: 2, limit: 2, hasMore: false });
    expect(second.body.items.map((i: { variables: { orderNumber: string } }) => i.variables.orderNumber)).toEqual([a.number]);
  });

  it('400 for a bad variable name, a variable given twice or a bad offset; 403 for staff who do not inspect', async () => {
    for (const [query, path] of [
      ['?variable.bad-name=1', 'variable.bad-name'],
      ['?variable.priority=1&variable.priority=3', 'variable.priority'],
      ['?offset=-1', 'offset'],
    ]) {
      const res = await manager.get(`/api/process-instances${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path), query).toEqual([path]);
    }
    expect((await dispatcher.get('/api/process-instances?q=1')).status).toBe(403);
  });

  it('resident=<part of the name or phone> finds the orders of that resident; the answer masks them (issue 5, R-LED-1)', async () => {
    const other = await dispatcher.post('/api/work-orders', {
      kind: 'repair', communityId: 'C001', address: '2栋3单元502', description: '门锁坏了', faultType: '门窗', symptom: '打不开', part: '入户门',
      priority: 3, responsibility: 'shared', reporter: { name: '李娜', phone: '13987654321' }, channel: 'phone',
    });
    expect(other.status).toBe(201);
    const keysOf = async (query: string): Promise<string[]> => {
      const res = await manager.get(`/api/process-instances${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(JSON.stringify(res.body)).not.toMatch(/李娜|张伟|13987654321|13812345678/);
      return res.body.items.map((i: { key: string }) => i.key).sort();
    };
    expect(await keysOf(`?resident=${encodeURIComponent('李娜')}`)).toEqual([other.body.processInstanceKey]);
    expect(await keysOf('?resident=54321')).toEqual([other.body.processInstanceKey]);
    expect(await keysOf(`?resident=${encodeURIComponent('张')}`)).toEqual(orders.map((o) => o.key).sort());
    expect(await keysOf(`?resident=${encodeURIComponent('张')}&variable.priority=1`)).toEqual([orders[1].key]);
    expect(await keysOf(`?resident=${encodeURIComponent('王.*')}`)).toEqual([]); // regex characters are text
    expect((await dispatcher.get(`/api/process-instances?resident=${encodeURIComponent('李娜')}`)).status).toBe(403);
  });
});
