/**
 * Complaint (投诉, seed 002) through the HTTP API on the embedded engine, with
 * the engine clock: R-CMP-1 classification (valid / assistance / excessive),
 * R-CMP-2 routing to the office head or company leadership, R-CMP-3 contact
 * at once and resolution normally within 3 days (both sides of each
 * deadline), R-CMP-4 signature, rating and the result back to the taker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RepairWorld, deadline, entries, expectBreached, expectMet, expectOpen, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T08:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

const complaint = { description: '保洁人员态度恶劣,楼道两天未打扫 cleaner rude, stairwell not cleaned for two days' };

describe('R-CMP-1 … R-CMP-4: a valid complaint', () => {
  it('R-CMP-2: goes to the office head, who contacts the resident, handles it in time; the resident signs; the result returns to the taker', async () => {
    const at = await world.scenarioAt('09:00');
    const order = await world.create('complaint', complaint);
    expect(order.number).toMatch(/^TS-\d{8}-\d{4}$/);
    expect(await world.openKinds('dispatcher1', order.id)).toEqual(['classify-complaint']);

    // R-CMP-1
    await world.completeTask('dispatcher1', order.id, 'classify-complaint', { classification: 'valid' });
    let now = await world.order(order.id);
    expect(now.status).toBe('dispatched');
    expect(now.fields).toMatchObject({ complaintLevel: 'office-head', classification: 'valid', serious: false });
    expect(await world.openKinds('supervisor1', order.id)).toEqual(['contact-complainant']);
    expect(await world.openKinds('manager1', order.id)).toEqual([]);
    expectOpen(deadline(now, 'contact-complainant'), plus(at, 'PT30M'));

    // R-CMP-3: contacted at once; the resolution time told (2 days, within the normal 3).
    await world.advance('PT10M');
    const promised = plus(at, 'P2D');
    await world.completeTask('supervisor1', order.id, 'contact-complainant', { resolutionPromisedAt: promised });
    now = await world.order(order.id);
    expect(now.status).toBe('scheduled');
    expectMet(deadline(now, 'contact-complainant'), plus(at, 'PT30M'), plus(at, 'PT10M'));
    expectOpen(deadline(now, 'handle-complaint'), promised);
    expect((await world.notifications('resident1', order.id)).some((n) => n.to === 'resident' && n.text.includes('处理完毕'))).toBe(true);

    await world.advance('P1D');
    await world.completeTask('supervisor1', order.id, 'handle-complaint', { resolution: '已更换保洁员并补扫楼道' });
    now = await world.order(order.id);
    expect(now.status).toBe('resolved');
    expect(now.fields.resolution).toBe('已更换保洁员并补扫楼道');

    // R-CMP-4
    await world.completeTask('supervisor1', order.id, 'complaint-signature', { satisfied: true, rating: 5 });
    const done = await world.order(order.id);
    expect(done.status).toBe('closed');
    expect(done.rating).toMatchObject({ score: 5, satisfied: true });
    expect(done.fields).toMatchObject({ complaintOutcome: 'handled', resultReturnedTo: 'dispatcher1' });
    expectMet(deadline(done, 'handle-complaint'), promised, plus(at, 'P1DT10M'));
    expect(done.deadlines.every((d) => !d.breached)).toBe(true);
    const toTaker = (await world.notifications('dispatcher1', order.id)).filter((n) => n.to === 'user:dispatcher1');
    expect(toTaker).toHaveLength(1);
    expect(toTaker[0]!.text).toContain('已更换保洁员');
    expect(entries(done, 'result-returned')).toHaveLength(1);
    expect((await world.instance(done.processInstanceKey)).state).toBe('completed');
  });

  it.each([
    ['serious', { serious: true }],
    ['beyond the office head\'s authority', { beyondAuthority: true }],
  ])('R-CMP-2: a %s complaint goes to company leadership (status escalated)', async (_what, flags) => {
    await world.scenarioAt('09:00');
    const order = await world.create('complaint', complaint);
    await world.completeTask('dispatcher1', order.id, 'classify-complaint', { classification: 'valid', ...flags });
    const now = await world.order(order.id);
    expect(now.status).toBe('escalated');
    expect(now.fields.complaintLevel).toBe('leadership');
    expect(await world.openKinds('manager1', order.id)).toEqual(['contact-complainant']);
    expect(await world.openKinds('supervisor1', order.id)).toEqual([]);
    expect((await world.notifications('manager1', order.id)).filter((n) => n.to === 'group:manager')).toHaveLength(1);
  });

  it('R-CMP-4, R-CMP-2: an outcome the resident does not accept goes to company leadership, who handle it again', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('complaint', complaint);
    await world.completeTask('dispatcher1', order.id, 'classify-complaint', { classification: 'valid' });
    await world.completeTask('supervisor1', order.id, 'contact-complainant', { resolutionPromisedAt: plus(await world.now(), 'P1D') });
    await world.completeTask('supervisor1', order.id, 'handle-complaint', { resolution: '口头提醒保洁员' });
    await world.completeTask('supervisor1', order.id, 'complaint-signature', { satisfied: false, rating: 2, comment: '处理太轻' });

    let now = await world.order(order.id);
    expect(now.status).toBe('escalated');
    expect(await world.openKinds('manager1', order.id)).toEqual(['contact-complainant']);
    await world.completeTask('manager1', order.id, 'contact-complainant', { resolutionPromisedAt: plus(await world.now(), 'P1D') });
    await world.completeTask('manager1', order.id, 'handle-complaint', { resolution: '更换保洁承包商' });
    await world.completeTask('manager1', order.id, 'complaint-signature', { satisfied: true, rating: 4 });
    now = await world.order(order.id);
    expect(now.status).toBe('closed');
    expect(now.rating).toMatchObject({ score: 4, satisfied: true });
    expect(now.deadlines.filter((d) => d.name === 'handle-complaint')).toHaveLength(2);
  });
});

describe('R-CMP-1: assistance matters and excessive demands', () => {
  it('R-CMP-1: an assistance matter is forwarded to the responsible party with a record; the resident and the taker are told', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('complaint', { description: '楼上漏水到我家天花板 leak from the flat upstairs' });
    await world.completeTask('dispatcher1', order.id, 'classify-complaint', { classification: 'assistance', responsibleParty: 'other-resident' });
    const done = await world.order(order.id);
    expect(done.status).toBe('closed');
    expect(done.fields).toMatchObject({ complaintOutcome: 'forwarded', forwardedTo: 'other-resident' });
    expect(entries(done, 'forwarded')).toHaveLength(1);
    expect((await world.notifications('resident1', order.id)).some((n) => n.text.includes('协办'))).toBe(true);
    expect((await world.notifications('dispatcher1', order.id)).filter((n) => n.to === 'user:dispatcher1')).toHaveLength(1);
    expect(await world.openKinds('supervisor1', order.id)).toEqual([]);
  });

  it('R-CMP-1: an excessive demand is explained and closed with a record', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('complaint', { description: '要求物业免除全年物业费 wants a year of fees waived' });
    await world.completeTask('dispatcher1', order.id, 'classify-complaint', {
      classification: 'excessive',
      explanation: '物业费依合同收取,无法免除;漏水维修已免费完成。',
    });
    const done = await world.order(order.id);
    expect(done.status).toBe('closed');
    expect(done.fields).toMatchObject({ complaintOutcome: 'excessive-explained', explanation: '物业费依合同收取,无法免除;漏水维修已免费完成。' });
    expect(entries(done, 'excessive-explained')).toHaveLength(1);
    expect((await world.notifications('resident1', order.id)).some((n) => n.text.includes('依合同收取'))).toBe(true);
  });
});

describe('R-CMP-3: deadlines', () => {
  it('R-CMP-3: not contacted within 30 minutes of routing → breached; the handler and the supervisors are told', async () => {
    const at = await world.scenarioAt('09:00');
    const order = await world.create('complaint', complaint);
    await world.completeTask('dispatcher1', order.id, 'classify-complaint', { classification: 'valid', serious: true });
    await world.advance('PT29M59S');
    expectOpen(deadline(await world.order(order.id), 'contact-complainant'), plus(at, 'PT30M'));
    await world.advance('PT1S');
    const late = await world.order(order.id);
    expectBreached(deadline(late, 'contact-complainant'), plus(at, 'PT30M'));
    expect((await world.notifications('manager1', order.id)).filter((n) => n.text.includes('立即联系投诉人'))).toHaveLength(1);
    expect((await world.notifications('supervisor1', order.id)).filter((n) => n.to === 'group:supervisor' && n.text.includes('立即联系投诉人'))).toHaveLength(1);
  });

  it('R-CMP-3: a promise beyond 3 days is held to 3 days; not resolved by then → breached (untimely) and escalated to leadership', async () => {
    const at = await world.scenarioAt('09:00');
    const order = await world.create('complaint', complaint);
    await world.completeTask('dispatcher1', order.id, 'classify-complaint', { classification: 'valid' });
    await world.completeTask('supervisor1', order.id, 'contact-complainant', { resolutionPromisedAt: plus(at, 'P5D') });
    let now = await world.order(order.id);
    const dueAt = plus(at, 'P3D');
    expectOpen(deadline(now, 'handle-complaint'), dueAt);
    expect(entries(now, 'complainant-contacted')[0]!.note).toContain('超过一般 3 天时限');

    await world.advance('P2DT23H59M59S');
    expectOpen(deadline(await world.order(order.id), 'handle-complaint'), dueAt);
    await world.advance('PT1S');
    now = await world.order(order.id);
    expectBreached(deadline(now, 'handle-complaint'), dueAt);
    expect(now.status).toBe('escalated');
    expect((await world.notifications('manager1', order.id)).filter((n) => n.to === 'group:manager' && n.text.includes('3 天内处理'))).toHaveLength(1);

    // Still handled afterwards; the breach stays on the order (untimely in the KPI).
    await world.completeTask('supervisor1', order.id, 'handle-complaint', { resolution: '已处理' });
    await world.completeTask('supervisor1', order.id, 'complaint-signature', { satisfied: true });
    now = await world.order(order.id);
    expect(now.status).toBe('closed');
    expectBreached(deadline(now, 'handle-complaint'), dueAt);
  });
});
