/**
 * Before dispatch: report matters (R-WO-3), the duty group by the working-hours
 * calendar (R-WO-5), triage and its 5-minute reminder (R-REP-5), priority
 * derivation (R-PRI) and responsibility routing (R-RESP), through the HTTP API
 * of a whole server; time moves only by the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepairWorld, SCENARIO_TIMEOUT_MS, deadline, entries, expectOpen, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T10:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

describe('repair: report matters, duty group, triage, priority and responsibility', { timeout: SCENARIO_TIMEOUT_MS }, () => {
  it('R-WO-3: a report matter (switch the water on) is logged only: closed, no dispatch, no task, no deadline', async () => {
    // given a resident asks by phone to have the water switched on
    await world.scenarioAt('10:00');

    // when the dispatcher records it
    const order = await world.report({ description: '请帮忙开水阀', faultType: '报事', priority: undefined, responsibility: undefined });

    // then it is logged and closed: nobody is dispatched, nobody has a task
    const view = await world.order(order.id);
    expect(view).toMatchObject({ status: 'closed', assignedUnitId: null, deadlines: [] });
    expect(entries(view, 'report-matter-logged', 'log-report-matter')).toHaveLength(1);
    expect(entries(view, 'dispatched')).toHaveLength(0);
    expect(view.timeline.filter((e) => e.type === 'task-created')).toEqual([]);
    for (const user of ['dispatcher1', 'unitA1', 'unitB1', 'supervisor1'] as const) expect(await world.tasks(user, order.id)).toEqual([]);
    expect((await world.instance(order.processInstanceKey)).state).toBe('completed');

    // and a repair reported the same way is not a report matter
    const repair = await world.report({ description: '水管爆裂漏水', priority: 2 });
    expect((await world.order(repair.id)).status).toBe('dispatched');
  });

  it('R-WO-5: a report at 17:59:59 is triaged by the customer service centre, one at 18:00 by the monitoring centre (night duty)', async () => {
    // given two orders without priority, one just before and one at the end of the working hours
    await world.scenarioAt('17:59:59');
    const day = await world.report({ priority: undefined, responsibility: undefined, description: '楼道灯不亮' });
    await world.advance('PT1S');
    const night = await world.report({ priority: undefined, responsibility: undefined, description: '楼道灯不亮' });

    // then each triage task goes to the group on duty at its report time
    expect(await world.openTask('dispatcher1', day.id, 'triage')).toMatchObject({ elementId: 'triage', candidateGroups: ['dispatcher'] });
    expect(await world.openTask('dispatcher1', night.id, 'triage')).toMatchObject({ elementId: 'triage', candidateGroups: ['monitoring-centre'] });
    expect((await world.order(day.id)).fields.dutyGroup).toBe('dispatcher');
    expect((await world.order(night.id)).fields.dutyGroup).toBe('monitoring-centre');
  });

  it('R-WO-5: at 22:00 and at 07:59:59 the monitoring centre is on duty, from 08:00 the customer service centre', async () => {
    // given reports at 22:00, at 07:59:59 the next morning and at 08:00
    await world.scenarioAt('22:00');
    const late = await world.report({ priority: undefined, responsibility: undefined });
    await world.scenarioAt('07:59:59');
    const early = await world.report({ priority: undefined, responsibility: undefined });
    await world.advance('PT1S');
    const morning = await world.report({ priority: undefined, responsibility: undefined });

    // then the duty group follows the working hours 08:00–18:00
    expect((await world.openTask('dispatcher1', late.id, 'triage')).candidateGroups).toEqual(['monitoring-centre']);
    expect((await world.openTask('dispatcher1', early.id, 'triage')).candidateGroups).toEqual(['monitoring-centre']);
    expect((await world.openTask('dispatcher1', morning.id, 'triage')).candidateGroups).toEqual(['dispatcher']);
  });

  it('R-REP-5: an order waiting for triage reminds the duty group after 5 minutes, once', async () => {
    // given an order without priority at t0 (daytime)
    await world.scenarioAt('10:00');
    const order = await world.report({ priority: undefined, responsibility: undefined, description: '楼道灯不亮' });
    const triage = await world.openTask('dispatcher1', order.id, 'triage');
    const reminders = async () => ({
      timeline: entries(await world.order(order.id), 'reminder', 'notify-triage-reminder').length,
      notified: (await world.notifications('dispatcher1', order.id)).filter((n) => n.to === 'group:dispatcher' && n.text.includes('5 分钟')).length,
    });

    // when 4:59 passes, then no reminder
    await world.advance('PT4M59S');
    expect(await reminders()).toEqual({ timeline: 0, notified: 0 });
    expect((await world.order(order.id)).status).toBe('reported');

    // when 5:00 passes, then the dispatchers are reminded, and the task is still theirs
    await world.advance('PT1S');
    expect(await reminders()).toEqual({ timeline: 1, notified: 1 });
    expect((await world.openTask('dispatcher1', order.id, 'triage')).id).toBe(triage.id);

    // when 10 more minutes pass, then no second reminder
    await world.advance('PT10M');
    expect(await reminders()).toEqual({ timeline: 1, notified: 1 });

    // when the dispatcher triages, then the order is dispatched to the unit
    await world.complete('dispatcher1', triage.id, { priority: 3, responsibility: 'shared' });
    const view = await world.order(order.id);
    expect(view).toMatchObject({ status: 'dispatched', assignedUnitId: 'U-A', priority: 3, responsibility: 'shared' });
    expect(await world.openTask('unitA1', order.id, 'sign-off')).toMatchObject({ candidateUnitId: 'U-A' });
  });

  it('R-REP-5: the night reminder goes to the monitoring centre', async () => {
    // given an order without priority reported at 22:00
    await world.scenarioAt('22:00');
    const order = await world.report({ priority: undefined, responsibility: undefined });

    // when 5 minutes pass
    await world.advance('PT5M');

    // then the reminder is addressed to the monitoring centre
    const notes = (await world.notifications('dispatcher1', order.id)).filter((n) => n.text.includes('5 分钟'));
    expect(notes.map((n) => n.to)).toEqual(['group:monitoring-centre']);
  });

  it('R-PRI: without a reported priority the level is derived from the fault (1 entrapment, 2 blocked toilet, 3 lamp, 4 cleaning) and the dispatcher confirms it in triage', async () => {
    // given four reports without priority
    await world.scenarioAt('10:00');
    const cases = [
      { description: '3号电梯困人', level: 1, repairClass: 'emergency' },
      { description: '马桶堵塞', level: 2, repairClass: 'emergency' },
      { description: '卧室灯不亮', level: 3, repairClass: 'routine' },
      { description: '空调清洗', level: 4, repairClass: 'routine' },
    ];
    const orders = [];
    for (const c of cases) orders.push(await world.report({ description: c.description, priority: undefined, responsibility: 'shared' }));

    // then each has the derived priority, marked as derived, and waits for triage with it
    for (const [i, c] of cases.entries()) {
      const view = await world.order(orders[i]!.id);
      expect(view, c.description).toMatchObject({ status: 'reported', priority: c.level, repairClass: c.repairClass });
      expect(view.fields.prioritySource).toBe('keywords');
      expect(entries(view, 'classified', 'classify-order')).toHaveLength(1);
      const triage = await world.openTask('dispatcher1', orders[i]!.id, 'triage');
      expect(triage.variables.priority, c.description).toBe(c.level);
    }

    // and a reported priority is kept as reported, without triage
    const reported = await world.report({ description: '卧室灯不亮', priority: 2, responsibility: 'shared' });
    const view = await world.order(reported.id);
    expect(view).toMatchObject({ status: 'dispatched', priority: 2, repairClass: 'emergency' });
    expect(view.fields.prioritySource).toBe('reporter');
    expect(await world.tasks('dispatcher1', reported.id)).toEqual([]);
  });

  it('R-PRI: the priority set in triage decides the deadlines (a lamp raised to 1 gets the emergency contact limit of 15 minutes)', async () => {
    // given a lamp report, derived as 3
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ description: '楼道灯不亮', priority: undefined, responsibility: undefined });
    expect((await world.order(order.id)).priority).toBe(3);

    // when the dispatcher triages it as an emergency and the unit signs at once
    await world.completeTask('dispatcher1', order.id, 'triage', { priority: 1, responsibility: 'shared' });
    await world.signOff(order.id);

    // then the order is an emergency with its 15-minute contact and 30-minute arrival limits
    const view = await world.order(order.id);
    expect(view).toMatchObject({ status: 'signed', priority: 1, repairClass: 'emergency' });
    expectOpen(deadline(view, 'contact-resident'), plus(t0, 'PT15M'));
    expectOpen(deadline(view, 'arrival'), plus(t0, 'PT30M'));
  });

  it('R-RESP: a developer legacy defect is transferred to quality rectification: closed in the repair chain, never dispatched', async () => {
    // given a defect the reporter already names as the developer's, and one triaged as such
    await world.scenarioAt('10:00');
    const named = await world.report({ description: '外墙渗水(开发商遗留)', priority: 3, responsibility: 'developer' });
    const triaged = await world.report({ description: '外墙渗水', priority: undefined, responsibility: undefined });
    await world.completeTask('dispatcher1', triaged.id, 'triage', { priority: 2, responsibility: 'developer' });

    // then both are transferred: closed, no unit, no sign-off, the resident told who follows it up
    for (const [order, priority] of [[named, 3], [triaged, 2]] as const) {
      const view = await world.order(order.id);
      expect(view).toMatchObject({ status: 'closed', assignedUnitId: null, responsibility: 'developer', priority });
      expect(view.fields.linkedProcedure).toBe('quality');
      expect(entries(view, 'transferred', 'link-quality-procedure')).toHaveLength(1);
      expect(entries(view, 'dispatched')).toHaveLength(0);
      expect(view.deadlines).toEqual([]);
      expect(await world.tasks('unitA1', order.id)).toEqual([]);
      expect(await world.tasks('dispatcher1', order.id)).toEqual([]);
      expect((await world.instance(order.processInstanceKey)).state).toBe('completed');
      expect((await world.notifications('resident1', order.id)).some((n) => n.text.includes('工程质量整改'))).toBe(true);
    }
  });

  it('R-RESP: paid service and owner responsibility need the resident\'s consent to the fee on site; shared facilities do not', async () => {
    // given three orders, one per responsibility, with the unit on site
    await world.scenarioAt('10:00');
    const byResponsibility = {} as Record<'paid' | 'owner' | 'shared', string>;
    for (const responsibility of ['paid', 'owner', 'shared'] as const) {
      const order = await world.report({ priority: 3, responsibility });
      await world.toOnSite(order.id);
      byResponsibility[responsibility] = order.id;
    }

    // then paid and owner orders ask the resident to accept the fee, the shared one goes to the result
    for (const responsibility of ['paid', 'owner'] as const) {
      const id = byResponsibility[responsibility];
      expect(await world.openKinds('unitA1', id), responsibility).toEqual(['resident-consent']);
      expect((await world.openTask('unitA1', id, 'resident-consent')).candidateUnitId).toBe('U-A');
      expect((await world.order(id)).status).toBe('on-site');
    }
    expect(await world.openKinds('unitA1', byResponsibility.shared)).toEqual(['report-result']);

    // when the resident accepts, then the repair goes on to the result
    await world.completeTask('unitA1', byResponsibility.paid, 'resident-consent', { consent: true, actualItem: '更换水龙头', fee: 80 });
    expect(await world.openKinds('unitA1', byResponsibility.paid)).toEqual(['report-result']);
  });
});
