/**
 * Dispatch and sign-off (签收) of the repair procedure, R-REP-1 … R-REP-4, on a
 * whole server driven through the HTTP API; time moves only by the clock.
 *
 *   first unit U-A: 8 min, SMS reminder every 2 min (3 times)
 *     └ not signed → second unit U-B: 8 min (R-REP-2)
 *         └ not signed → manual supervision (人工督办, R-REP-3)
 *             └ failed → district emergency centre (priority 1–2) / street housing office (3–4) (R-REP-4)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepairWorld, SCENARIO_TIMEOUT_MS, deadline, entries, expectBreached, expectMet, expectOpen, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T10:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

const reminderSms = (n: { text: string; channel: string }) => n.channel === 'sms' && n.text.includes('【催办】');

describe('repair: sign-off and its escalation chain', { timeout: SCENARIO_TIMEOUT_MS }, () => {
  it('R-REP-1: the first unit gets a sign-off task due in 8 minutes; signing in time meets the deadline', async () => {
    // given a routine order reported at 10:00
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3 });

    // then it is dispatched to the community's first unit, which must sign within 8 minutes
    const dispatched = await world.order(order.id);
    expect(dispatched).toMatchObject({ status: 'dispatched', assignedUnitId: 'U-A' });
    expectOpen(deadline(dispatched, 'sign-off'), plus(t0, 'PT8M'));
    expect(entries(dispatched, 'dispatched', 'dispatch-first')).toHaveLength(1);
    const task = await world.openTask('unitA1', order.id, 'sign-off');
    expect(task).toMatchObject({ elementId: 'sign-off-first', candidateUnitId: 'U-A', dueAt: plus(t0, 'PT8M') });
    expect(await world.tasks('unitB1', order.id)).toEqual([]);
    const sms = (await world.notifications('unitA1', order.id)).filter((n) => n.channel === 'sms');
    expect(sms.map((n) => n.to)).toEqual(['unit:U-A']);

    // when the unit signs at 10:07:59
    await world.advance('PT7M59S');
    await world.complete('unitA1', task.id);

    // then the order is signed in time and nobody else is involved
    const signed = await world.order(order.id);
    expect(signed).toMatchObject({ status: 'signed', assignedUnitId: 'U-A', signedAt: plus(t0, 'PT7M59S') });
    expectMet(deadline(signed, 'sign-off'), plus(t0, 'PT8M'), plus(t0, 'PT7M59S'));
    expect(entries(signed, 'signed', 'record-sign-off')).toHaveLength(1);
    await world.advance('PT10M');
    expect(await world.tasks('unitB1', order.id)).toEqual([]);
    expect((await world.order(order.id)).deadlines.some((d) => d.name === 'second-unit-sign-off')).toBe(false);
  });

  it('R-REP-1: an unsigned order is re-sent as a reminder every 2 minutes, exactly 3 times (R3/PT2M)', async () => {
    // given an order dispatched to U-A at t0
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3 });
    const reminders = async () => ({
      timeline: entries(await world.order(order.id), 'reminder', 'notify-sign-off-first-reminder').length,
      sms: (await world.notifications('unitA1', order.id)).filter(reminderSms).length,
    });

    // when 1:59 passes, then no reminder yet
    await world.advance('PT1M59S');
    expect(await reminders()).toEqual({ timeline: 0, sms: 0 });

    // when 2:00, 4:00 and 6:00 pass, then one more reminder each time, to the unit by SMS
    await world.advance('PT1S');
    expect(await reminders()).toEqual({ timeline: 1, sms: 1 });
    await world.advance('PT2M');
    expect(await reminders()).toEqual({ timeline: 2, sms: 2 });
    await world.advance('PT2M');
    expect(await reminders()).toEqual({ timeline: 3, sms: 3 });
    const sms = (await world.notifications('unitA1', order.id)).filter(reminderSms);
    expect(sms.every((n) => n.to === 'unit:U-A' && n.text.includes(order.number))).toBe(true);
    const at = entries(await world.order(order.id), 'reminder', 'notify-sign-off-first-reminder').map((e) => e.at);
    expect(at).toEqual([plus(t0, 'PT2M'), plus(t0, 'PT4M'), plus(t0, 'PT6M')]);

    // when 7:59 passes, then still 3 reminders and the unit may still sign
    await world.advance('PT1M59S');
    expect(await reminders()).toEqual({ timeline: 3, sms: 3 });
    await world.signOff(order.id);

    // then no further reminder once signed
    await world.advance('PT10M');
    expect(await reminders()).toEqual({ timeline: 3, sms: 3 });
    expect((await world.order(order.id)).status).toBe('signed');
  });

  it('R-REP-2: not signed in 8 minutes → the second unit U-B gets the sign-off task; the first unit\'s task is canceled and its deadline breached', async () => {
    // given an order dispatched to U-A at t0
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3 });
    const first = await world.openTask('unitA1', order.id, 'sign-off');

    // when 7:59 passes, then nothing has moved yet
    await world.advance('PT7M59S');
    const before = await world.order(order.id);
    expect(before).toMatchObject({ status: 'dispatched', assignedUnitId: 'U-A' });
    expectOpen(deadline(before, 'sign-off'), plus(t0, 'PT8M'));
    expect(await world.tasks('unitB1', order.id)).toEqual([]);
    expect((await world.task('unitA1', first.id)).state).toBe('open');

    // when 8:00 passes
    await world.advance('PT1S');

    // then U-B has a sign-off task due 8 minutes later, U-A's task is gone
    const second = await world.openTask('unitB1', order.id, 'sign-off');
    expect(second).toMatchObject({ elementId: 'sign-off-second', candidateUnitId: 'U-B', dueAt: plus(t0, 'PT16M') });
    expect(await world.tasks('unitA1', order.id)).toEqual([]);
    expect((await world.task('unitA1', first.id)).state).toBe('canceled');
    const late = await world.tryComplete('unitA1', first.id);
    expect(late.status).toBe(409);

    const after = await world.order(order.id);
    expect(after).toMatchObject({ status: 'dispatched', assignedUnitId: 'U-B' });
    expectBreached(deadline(after, 'sign-off'), plus(t0, 'PT8M'));
    expectOpen(deadline(after, 'second-unit-sign-off'), plus(t0, 'PT16M'));
    expect(entries(after, 'escalation', 'sign-off-first')).toHaveLength(1);
    expect(entries(after, 'dispatched', 'dispatch-second')).toHaveLength(1);
    expect((await world.notifications('unitB1', order.id)).filter((n) => n.channel === 'sms' && n.text.includes('【派单】'))).toHaveLength(1);

    // when U-B signs at 15:59
    await world.advance('PT7M59S');
    await world.complete('unitB1', second.id);

    // then the order is signed by U-B in time, and U-B contacts the resident
    const signed = await world.order(order.id);
    expect(signed).toMatchObject({ status: 'signed', assignedUnitId: 'U-B' });
    expectMet(deadline(signed, 'second-unit-sign-off'), plus(t0, 'PT16M'), plus(t0, 'PT15M59S'));
    expectBreached(deadline(signed, 'sign-off'), plus(t0, 'PT8M'));
    expect(await world.openTask('unitB1', order.id, 'contact-resident')).toMatchObject({ candidateUnitId: 'U-B' });
    expect(await world.tasks('unitA1', order.id)).toEqual([]);
  });

  it('R-REP-1, R-REP-2: the second unit is reminded by SMS too, 3 times', async () => {
    // given an order that passed to U-B at t0 + 8 min
    await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3 });
    await world.advance('PT8M');
    await world.openTask('unitB1', order.id, 'sign-off');

    // when U-B does not sign for 7:59
    await world.advance('PT1M59S');
    expect((await world.notifications('unitB1', order.id)).filter(reminderSms)).toHaveLength(0);
    await world.advance('PT1S');
    await world.advance('PT2M');
    await world.advance('PT2M');
    await world.advance('PT1M59S');

    // then U-B got exactly 3 reminders, on the timeline of the second sign-off
    expect((await world.notifications('unitB1', order.id)).filter(reminderSms)).toHaveLength(3);
    expect(entries(await world.order(order.id), 'reminder', 'notify-sign-off-second-reminder')).toHaveLength(3);
    await world.signOff(order.id, 'unitB1');
  });

  it('R-REP-3: the second unit not signed in 8 minutes → a manual-supervision task for the supervisors; supervision signed → the order goes on', async () => {
    // given an order that passed to U-B at t0 + 8 min
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3 });
    await world.advance('PT8M');
    const second = await world.openTask('unitB1', order.id, 'sign-off');

    // when 7:59 more passes, then no supervision yet
    await world.advance('PT7M59S');
    expect(await world.tasks('supervisor1', order.id)).toEqual([]);
    expect((await world.order(order.id)).status).toBe('dispatched');

    // when 16:00 passes
    await world.advance('PT1S');

    // then the supervisors have a manual-supervision task; the order is escalated
    const supervision = await world.openTask('supervisor1', order.id, 'manual-supervision');
    expect(supervision).toMatchObject({ elementId: 'manual-supervision', candidateGroups: ['supervisor'] });
    expect(await world.tasks('unitB1', order.id)).toEqual([]);
    expect((await world.task('unitB1', second.id)).state).toBe('canceled');
    const escalated = await world.order(order.id);
    expect(escalated).toMatchObject({ status: 'escalated', assignedUnitId: 'U-B' });
    expectBreached(deadline(escalated, 'second-unit-sign-off'), plus(t0, 'PT16M'));
    expect(entries(escalated, 'escalated', 'escalate-supervision')).toHaveLength(1);
    expect((await world.notifications('supervisor1', order.id)).some((n) => n.to === 'group:supervisor' && n.text.includes('督办'))).toBe(true);

    // when the supervisor reaches the company and it signs
    await world.complete('supervisor1', supervision.id, { outcome: 'signed' });

    // then the order is signed and U-B contacts the resident
    const signed = await world.order(order.id);
    expect(signed).toMatchObject({ status: 'signed', assignedUnitId: 'U-B' });
    expect(entries(signed, 'signed', 'record-sign-off')).toHaveLength(1);
    expect(await world.openTask('unitB1', order.id, 'contact-resident')).toMatchObject({ candidateUnitId: 'U-B' });
    expect(await world.tasks('supervisor1', order.id)).toEqual([]);
  });

  it('R-REP-3: the only unit of a community not signed in 8 minutes → manual supervision at once (no second unit)', async () => {
    // given a community served by U-A alone, and an order there dispatched at t0
    const t0 = await world.scenarioAt('10:00');
    await world.givenCommunity({ id: 'C-ONE', name: '独栋小区 (single-unit community)', firstUnitId: 'U-A' });
    const order = await world.report({ communityId: 'C-ONE', address: '独栋1号', priority: 3 });
    expect(await world.openTask('unitA1', order.id, 'sign-off')).toMatchObject({ candidateUnitId: 'U-A', dueAt: plus(t0, 'PT8M') });

    // when 7:59 passes, then nothing has moved
    await world.advance('PT7M59S');
    expect(await world.tasks('supervisor1', order.id)).toEqual([]);
    expect((await world.order(order.id)).status).toBe('dispatched');

    // when 8:00 passes, then the supervisors take it over; no second unit is involved
    await world.advance('PT1S');
    expect(await world.openTask('supervisor1', order.id, 'manual-supervision')).toMatchObject({ candidateGroups: ['supervisor'] });
    expect(await world.tasks('unitA1', order.id)).toEqual([]);
    expect(await world.tasks('unitB1', order.id)).toEqual([]);
    const escalated = await world.order(order.id);
    expect(escalated).toMatchObject({ status: 'escalated', assignedUnitId: 'U-A' });
    expectBreached(deadline(escalated, 'sign-off'), plus(t0, 'PT8M'));
    expect(escalated.deadlines.some((d) => d.name === 'second-unit-sign-off')).toBe(false);
    expect(entries(escalated, 'dispatched', 'dispatch-second')).toHaveLength(0);
    expect(entries(escalated, 'escalated', 'escalate-supervision')).toHaveLength(1);
  });

  it('R-REP-4: supervision failed → the district emergency centre for priority 1 and 2, the street housing office for 3 and 4', async () => {
    // given four orders of priority 1..4 that nobody signed for 16 minutes
    await world.scenarioAt('10:00');
    const orders = [];
    for (const priority of [1, 2, 3, 4]) orders.push(await world.report({ priority, description: `维修 priority ${priority}` }));
    await world.advance('PT8M');
    await world.advance('PT8M');

    // when the manual supervision of each fails
    for (const order of orders) await world.completeTask('supervisor1', order.id, 'manual-supervision', { outcome: 'failed' });

    // then priority 1–2 go to the district emergency repair centre, 3–4 to the street housing office
    for (const [i, order] of orders.entries()) {
      const emergency = i < 2;
      const kind = emergency ? 'emergency-centre' : 'street-office-supervision';
      const group = emergency ? 'district-centre' : 'street-office';
      const element = emergency ? 'escalate-district-centre' : 'escalate-street-office';
      const task = await world.openTask('supervisor1', order.id, kind);
      expect(task, `priority ${i + 1}`).toMatchObject({ elementId: kind, candidateGroups: [group] });
      expect((await world.tasks('supervisor1', order.id)).map((t) => t.kind), `priority ${i + 1}`).toEqual([kind]);
      const view = await world.order(order.id);
      expect(view.status).toBe('escalated');
      expect(entries(view, 'escalated', element), `priority ${i + 1}`).toHaveLength(1);
      expect(entries(view, 'escalated', emergency ? 'escalate-street-office' : 'escalate-district-centre')).toHaveLength(0);
    }

    // when the district centre (priority 1) and the street office (priority 4) have the order signed
    await world.completeTask('supervisor1', orders[0]!.id, 'emergency-centre', { note: '应急中心已安排' });
    await world.completeTask('supervisor1', orders[3]!.id, 'street-office-supervision', { note: '街道已督办' });

    // then both go on as signed: the unit contacts the resident
    for (const order of [orders[0]!, orders[3]!]) {
      expect((await world.order(order.id)).status).toBe('signed');
      expect(await world.openTask('unitB1', order.id, 'contact-resident')).toMatchObject({ candidateUnitId: 'U-B' });
    }
  });
});
