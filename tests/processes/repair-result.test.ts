/**
 * On site and after: the fee the resident accepts or not (R-REP-10), the
 * completion limits (R-REP-9), the 4-day result feedback (R-REP-8; its
 * extensions, deferral and withdrawal are in repair-extension.test.ts) and
 * the coordination sheet of work not finished the same day (R-REP-13),
 * through the HTTP API of a whole server; time moves only by the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepairWorld, SCENARIO_TIMEOUT_MS, deadline, endOfLocalDay, entries, expectBreached, expectMet, expectOpen, local, localDay, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T10:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

describe('repair: fee, completion, feedback and coordination sheet', { timeout: SCENARIO_TIMEOUT_MS }, () => {
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
    expect((await world.instance(order.processInstanceKey)).state).toBe('completed');
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
