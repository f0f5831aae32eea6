/**
 * Urgent appeal (加急诉求) through the HTTP API on the embedded engine, with the
 * engine clock: R-URG-1 flagged urgent and the liaison phoned, R-URG-2
 * on-site handling at once and the phone report the same day (23:59:59 in
 * the community's time zone), R-URG-3 each miss breached and escalated —
 * both sides of each deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getModels } from '../../domain/models.js';
import { RepairWorld, deadline, endOfLocalDay, entries, expectBreached, expectMet, expectOpen, local, localDay, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T08:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

const appeal = { description: '楼上深夜装修噪音扰民 renovation noise late at night' };

describe('urgent appeal (R-URG-1, R-URG-2)', () => {
  it('R-URG-1: flagged urgent, dispatched to the liaison, who is phoned; both deadlines open', async () => {
    const at = await world.scenarioAt('22:30');
    const order = await world.create('urgent-appeal', appeal);

    expect(order.number).toMatch(/^JJ-\d{8}-\d{4}$/);
    expect(order).toMatchObject({ status: 'dispatched', priority: 2, assignedUnitId: 'U-A' });
    expect(order.fields.urgent).toBe(true);
    expectOpen(deadline(order, 'urgent-handling'), plus(at, 'PT30M'));
    expectOpen(deadline(order, 'urgent-report'), endOfLocalDay(at));
    const calls = (await world.notifications('unitA1', order.id)).filter((n) => n.channel === 'phone');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.text).toContain('加急');
    expect(await world.openKinds('unitA1', order.id)).toEqual(['urgent-handling']);
  });

  it('R-URG-2: handled on site within 30 minutes and reported the same day: closed, both deadlines met', async () => {
    const at = await world.scenarioAt('22:30');
    const order = await world.create('urgent-appeal', appeal);

    await world.advance('PT29M');
    await world.completeTask('unitA1', order.id, 'urgent-handling', { arrivedAt: plus(at, 'PT25M'), note: '已劝停施工' });
    expect((await world.order(order.id)).status).toBe('on-site');

    await world.advance('PT60M'); // 23:59, one second before the end of the day
    await world.completeTask('unitA1', order.id, 'urgent-report', { resolved: true, outcome: '施工已停止' });

    const done = await world.order(order.id);
    expect(done.status).toBe('closed');
    expectMet(deadline(done, 'urgent-handling'), plus(at, 'PT30M'), plus(at, 'PT29M'));
    expectMet(deadline(done, 'urgent-report'), endOfLocalDay(at), plus(at, 'PT89M'));
    expect(done.deadlines.every((d) => !d.breached)).toBe(true);
    expect(entries(done, 'escalation')).toHaveLength(0);
    expect((await world.instance(done.processInstanceKey)).state).toBe('completed');
  });
});

describe('urgent appeal deadlines (R-URG-3)', () => {
  it('R-URG-3: on-site handling not done in 30 minutes → breached (untimely) and escalated to the supervisors', async () => {
    const at = await world.scenarioAt('10:00');
    const order = await world.create('urgent-appeal', appeal);

    await world.advance('PT29M59S');
    let now = await world.order(order.id);
    expectOpen(deadline(now, 'urgent-handling'), plus(at, 'PT30M'));
    expect(now.status).toBe('dispatched');

    await world.advance('PT1S');
    now = await world.order(order.id);
    expectBreached(deadline(now, 'urgent-handling'), plus(at, 'PT30M'));
    expect(now.status).toBe('escalated');
    expect(entries(now, 'escalation')).toHaveLength(1);
    const toSupervisors = (await world.notifications('supervisor1', order.id)).filter((n) => n.to === 'group:supervisor');
    expect(toSupervisors).toHaveLength(1);
    expect(toSupervisors[0]!.text).toContain('加急上门处置');

    // The work is still to be done: handled late, reported, closed — the breach stays.
    await world.completeTask('unitA1', order.id, 'urgent-handling');
    await world.completeTask('unitA1', order.id, 'urgent-report');
    const done = await world.order(order.id);
    expect(done.status).toBe('closed');
    expectBreached(deadline(done, 'urgent-handling'), plus(at, 'PT30M'));
    expectMet(deadline(done, 'urgent-report'), endOfLocalDay(at), plus(at, 'PT30M'));
  });

  it('R-URG-3: no report by 23:59:59 → breached and escalated; a report at 23:59:58 would have been in time', async () => {
    const at = await world.scenarioAt('21:00');
    const order = await world.create('urgent-appeal', appeal);
    await world.advance('PT10M');
    await world.completeTask('unitA1', order.id, 'urgent-handling');

    await world.pin(local(localDay(at), '23:59:58'));
    let now = await world.order(order.id);
    expectOpen(deadline(now, 'urgent-report'), endOfLocalDay(at));

    await world.advance('PT1S');
    now = await world.order(order.id);
    expectBreached(deadline(now, 'urgent-report'), endOfLocalDay(at));
    expect(now.status).toBe('escalated');
    expect((await world.notifications('supervisor1', order.id)).filter((n) => n.text.includes('当日电话反馈'))).toHaveLength(1);

    await world.advance('PT8H');
    await world.completeTask('unitA1', order.id, 'urgent-report');
    const done = await world.order(order.id);
    expect(done.status).toBe('closed');
    expectBreached(deadline(done, 'urgent-report'), endOfLocalDay(at));
    expectMet(deadline(done, 'urgent-handling'), plus(at, 'PT30M'), plus(at, 'PT10M'));
  });

  it('R-URG-3: the day ends while the handling is still open → the report is breached at 23:59:59, once', async () => {
    const at = await world.scenarioAt('23:45');
    const order = await world.create('urgent-appeal', appeal);

    await world.advance('PT14M59S'); // 23:59:59
    let now = await world.order(order.id);
    expectBreached(deadline(now, 'urgent-report'), endOfLocalDay(at));
    expectOpen(deadline(now, 'urgent-handling'), plus(at, 'PT30M'));

    await world.advance('PT15M1S'); // 00:15:00, the handling is late too
    now = await world.order(order.id);
    expectBreached(deadline(now, 'urgent-handling'), plus(at, 'PT30M'));

    // Handling done after midnight: the report task's own end-of-day timer fires at once, and records nothing twice.
    await world.completeTask('unitA1', order.id, 'urgent-handling');
    await world.completeTask('unitA1', order.id, 'urgent-report');
    const done = await world.order(order.id);
    expect(done.status).toBe('closed');
    expect(done.deadlines.filter((d) => d.name === 'urgent-report')).toHaveLength(1);
    expect(entries(done, 'escalation')).toHaveLength(2);
    const reportNotices = (await world.notifications('supervisor1', order.id)).filter((n) => n.text.includes('当日电话反馈'));
    expect(reportNotices).toHaveLength(1);
  });

  it("R-URG-2: the same day ends at 23:59:59 in the community's own time zone", async () => {
    await getModels(world.server.connection).Community.updateOne(
      { _id: 'C900' },
      { $setOnInsert: { name: '柏林花园 Berlin garden', timeZone: 'Europe/Berlin', firstUnitId: 'U-A' } },
      { upsert: true },
    );
    const at = await world.scenarioAt('20:00'); // 13:00 in Berlin
    const order = await world.create('urgent-appeal', { ...appeal, communityId: 'C900' });
    // 23:59:59 CET is 22:59:59 UTC (06:59:59 the next morning in Shanghai).
    const berlinEndOfDay = `${at.slice(0, 10)}T22:59:59.000Z`;
    expect(deadline(order, 'urgent-report')).toMatchObject({ dueAt: berlinEndOfDay, breached: false });
  });
});
