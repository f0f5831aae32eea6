/**
 * Preventive maintenance (设施设备维保, R-PM-1) through the HTTP API on the
 * embedded engine: a plan creates its dispatch sheet on its planned day — a
 * repair order, handled like a repair — started by the scheduler when the
 * engine clock moves (the embedded engine runs no timer start cycles).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getModels } from '../../domain/models.js';
import { MaintenanceScheduler } from '../../domain/services/maintenance-scheduler.js';
import { RepairWorld, entries, local, localDay, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T08:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

const plan = (firstDate: string, overrides: Record<string, unknown> = {}) => ({
  name: '2号楼电梯月度维保',
  communityId: 'C001',
  address: '2栋电梯机房',
  equipment: '电梯 elevator',
  part: '曳引机',
  description: '月度保养:曳引机、制动器、门机检查',
  every: 'P1M',
  firstDate,
  dispatchTime: '09:00',
  contact: { name: '周工', phone: '13700000009' },
  ...overrides,
});

async function sheetsOf(planId: string): Promise<{ id: string; number: string; fields: Record<string, unknown> }[]> {
  const res = await (await world.as('dispatcher1')).get('/api/work-orders?kind=repair&limit=500');
  return (res.body.items as { id: string; number: string; fields: Record<string, unknown> }[]).filter((o) => o.fields.maintenancePlanId === planId);
}

async function planView(id: string) {
  const res = await (await world.as('supervisor1')).get(`/api/maintenance-plans/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('maintenance plans (R-PM-1)', () => {
  it('R-PM-1: on the planned day at the dispatch time the plan creates a dispatch sheet, handled like a repair', async () => {
    const now = await world.scenarioAt('10:00');
    const tomorrow = localDay(plus(now, 'P1D'));
    const created = await (await world.as('supervisor1')).post('/api/maintenance-plans', plan(tomorrow));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ active: true, nextDueAt: local(tomorrow, '09:00'), runs: [] });
    const id = created.body.id as string;

    await world.pin(local(tomorrow, '08:59:59'));
    expect(await sheetsOf(id)).toEqual([]);

    await world.advance('PT1S');
    const [sheet, ...more] = await sheetsOf(id);
    expect(more).toEqual([]);
    const order = await world.order(sheet!.id);
    expect(order).toMatchObject({ status: 'dispatched', priority: 4, responsibility: 'shared', assignedUnitId: 'U-A' });
    expect(order.number).toMatch(/^BX-/);
    expect(order.fields).toMatchObject({ maintenancePlanId: id, maintenancePlanName: '2号楼电梯月度维保' });
    expect(entries(order, 'maintenance-plan')).toHaveLength(1);
    expect((order as typeof order & { reporter: { name: string } }).reporter.name).toBe('周工');

    // Handled like a repair: the first unit signs for it (R-REP-1).
    await world.completeTask('unitA1', order.id, 'sign-off');
    expect((await world.order(order.id)).status).toBe('signed');

    const after = await planView(id);
    expect(after.runs).toMatchObject([{ dueAt: local(tomorrow, '09:00'), workOrderId: order.id, number: order.number, skipped: 0 }]);
    expect(after.nextDueAt).toBe(local(localDay(plus(local(tomorrow, '12:00'), 'P1M')), '09:00'));
  });

  it('R-PM-1: every occurrence once; occurrences missed while nothing ran are counted, the latest is dispatched', async () => {
    const now = await world.scenarioAt('10:00');
    const tomorrow = localDay(plus(now, 'P1D'));
    const id = (await (await world.as('admin1')).post('/api/maintenance-plans', plan(tomorrow, { name: '水泵房周检', every: 'P1W', equipment: '水泵 pump' }))).body.id as string;

    await world.pin(local(tomorrow, '09:00'));
    await world.advance('PT1H'); // moving the clock again creates nothing more
    expect(await sheetsOf(id)).toHaveLength(1);

    await world.pin(local(localDay(plus(local(tomorrow, '12:00'), 'P1W')), '09:00'));
    expect(await sheetsOf(id)).toHaveLength(2);

    // Three weeks pass in one move: one sheet, for the latest week, with two skipped.
    await world.pin(local(localDay(plus(local(tomorrow, '12:00'), 'P4W')), '10:00'));
    expect(await sheetsOf(id)).toHaveLength(3);
    const runs = (await planView(id)).runs as { dueAt: string; skipped: number }[];
    expect(runs.map((r) => r.skipped)).toEqual([0, 0, 2]);
    expect(runs[2]!.dueAt).toBe(local(localDay(plus(local(tomorrow, '12:00'), 'P4W')), '09:00'));
  });

  it('R-PM-1: two schedulers at once create the sheet once', async () => {
    const now = await world.scenarioAt('10:00');
    const today = localDay(now);
    const id = (await (await world.as('supervisor1')).post('/api/maintenance-plans', plan(today, { name: '消防泵月检', dispatchTime: '09:30' }))).body.id as string;
    let created = 0;
    const scheduler = () =>
      new MaintenanceScheduler({
        conn: world.server.connection,
        now: () => new Date(now),
        createSheet: async () => ({ id: `sheet-${++created}`, number: `TEST-${created}` }),
      });
    await Promise.all([scheduler().runDue(), scheduler().runDue(), scheduler().runDue()]);
    // (The server's own scheduler checks every minute as well; whoever claimed the plan created the one sheet.)
    expect(created + (await sheetsOf(id)).length).toBe(1);
    const doc = await getModels(world.server.connection).MaintenancePlan.findById(id).lean();
    expect(doc?.runs).toHaveLength(1);
  });

  it('R-PM-1: plans are entered by supervisors, managers and admins; bad fields → 400 naming them', async () => {
    const tomorrow = localDay(plus(await world.now(), 'P1D'));
    for (const user of ['dispatcher1', 'unitA1', 'resident1'] as const) {
      expect((await (await world.as(user)).post('/api/maintenance-plans', plan(tomorrow))).status, user).toBe(403);
    }
    const cases: [Record<string, unknown>, string][] = [
      [{ every: 'PT5M' }, 'every'],
      [{ every: 'monthly' }, 'every'],
      [{ firstDate: '2026-02-30' }, 'firstDate'],
      [{ dispatchTime: '25:00' }, 'dispatchTime'],
      [{ communityId: 'C404' }, 'communityId'],
      [{ contact: { name: '周工', phone: 'none' } }, 'contact.phone'],
    ];
    for (const [change, path] of cases) {
      const res = await (await world.as('supervisor1')).post('/api/maintenance-plans', plan(tomorrow, change));
      expect(res.status, path).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path), path).toContain(path);
    }
    const list = await (await world.as('dispatcher1')).get('/api/maintenance-plans');
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThanOrEqual(3);
    expect((await (await world.as('resident1')).get('/api/maintenance-plans')).status).toBe(403);
  });
});
