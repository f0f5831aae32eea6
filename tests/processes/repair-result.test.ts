/**
 * On site and after: the fee the resident accepts or not (R-REP-10), the
 * result feedback with its extension, deferral and withdrawal rules
 * (R-REP-8), the completion limits (R-REP-9) and the coordination sheet of
 * work not finished the same day (R-REP-13), through the HTTP API of a whole
 * server; time moves only by the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RepairWorld,
  deadline,
  deadlinesNamed,
  endOfLocalDay,
  entries,
  expectBreached,
  expectMet,
  expectOpen,
  local,
  localDay,
  plus,
  type Order,
} from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T10:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

/** The open feedback deadline: the one the unit's current report-result task is held to. */
function openFeedback(order: Order) {
  const open = order.deadlines.filter((d) => d.name === 'feedback' && !d.metAt && !d.breached && !d.canceledAt);
  expect(open, JSON.stringify(order.deadlines)).toHaveLength(1);
  return open[0]!;
}

/** What a rejected request must not change. */
function snapshot(order: Order) {
  return { status: order.status, deadlines: order.deadlines, timeline: order.timeline.length, fields: order.fields };
}

describe('repair: fee, result, completion and coordination sheet', () => {
  it('R-REP-10: the resident does not accept the actual item and fee → no repair, status rejected, back to the dispatcher', async () => {
    // given an owner-responsibility order with the unit on site
    await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3, responsibility: 'owner', description: '马桶漏水' });
    await world.toOnSite(order.id);
    const consent = await world.openTask('unitA1', order.id, 'resident-consent');

    // when the technician records the actual item and fee and the resident refuses
    await world.complete('unitA1', consent.id, { consent: false, actualItem: '更换马桶', fee: 350 });

    // then nothing is repaired: rejected, the dispatcher told, no further task, deadlines closed unbreached
    const view = await world.order(order.id);
    expect(view).toMatchObject({ status: 'rejected', assignedUnitId: 'U-A' });
    expect(entries(view, 'fee-not-accepted', 'reject-no-consent')).toHaveLength(1);
    expect(entries(view, 'resolved')).toHaveLength(0);
    expect((await world.notifications('dispatcher1', order.id)).some((n) => n.to === 'group:dispatcher' && n.text.includes('不同意收费'))).toBe(true);
    expect(await world.tasks('unitA1', order.id)).toEqual([]);
    expect((await world.instanceState(order.processInstanceKey)).state).toBe('completed');
    for (const name of ['feedback', 'completion']) expect(deadline(view, name), name).toMatchObject({ breached: false, metAt: expect.any(String) });
  });

  it('R-REP-10: the resident accepts → the repair goes on and the actual item and fee are kept with the result', async () => {
    // given a paid-service order with the unit on site
    await world.scenarioAt('10:00');
    const order = await world.report({ priority: 4, responsibility: 'paid', description: '更换水龙头' });
    await world.toOnSite(order.id);

    // when the resident accepts 120 yuan for the actual item and the unit repairs it
    await world.completeTask('unitA1', order.id, 'resident-consent', { consent: true, actualItem: '更换水龙头及软管', fee: 120 });
    await world.completeTask('unitA1', order.id, 'report-result', { result: 'repaired' });

    // then the order is resolved with the item and fee the resident accepted
    const view = await world.order(order.id);
    expect(view.status).toBe('resolved');
    expect(view.fields).toMatchObject({ actualItem: '更换水龙头及软管', fee: 120 });
    expect(entries(view, 'resolved', 'record-result')).toHaveLength(1);
  });

  it('R-REP-9, R-REP-8: completion 24 h (shared facility, emergency) and 72 h (general), feedback 4 days, each checked on both sides', async () => {
    // given three orders signed and on site at t0: shared p3, emergency p2 paid, general p3 owner
    const t0 = await world.scenarioAt('10:00');
    const shared = await world.report({ priority: 3, responsibility: 'shared' });
    const emergency = await world.report({ priority: 2, responsibility: 'paid', description: '户内停电' });
    const general = await world.report({ priority: 3, responsibility: 'owner' });
    const inTime = await world.report({ priority: 3, responsibility: 'shared' });
    for (const order of [shared, emergency, general, inTime]) await world.toOnSite(order.id);
    for (const order of [emergency, general]) await world.completeTask('unitA1', order.id, 'resident-consent', { consent: true, fee: 50 });

    // then the completion limits are 24 h, 24 h, 72 h, and every feedback is due in 4 days
    expectOpen(deadline(await world.order(shared.id), 'completion'), plus(t0, 'PT24H'));
    expectOpen(deadline(await world.order(emergency.id), 'completion'), plus(t0, 'PT24H'));
    expectOpen(deadline(await world.order(general.id), 'completion'), plus(t0, 'PT72H'));
    for (const order of [shared, emergency, general]) expectOpen(deadline(await world.order(order.id), 'feedback'), plus(t0, 'P4D'));
    expect((await world.openTask('unitA1', shared.id, 'report-result')).dueAt).toBe(plus(t0, 'P4D'));

    // when one unit reports "repaired" at 23:59:59 and the others have not reported yet
    await world.pin(plus(t0, 'PT23H59M59S'));
    await world.completeTask('unitA1', inTime.id, 'report-result', { result: 'repaired' });
    const done = await world.order(inTime.id);
    expectMet(deadline(done, 'completion'), plus(t0, 'PT24H'), plus(t0, 'PT23H59M59S'));
    expectMet(deadline(done, 'feedback'), plus(t0, 'P4D'), plus(t0, 'PT23H59M59S'));
    for (const order of [shared, emergency]) expectOpen(deadline(await world.order(order.id), 'completion'), plus(t0, 'PT24H'));

    // when 24 h pass, then the 24-hour orders are breached and recorded, the general one is not
    await world.advance('PT1S');
    for (const order of [shared, emergency]) {
      const view = await world.order(order.id);
      expectBreached(deadline(view, 'completion'), plus(t0, 'PT24H'));
      expect(entries(view, 'deadline-breached', 'record-breach-completion')).toHaveLength(1);
    }
    expectOpen(deadline(await world.order(general.id), 'completion'), plus(t0, 'PT72H'));
    expect(await world.openKinds('unitA1', shared.id)).toEqual(['report-result']);

    // when 71:59:59 pass the general order is still open; at 72 h it is breached
    await world.pin(plus(t0, 'PT71H59M59S'));
    expectOpen(deadline(await world.order(general.id), 'completion'), plus(t0, 'PT72H'));
    await world.advance('PT1S');
    const general72 = await world.order(general.id);
    expectBreached(deadline(general72, 'completion'), plus(t0, 'PT72H'));
    expect(entries(general72, 'deadline-breached', 'record-breach-completion')).toHaveLength(1);

    // when 3 days 23:59:59 pass no feedback is breached; at 4 days every unreported one is
    await world.pin(plus(t0, 'PT95H59M59S'));
    for (const order of [shared, emergency, general]) expectOpen(deadline(await world.order(order.id), 'feedback'), plus(t0, 'P4D'));
    await world.advance('PT1S');
    for (const order of [shared, emergency, general]) {
      const view = await world.order(order.id);
      expectBreached(deadline(view, 'feedback'), plus(t0, 'P4D'));
      expect(entries(view, 'deadline-breached', 'record-breach-feedback')).toHaveLength(1);
    }

    // and a late report still resolves the order, its breaches kept
    await world.completeTask('unitA1', shared.id, 'report-result', { result: 'repaired' });
    const late = await world.order(shared.id);
    expect(late.status).toBe('resolved');
    expectBreached(deadline(late, 'completion'), plus(t0, 'PT24H'));
    expectBreached(deadline(late, 'feedback'), plus(t0, 'P4D'));
  });

  it('R-REP-8: at most 2 extensions and 14 days in total; a third extension or more days is answered 409 and changes nothing', async () => {
    // given a shared-facility order on site at t0
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3, responsibility: 'shared' });
    await world.toOnSite(order.id);

    // when the unit asks for 5 more days and the supervisor approves
    await world.completeTask('unitA1', order.id, 'report-result', { result: 'extension', extensionDays: 5 });
    const approval = await world.openTask('supervisor1', order.id, 'approve-extension');
    expect(approval.candidateGroups).toEqual(['supervisor']);
    expect(await world.tasks('unitA1', order.id)).toEqual([]);
    await world.complete('supervisor1', approval.id, { approved: true });

    // then the order is extended: feedback and completion move by 5 days
    const once = await world.order(order.id);
    expect(once.status).toBe('extended');
    expect(once.fields).toMatchObject({ extensionCount: 1, extensionDaysTotal: 5 });
    expect(entries(once, 'extended', 'apply-extension')).toHaveLength(1);
    expect(openFeedback(once).dueAt).toBe(plus(t0, 'P9D'));
    expectOpen(deadline(once, 'completion'), plus(t0, 'P6D'));
    const second = await world.openTask('unitA1', order.id, 'report-result');
    expect(second.dueAt).toBe(plus(t0, 'P9D'));

    // when the unit asks for 10 more days (15 in total), then 409 and nothing changes
    const before = snapshot(await world.order(order.id));
    const tooLong = await world.tryComplete('unitA1', second.id, { result: 'extension', extensionDays: 10 });
    expect(tooLong.status).toBe(409);
    expect(tooLong.body.error.code).toBe('EXTENSION_DAYS_EXCEEDED');
    expect(snapshot(await world.order(order.id))).toEqual(before);
    expect((await world.openTask('unitA1', order.id, 'report-result')).id).toBe(second.id);
    expect(await world.tasks('supervisor1', order.id)).toEqual([]);

    // when it asks for 9 more days (14 in total) and it is approved
    await world.complete('unitA1', second.id, { result: 'extension', extensionDays: 9 });
    await world.completeTask('supervisor1', order.id, 'approve-extension', { approved: true });

    // then the second extension applies
    const twice = await world.order(order.id);
    expect(twice.fields).toMatchObject({ extensionCount: 2, extensionDaysTotal: 14 });
    expect(openFeedback(twice).dueAt).toBe(plus(t0, 'P18D'));
    expectOpen(deadline(twice, 'completion'), plus(t0, 'P15D'));

    // when the unit asks for a third extension, even of 1 day, then 409 and nothing changes
    const third = await world.openTask('unitA1', order.id, 'report-result');
    const unchanged = snapshot(twice);
    const refused = await world.tryComplete('unitA1', third.id, { result: 'extension', extensionDays: 1 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('EXTENSION_LIMIT_REACHED');
    expect(snapshot(await world.order(order.id))).toEqual(unchanged);
    expect((await world.openTask('unitA1', order.id, 'report-result')).id).toBe(third.id);
    expect(await world.tasks('supervisor1', order.id)).toEqual([]);

    // and the unit can still report the repair
    await world.complete('unitA1', third.id, { result: 'repaired' });
    expect((await world.order(order.id)).status).toBe('resolved');
  });

  it('R-REP-8: after a refused extension the unit still owes the result by the 4-day limit (breached at 4 days, not before); an extension without days takes the model\'s default of 7 days', async () => {
    // given a shared-facility order on site at t0
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3, responsibility: 'shared' });
    await world.toOnSite(order.id);

    // when the unit asks for an extension and the supervisor refuses
    await world.completeTask('unitA1', order.id, 'report-result', { result: 'extension', extensionDays: 3 });
    await world.completeTask('supervisor1', order.id, 'approve-extension', { approved: false });

    // then the unit reports again, still held to the 4-day feedback
    const refused = await world.order(order.id);
    expect(refused.status).toBe('on-site');
    expect(entries(refused, 'extended')).toHaveLength(0);
    expect(refused.fields.extensionCount ?? 0).toBe(0);
    expectOpen(deadline(refused, 'feedback'), plus(t0, 'P4D'));
    expect((await world.openTask('unitA1', order.id, 'report-result')).dueAt).toBe(plus(t0, 'P4D'));

    // when 3 days 23:59:59 pass, then the feedback is still open; at 4 days it is breached
    await world.pin(plus(t0, 'PT95H59M59S'));
    expectOpen(deadline(await world.order(order.id), 'feedback'), plus(t0, 'P4D'));
    await world.advance('PT1S');
    const breached = await world.order(order.id);
    expectBreached(deadline(breached, 'feedback'), plus(t0, 'P4D'));
    expect(entries(breached, 'deadline-breached', 'record-breach-feedback')).toHaveLength(1);

    // when it asks again without a number of days and it is approved
    await world.completeTask('unitA1', order.id, 'report-result', { result: 'extension' });
    await world.completeTask('supervisor1', order.id, 'approve-extension', { approved: true });

    // then 7 days are added to the feedback limit
    const extended = await world.order(order.id);
    expect(extended.fields).toMatchObject({ extensionCount: 1, extensionDaysTotal: 7 });
    expect(openFeedback(extended).dueAt).toBe(plus(t0, 'P11D'));
    expectBreached(deadlinesNamed(extended, 'feedback')[0]!, plus(t0, 'P4D'));
  });

  it('R-REP-8: a deferral (缓办) needs a major-repair plan; with one the feedback limit moves by 30 days', async () => {
    // given a shared-facility order on site at t0
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3, responsibility: 'shared', description: '屋面防水大修' });
    await world.toOnSite(order.id);

    // when the unit asks for a deferral without a plan
    await world.completeTask('unitA1', order.id, 'report-result', { result: 'deferral' });

    // then it is refused: the unit reports again, the deadlines stay
    const refused = await world.order(order.id);
    expect(refused.status).toBe('on-site');
    expect(entries(refused, 'deferral-refused', 'apply-deferral')).toHaveLength(1);
    expect(entries(refused, 'deferred')).toHaveLength(0);
    expectOpen(deadline(refused, 'feedback'), plus(t0, 'P4D'));
    expect((await world.notifications('unitA1', order.id)).some((n) => n.text.includes('大修计划'))).toBe(true);

    // when it defers with a plan
    await world.completeTask('unitA1', order.id, 'report-result', { result: 'deferral', plan: '12月5日前完成屋面防水大修,业主已同意' });

    // then the order is deferred: the feedback limit is 30 days later, the plan kept
    const deferred = await world.order(order.id);
    expect(deferred.status).toBe('deferred');
    expect(deferred.fields.plan).toBe('12月5日前完成屋面防水大修,业主已同意');
    expect(entries(deferred, 'deferred', 'apply-deferral')).toHaveLength(1);
    expect(openFeedback(deferred).dueAt).toBe(plus(t0, 'P34D'));
    expect((await world.openTask('unitA1', order.id, 'report-result')).dueAt).toBe(plus(t0, 'P34D'));
  });

  it('R-REP-8: a withdrawal (退单) needs one of the three reasons; without one it is not withdrawn, an unknown one is 400', async () => {
    // given three shared-facility orders on site
    await world.scenarioAt('10:00');
    const orders = [];
    for (let i = 0; i < 3; i++) {
      const order = await world.report({ priority: 3, responsibility: 'shared' });
      await world.toOnSite(order.id);
      orders.push(order);
    }
    const [first, second, third] = orders as [Order, Order, Order];

    // when the unit asks to withdraw with an unknown reason, then 400 and nothing changes
    const task = await world.openTask('unitA1', first.id, 'report-result');
    const before = snapshot(await world.order(first.id));
    const bad = await world.tryComplete('unitA1', task.id, { result: 'withdrawal', withdrawalReason: 'too-busy' });
    expect(bad.status).toBe(400);
    expect(snapshot(await world.order(first.id))).toEqual(before);
    expect((await world.openTask('unitA1', first.id, 'report-result')).id).toBe(task.id);

    // when it asks to withdraw without a reason, then the order is not withdrawn and the unit reports again
    await world.complete('unitA1', task.id, { result: 'withdrawal' });
    const kept = await world.order(first.id);
    expect(kept.status).toBe('on-site');
    expect(entries(kept, 'withdrawn')).toHaveLength(0);
    expect(await world.openKinds('unitA1', first.id)).toEqual(['report-result']);

    // when each order is withdrawn with one of the valid reasons
    const reasons = ['wrong-info', 'out-of-scope', 'self-resolved'] as const;
    for (const [i, order] of [first, second, third].entries()) {
      await world.completeTask('unitA1', order.id, 'report-result', { result: 'withdrawal', withdrawalReason: reasons[i] });
    }

    // then each is withdrawn with its reason, its deadlines closed, its process ended
    for (const [i, order] of [first, second, third].entries()) {
      const view = await world.order(order.id);
      expect(view.status, reasons[i]).toBe('withdrawn');
      expect(view.fields.withdrawalReason).toBe(reasons[i]);
      expect(entries(view, 'withdrawn', 'withdraw-order')).toHaveLength(1);
      for (const name of ['feedback', 'completion']) expect(deadlinesNamed(view, name).every((d) => d.metAt !== null || d.breached)).toBe(true);
      expect(await world.tasks('unitA1', order.id)).toEqual([]);
      expect((await world.instanceState(order.processInstanceKey)).state).toBe('completed');
    }
  });

  it('R-REP-13: work not finished on the sign-off day becomes a coordination sheet at 23:59:59 that the dispatcher follows, wherever it waits; finished work does not', async () => {
    // given four orders signed at 10:00: one on site, one whose visit is agreed for tomorrow 09:00,
    // one whose resident nobody has called yet, and one repaired the same afternoon
    const t0 = await world.scenarioAt('10:00');
    const onSite = await world.report({ priority: 3, responsibility: 'shared' });
    const tomorrow = await world.report({ priority: 4, responsibility: 'shared', description: '空调清洗' });
    const notCalled = await world.report({ priority: 3, responsibility: 'shared' });
    const finished = await world.report({ priority: 3, responsibility: 'shared' });
    for (const order of [onSite, finished]) await world.toOnSite(order.id);
    await world.signOff(tomorrow.id);
    await world.contact(tomorrow.id, local(localDay(plus(t0, 'P1D')), '09:00'));
    await world.signOff(notCalled.id);
    await world.advance('PT5H');
    await world.completeTask('unitA1', finished.id, 'report-result', { result: 'repaired' });
    const unfinished = [onSite, tomorrow, notCalled];

    // when the day goes on up to 23:59:58, then no coordination sheet
    await world.pin(local(localDay(t0), '23:59:58'));
    expect(plus(local(localDay(t0), '23:59:58'), 'PT1S')).toBe(endOfLocalDay(t0));
    for (const order of unfinished) expect(entries(await world.order(order.id), 'coordination-sheet-opened')).toHaveLength(0);

    // when 23:59:59 passes
    await world.advance('PT1S');

    // then every unfinished order has a coordination sheet and the dispatchers are told; the units keep their tasks
    for (const order of unfinished) {
      const sheet = await world.order(order.id);
      expect(entries(sheet, 'coordination-sheet-opened', 'open-coordination-sheet'), sheet.number).toHaveLength(1);
      expect(sheet.fields.coordinationSheet).toBe(true);
      expect((await world.notifications('dispatcher1', order.id)).some((n) => n.to === 'group:dispatcher' && n.text.includes('工作协调单'))).toBe(true);
    }
    expect(await world.openKinds('unitA1', onSite.id)).toEqual(['report-result']);
    expect(await world.openKinds('unitA1', tomorrow.id)).toEqual(['confirm-arrival']);
    expect(await world.openKinds('unitA1', notCalled.id)).toEqual(['contact-resident']);
    await world.advance('PT1H');
    expect(entries(await world.order(finished.id), 'coordination-sheet-opened')).toHaveLength(0);
    expect((await world.order(finished.id)).fields.coordinationSheet).toBeUndefined();

    // when the unit arrives the next morning, then the sheet is not opened again, only followed up at that day's end
    await world.pin(local(localDay(plus(t0, 'P1D')), '08:50'));
    await world.completeTask('unitA1', tomorrow.id, 'confirm-arrival');
    expect(entries(await world.order(tomorrow.id), 'coordination-sheet-opened')).toHaveLength(1);
    await world.pin(endOfLocalDay(plus(t0, 'P1D')));
    const followed = await world.order(tomorrow.id);
    expect(entries(followed, 'coordination-sheet-opened')).toHaveLength(1);
    expect(entries(followed, 'coordination-sheet-follow-up', 'open-coordination-sheet')).toHaveLength(1);
  });
});
