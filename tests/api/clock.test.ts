/** /api/clock: demo and test mode only; moving it fires due timers before answering (R-REP-2). */
import { describe, expect, it } from 'vitest';
import { residentRepair, useApiHarness, type Json } from './harness.js';

const h = useApiHarness();
const paths = (r: Json): string[] => r.body.error.details.map((d: { path: string }) => d.path);

describe('GET/POST /api/clock (clock control on)', () => {
  it('reads the engine clock', async () => {
    const r = await h.get('/api/clock', { as: 'dispatcher1' });
    expect(r.status).toBe(200);
    expect(Number.isNaN(Date.parse(r.body.now))).toBe(false);
    expect((await h.get('/api/clock')).status).toBe(401);
  });

  it('add moves time forward by an ISO duration', async () => {
    const before = Date.parse((await h.get('/api/clock', { as: 'dispatcher1' })).body.now);
    const r = await h.post('/api/clock', { add: 'PT1M' }, { as: 'dispatcher1' });
    expect(r.status).toBe(200);
    expect(Date.parse(r.body.now) - before).toBe(60_000);
  });

  it('an unsigned order goes to the second unit once 8 minutes pass: the first deadline breached (R-REP-2)', async () => {
    const order = (await h.post('/api/work-orders', residentRepair(), { as: 'resident1' })).body;
    const r = await h.post('/api/clock', { add: 'PT9M' }, { as: 'dispatcher1' });
    expect(r.status).toBe(200);
    const forB = await h.get(`/api/tasks?workOrderId=${order.id}&kind=sign-off`, { as: 'unitB1' });
    expect(forB.body.items).toHaveLength(1);
    expect((await h.get(`/api/tasks?workOrderId=${order.id}&kind=sign-off`, { as: 'unitA1' })).body.items).toEqual([]);
    const detail = (await h.get(`/api/work-orders/${order.id}`, { as: 'dispatcher1' })).body;
    // The first unit's deadline is breached; the second unit's (named by the model) is open.
    expect(detail.deadlines.find((d: Json) => d.name === 'sign-off')).toMatchObject({ breached: true, metAt: null });
    const open = detail.deadlines.filter((d: Json) => d.name.includes('sign-off') && !d.breached && !d.metAt && !d.canceledAt);
    expect(open).toHaveLength(1);
    expect(Date.parse(open[0].dueAt)).toBeGreaterThan(Date.parse(detail.reportedAt) + 8 * 60_000);
    expect(detail.timeline.some((t: Json) => t.type === 'escalation')).toBe(true);
  });

  it('pin sets the time (forward only); bad bodies → 400 naming the field', async () => {
    const now = Date.parse((await h.get('/api/clock', { as: 'dispatcher1' })).body.now);
    const target = new Date(now + 3_600_000).toISOString();
    const pinned = await h.post('/api/clock', { pin: target }, { as: 'dispatcher1' });
    expect(pinned.status).toBe(200);
    expect(Date.parse(pinned.body.now)).toBe(Date.parse(target));

    const cases: [unknown, string][] = [
      [{ add: '9 minutes' }, 'add'],
      [{ add: 'PT0S' }, 'add'],
      [{ pin: 'tonight' }, 'pin'],
      [{}, 'add'],
      [{ add: 'PT1M', pin: target }, 'pin'],
      [{ pin: '2020-01-01T00:00:00+08:00' }, 'pin'],
    ];
    for (const [body, path] of cases) {
      const r = await h.post('/api/clock', body, { as: 'dispatcher1' });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(paths(r), JSON.stringify(body)).toContain(path);
    }
    expect(Date.parse((await h.get('/api/clock', { as: 'dispatcher1' })).body.now)).toBe(Date.parse(target));
  });
});
