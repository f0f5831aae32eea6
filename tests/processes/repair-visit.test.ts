/**
 * After the repair: the signed order back within 24 hours (R-REP-11) and the
 * return visit within 72 hours by whoever took the report, which closes a
 * satisfied order and dispatches an unsatisfied one again (R-REP-12), through
 * the HTTP API of a whole server; time moves only by the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepairWorld, SCENARIO_TIMEOUT_MS, deadline, deadlinesNamed, entries, expectBreached, expectMet, expectOpen, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T10:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

/** On site, then reported repaired: the unit now owes the signed order. */
async function repaired(id: string): Promise<void> {
  await world.toOnSite(id);
  await world.completeTask('unitA1', id, 'report-result', { result: 'repaired' });
}

describe('repair: signed order and return visit', { timeout: SCENARIO_TIMEOUT_MS }, () => {
  it('R-REP-11: the signed order is due back within 24 hours of the repair; late, it is breached and the unit told', async () => {
    // given two orders repaired at r
    const r = await world.scenarioAt('10:00');
    const late = await world.report({ priority: 3 });
    const onTime = await world.report({ priority: 3 });
    await repaired(late.id);
    await repaired(onTime.id);

    // then the unit has a resident-signature task due 24 hours later
    const task = await world.openTask('unitA1', late.id, 'resident-signature');
    expect(task).toMatchObject({ elementId: 'resident-signature', candidateUnitId: 'U-A', dueAt: plus(r, 'PT24H') });
    expectOpen(deadline(await world.order(late.id), 'signed-order'), plus(r, 'PT24H'));
    expect((await world.order(late.id)).status).toBe('resolved');

    // when one order comes back signed at 23:59:59, then it is in time
    await world.pin(plus(r, 'PT23H59M59S'));
    await world.completeTask('unitA1', onTime.id, 'resident-signature', { quality: 5, timeliness: 5, attitude: 5 });
    expectMet(deadline(await world.order(onTime.id), 'signed-order'), plus(r, 'PT24H'), plus(r, 'PT23H59M59S'));
    expectOpen(deadline(await world.order(late.id), 'signed-order'), plus(r, 'PT24H'));

    // when 24 hours pass without the other, then it is breached and the unit told
    await world.advance('PT1S');
    const breached = await world.order(late.id);
    expectBreached(deadline(breached, 'signed-order'), plus(r, 'PT24H'));
    expect(entries(breached, 'deadline-breached', 'record-breach-signed-order')).toHaveLength(1);
    expect((await world.notifications('unitA1', late.id)).some((n) => n.text.includes('签字派工单'))).toBe(true);

    // when it comes back later with the resident's rating, then the rating is kept and the breach stays
    await world.complete('unitA1', task.id, { quality: 4, timeliness: 2, attitude: 5 });
    const signed = await world.order(late.id);
    expect(signed.rating).toMatchObject({ quality: 4, timeliness: 2, attitude: 5 });
    expect(entries(signed, 'signed-order-returned', 'record-signature')).toHaveLength(1);
    expectBreached(deadline(signed, 'signed-order'), plus(r, 'PT24H'));
  });

  it('R-REP-12: the return visit is for whoever took a phone report (谁受理谁回访) and the dispatchers, within 72 hours; late, it is breached', async () => {
    // given a phone report taken by dispatcher1 and an app report by the resident, both signed and rated at s
    const s = await world.scenarioAt('10:00');
    const phone = await world.report({ priority: 3, channel: 'phone' });
    const app = await world.report({ priority: 3, channel: 'app', address: '1栋1单元101', description: '阳台灯不亮' }, 'resident1');
    for (const order of [phone, app]) {
      await repaired(order.id);
      await world.completeTask('unitA1', order.id, 'resident-signature', { quality: 5 });
    }

    // then each has a return-visit task due in 72 hours; the phone one names the dispatcher who took it
    const visit = await world.openTask('dispatcher1', phone.id, 'return-visit');
    expect(visit).toMatchObject({ elementId: 'return-visit', candidateGroups: ['dispatcher', 'resident'], candidateUsers: ['dispatcher1'], dueAt: plus(s, 'PT72H') });
    expect(await world.openTask('dispatcher1', app.id, 'return-visit')).toMatchObject({ candidateGroups: ['dispatcher', 'resident'], candidateUsers: [] });
    expect(await world.tasks('unitA1', phone.id)).toEqual([]);
    expectOpen(deadline(await world.order(phone.id), 'return-visit'), plus(s, 'PT72H'));

    // when 71:59:59 pass, then nothing is breached
    await world.pin(plus(s, 'PT71H59M59S'));
    expectOpen(deadline(await world.order(phone.id), 'return-visit'), plus(s, 'PT72H'));

    // when 72 hours pass, then the visit is breached and the dispatchers told; the task stays
    await world.advance('PT1S');
    const late = await world.order(phone.id);
    expectBreached(deadline(late, 'return-visit'), plus(s, 'PT72H'));
    expect(entries(late, 'deadline-breached', 'record-breach-return-visit')).toHaveLength(1);
    expect((await world.notifications('dispatcher1', phone.id)).some((n) => n.to === 'group:dispatcher' && n.text.includes('回访'))).toBe(true);

    // when the visit is made, late, and the resident is satisfied, then the order is closed
    await world.complete('dispatcher1', visit.id, { satisfied: true, rating: 4 });
    const closed = await world.order(phone.id);
    expect(closed.status).toBe('closed');
    expectBreached(deadline(closed, 'return-visit'), plus(s, 'PT72H'));
  });

  it('R-REP-12: not satisfied → dispatched again and counted as rework, until satisfied → closed and archived', async () => {
    // given an order repaired, signed and visited for the first time at v
    const v = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3 });
    await repaired(order.id);
    await world.completeTask('unitA1', order.id, 'resident-signature', { quality: 2 });

    // when the resident is not satisfied at the return visit
    await world.completeTask('dispatcher1', order.id, 'return-visit', { satisfied: false, rating: 2, comment: '还在漏水' });

    // then the order is dispatched again to the first unit, rework 1, the visit itself done in time
    const again = await world.order(order.id);
    expect(again).toMatchObject({ status: 'dispatched', assignedUnitId: 'U-A' });
    expect(again.fields.reworkCount).toBe(1);
    expect(entries(again, 'rework', 'redispatch')).toHaveLength(1);
    expect(entries(again, 'dispatched', 'dispatch-first')).toHaveLength(2);
    expectMet(deadline(again, 'return-visit'), plus(v, 'PT72H'), v);
    const signOffs = deadlinesNamed(again, 'sign-off');
    expect(signOffs).toHaveLength(2);
    expectOpen(signOffs[1]!, plus(v, 'PT8M'));
    expect(await world.openTask('unitA1', order.id, 'sign-off')).toMatchObject({ elementId: 'sign-off-first', candidateUnitId: 'U-A' });
    expect(await world.tasks('dispatcher1', order.id)).toEqual([]);

    // when the second repair does not satisfy either, then rework 2
    await repaired(order.id);
    await world.completeTask('unitA1', order.id, 'resident-signature', { quality: 3 });
    await world.completeTask('dispatcher1', order.id, 'return-visit', { satisfied: false, comment: '还有异响' });
    expect((await world.order(order.id)).fields.reworkCount).toBe(2);

    // when the third repair satisfies the resident, visited an hour later
    await repaired(order.id);
    await world.completeTask('unitA1', order.id, 'resident-signature', { quality: 5, timeliness: 4, attitude: 5 });
    await world.advance('PT1H');
    await world.completeTask('dispatcher1', order.id, 'return-visit', { satisfied: true, rating: 5, comment: '修好了' });

    // then the order is closed and archived with its rework count and the resident's rating
    const closed = await world.order(order.id);
    expect(closed).toMatchObject({ status: 'closed', rating: { quality: 5, timeliness: 4, attitude: 5 } });
    expect(closed.closedAt).toBe(plus(v, 'PT1H'));
    expect(closed.fields).toMatchObject({ reworkCount: 2, satisfied: true, satisfaction: 5 });
    expect(entries(closed, 'closed', 'close-order')).toHaveLength(1);
    expect(entries(closed, 'rework', 'redispatch')).toHaveLength(2);
    expect(await world.tasks('dispatcher1', order.id)).toEqual([]);
    expect(await world.tasks('unitA1', order.id)).toEqual([]);
    expect((await world.instance(order.processInstanceKey)).state).toBe('completed');
  });
});
