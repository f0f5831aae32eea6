/**
 * The result feedback of the repair procedure (R-REP-8): extensions (at most
 * 2, at most 14 days in total, the API answering 409 beyond), deferral with a
 * major-repair plan, withdrawal for one of three reasons only, through the
 * HTTP API of a whole server; time moves only by the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepairWorld, SCENARIO_TIMEOUT_MS, deadline, deadlinesNamed, entries, expectBreached, expectOpen, plus, type Order } from './support.js';

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

describe('repair: result feedback, extension, deferral and withdrawal', { timeout: SCENARIO_TIMEOUT_MS }, () => {
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

    // when the original limits pass (completion 24 h, feedback 4 days), then nothing is breached: they moved
    await world.pin(plus(t0, 'PT96H1S'));
    const moved = await world.order(order.id);
    expect(entries(moved, 'deadline-breached')).toEqual([]);
    expectOpen(deadline(moved, 'completion'), plus(t0, 'P6D'));
    expect(openFeedback(moved).dueAt).toBe(plus(t0, 'P9D'));

    // when the extended limits come, each fires at its new time, not a second before
    await world.pin(plus(t0, 'PT143H59M59S'));
    expectOpen(deadline(await world.order(order.id), 'completion'), plus(t0, 'P6D'));
    await world.advance('PT1S');
    const completionLate = await world.order(order.id);
    expectBreached(deadline(completionLate, 'completion'), plus(t0, 'P6D'));
    expect(entries(completionLate, 'deadline-breached', 'record-breach-completion')).toHaveLength(1);
    await world.pin(plus(t0, 'PT215H59M59S'));
    expect(openFeedback(await world.order(order.id)).dueAt).toBe(plus(t0, 'P9D'));
    await world.advance('PT1S');
    const feedbackLate = await world.order(order.id);
    expectBreached(deadline(feedbackLate, 'feedback'), plus(t0, 'P9D'));
    expect(entries(feedbackLate, 'deadline-breached', 'record-breach-feedback')).toHaveLength(1);

    // when it asks for 9 more days (14 in total) and it is approved
    await world.complete('unitA1', second.id, { result: 'extension', extensionDays: 9 });
    await world.completeTask('supervisor1', order.id, 'approve-extension', { approved: true });

    // then the second extension applies: new feedback and completion limits 9 days on
    const twice = await world.order(order.id);
    expect(twice.fields).toMatchObject({ extensionCount: 2, extensionDaysTotal: 14 });
    expect(openFeedback(twice).dueAt).toBe(plus(t0, 'P18D'));
    expectOpen(deadlinesNamed(twice, 'completion').at(-1)!, plus(t0, 'P15D'));

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

    // when the 4 days pass, then nothing is breached; the deferred limit fires at 34 days, not a second before
    await world.pin(plus(t0, 'PT96H1S'));
    expect(entries(await world.order(order.id), 'deadline-breached')).toEqual([]);
    await world.pin(plus(t0, 'PT815H59M59S'));
    expect(openFeedback(await world.order(order.id)).dueAt).toBe(plus(t0, 'P34D'));
    await world.advance('PT1S');
    const late = await world.order(order.id);
    expectBreached(deadline(late, 'feedback'), plus(t0, 'P34D'));
    expect(entries(late, 'deadline-breached', 'record-breach-feedback')).toHaveLength(1);
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
      expect((await world.instance(order.processInstanceKey)).state).toBe('completed');
    }
  });
});
