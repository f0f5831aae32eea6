/* eslint-disable @typescript-eslint/no-explicit-any -- process tests read arbitrary JSON answers of the API */
/**
 * Smart dispatch (R-DISP-1) and the resident's notices (R-NOTE-1) on a repair,
 * through the API: the proposal of the order's unit by skill, building and
 * load with the reason; the supervisor confirms or changes it; the load moves
 * with the job; the resident is told who comes, and told again on a change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RepairWorld, entries } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T09:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

async function loads(): Promise<Record<string, number>> {
  const res = await (await world.as('supervisor1')).get('/api/technicians?unitId=U-A');
  expect(res.status).toBe(200);
  return Object.fromEntries((res.body.items as any[]).map((t) => [t.id, t.load]));
}

describe('R-DISP-1: smart dispatch on a repair', () => {
  it('proposes by skill, building and load with the reason; ranks every candidate', async () => {
    await world.scenarioAt('10:00');
    const plumbing = await world.report({ address: '3栋2单元301', description: '厨房下水管堵塞漏水', faultType: 'plumbing' });
    const r = await (await world.as('dispatcher1')).get(`/api/work-orders/${plumbing.id}/technician-proposal`);
    expect(r.status).toBe(200);
    expect(r.body.need).toEqual({ skill: 'plumbing', building: '3栋' });
    // T-A1 plumber (1栋, load 0) scores 100; T-A3 plumber in 3栋 but load 2 scores 100 + 30 - 30 = 100: the lower load wins.
    expect(r.body.proposal).toMatchObject({ technicianId: 'T-A1', name: '赵磊' });
    expect(r.body.proposal.reason).toContain('技能匹配 plumbing');
    expect(r.body.candidates.map((c: any) => c.id)).toEqual(['T-A1', 'T-A3', 'T-A2']);

    const electrical = await world.report({ address: '2栋1单元201', description: '客厅插座没电', faultType: 'electrical' });
    const e = await (await world.as('unitA1')).get(`/api/work-orders/${electrical.id}/technician-proposal`);
    expect(e.body.proposal).toMatchObject({ technicianId: 'T-A2' });
    expect(e.body.proposal.reason).toContain('同楼栋 same building 2栋');
    expect((await (await world.as('resident1')).get(`/api/work-orders/${electrical.id}/technician-proposal`)).status).toBe(403);
  });

  it('the supervisor confirms, then changes it: the load follows the job; the resident is told who comes and of the change (R-NOTE-1)', async () => {
    const order = await world.report({ description: '卫生间水龙头漏水' });
    const before = await loads();
    const supervisor = await world.as('supervisor1');
    const first = await supervisor.post(`/api/work-orders/${order.id}/technician`, { technicianId: 'T-A1' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ technicianId: 'T-A1', previous: null, changed: false });
    expect((await loads())['T-A1']).toBe((before['T-A1'] ?? 0) + 1);
    // Confirming the same technician again changes nothing.
    expect((await supervisor.post(`/api/work-orders/${order.id}/technician`, { technicianId: 'T-A1' })).body.changed).toBe(false);
    expect((await loads())['T-A1']).toBe((before['T-A1'] ?? 0) + 1);

    const second = await supervisor.post(`/api/work-orders/${order.id}/technician`, { technicianId: 'T-A3', note: '赵磊另有急修' });
    expect(second.body).toMatchObject({ technicianId: 'T-A3', previous: 'T-A1', changed: true });
    const after = await loads();
    expect(after['T-A1']).toBe(before['T-A1']);
    expect(after['T-A3']).toBe((before['T-A3'] ?? 0) + 1);

    const now = await world.order(order.id);
    expect((now as any).technicianId).toBe('T-A3');
    expect(entries(now, 'technician-assigned')).toHaveLength(1);
    expect(entries(now, 'technician-changed')[0]!.note).toContain('赵磊另有急修');
    const told = (await world.notifications('resident1', order.id)).map((n) => n.text);
    expect(told.some((t) => t.includes('赵磊') && t.includes('13700000004'))).toBe(true);
    expect(told.some((t) => t.startsWith('【变更】') && t.includes('孙浩'))).toBe(true);
  });

  it('refuses a technician of another unit, an ended order, and callers who do not dispatch', async () => {
    const order = await world.report();
    const supervisor = await world.as('supervisor1');
    const other = await supervisor.post(`/api/work-orders/${order.id}/technician`, { technicianId: 'T-B1' });
    expect(other.status).toBe(400);
    expect(other.body.error.details[0].path).toContain('technicianId');
    expect((await (await world.as('dispatcher1')).post(`/api/work-orders/${order.id}/technician`, { technicianId: 'T-A1' })).status).toBe(403);
    expect((await (await world.as('unitB1')).post(`/api/work-orders/${order.id}/technician`, { technicianId: 'T-A1' })).status).toBe(404);
    const reportMatter = await world.report({ description: '请帮忙开水阀', faultType: 'report-matter' });
    expect(reportMatter.status).toBe('closed');
    expect((await supervisor.post(`/api/work-orders/${reportMatter.id}/technician`, { technicianId: 'T-A1' })).status).toBe(409);
  });
});

describe('R-NOTE-1: the resident is told who comes and when, in the app', () => {
  it('after sign-off and contact the resident reads who comes and when; another resident reads nothing of it', async () => {
    await world.scenarioAt('10:00');
    const order = await world.report();
    await world.signOff(order.id);
    await world.contact(order.id, '2026-11-25T10:40:00+08:00');
    const mine = await (await world.as('resident1')).get(`/api/notifications?workOrderId=${order.id}`);
    expect(mine.status).toBe(200);
    expect((mine.body.items as any[]).some((n) => n.text.includes('10:40'))).toBe(true);
    const theirs = await (await world.server.as('resident2')).get(`/api/notifications?workOrderId=${order.id}`);
    expect(theirs.body.items).toEqual([]);
  });
});

describe('R-DISP-1: the repair model proposes and assigns a technician once the unit has signed', () => {
  it('R-DISP-1: the step propose-technician after record-sign-off proposes with the reason, assign-technician assigns and tells the resident; the supervisor can still change it', async () => {
    const at = await world.scenarioAt('10:00');
    const order = await world.report({ address: '3栋2单元301', description: '厨房下水管堵塞漏水', faultType: 'plumbing' });
    // Before sign-off: no proposal on the order, nobody assigned.
    expect(entries(order, 'technician-proposed')).toEqual([]);
    expect((order as any).technicianId).toBeNull();

    await world.advance('PT3M');
    await world.signOff(order.id);
    const signed = await world.order(order.id);
    const [proposed] = entries(signed, 'technician-proposed', 'propose-technician');
    expect(proposed, JSON.stringify(signed.timeline)).toBeDefined();
    expect(proposed!.at).toBe(new Date(Date.parse(at) + 3 * 60_000).toISOString());
    expect(proposed!.note).toContain('赵磊');
    expect(proposed!.note).toContain('技能匹配 plumbing');
    expect(signed.fields).toMatchObject({ proposedTechnicianId: 'T-A1', technicianRecordId: 'T-A1' });
    expect(entries(signed, 'technician-assigned', 'assign-technician')).toHaveLength(1);
    expect((signed as any).technicianId).toBeTruthy();
    // R-NOTE-1: the resident is told who comes (the notification is on the order's timeline).
    expect(entries(signed, 'notification').some((e) => e.note.includes('→ resident') && e.note.includes('赵磊'))).toBe(true);
    // The repair goes on to contacting the resident.
    expect(await world.openKinds('unitA1', order.id)).toEqual(['contact-resident']);

    const changed = await (await world.as('supervisor1')).post(`/api/work-orders/${order.id}/technician`, { technicianId: 'T-A3', note: '就近安排' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ technicianId: 'T-A3', previous: 'T-A1', changed: true });
    expect(entries(await world.order(order.id), 'technician-changed')).toHaveLength(1);
  });

  it('R-DISP-1: a unit without any technician gets no proposal, and the repair is not held up', async () => {
    await world.givenCommunity({ id: 'C-DISP', name: '无技工小区', firstUnitId: 'U-NONE' });
    await world.scenarioAt('10:00');
    const order = await world.report({ communityId: 'C-DISP', address: '9栋1单元101' });
    // No demo user is in unit U-NONE: its member signs through the engine port.
    const [signOff] = await world.server.engine.searchUserTasks({ processInstanceKey: order.processInstanceKey, state: 'created' });
    expect(signOff).toMatchObject({ kind: 'sign-off', candidateGroups: ['unit:U-NONE'] });
    await world.server.engine.completeUserTask(signOff!.key, {}, 'unit-none-member');
    await world.settle();
    const signed = await world.order(order.id);
    expect(signed.fields.proposedTechnicianId).toBeNull();
    expect(entries(signed, 'technician-proposed', 'propose-technician')[0]!.note).toContain('no technician available');
    expect(entries(signed, 'technician-assigned')).toEqual([]);
    const state = await world.instance(order.processInstanceKey);
    expect(state.incidents).toEqual([]);
    expect(state.activeElementIds).toContain('contact-resident');
  });
});
