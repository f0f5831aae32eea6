/**
 * After sign-off: contacting the resident (R-REP-6) and arriving on site
 * (R-REP-7), with both sides of every limit, through the HTTP API of a whole
 * server; time moves only by the clock.
 *
 *   contact: emergency 15 min after sign-off; routine 1 h in working hours,
 *            1 h after the start of the next working period at night / on a holiday
 *   arrival: emergency 30 min after sign-off; routine 1 h after the contact;
 *            an agreed time later than that → the platform calls the resident back then
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepairWorld, SCENARIO_TIMEOUT_MS, deadline, entries, expectBreached, expectMet, expectOpen, local, localDay, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T10:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

/** A day after `at`, local date. */
const nextDay = (at: string) => localDay(plus(at, 'P1D'));

describe('repair: contact the resident and arrive on site', { timeout: SCENARIO_TIMEOUT_MS }, () => {
  it('R-REP-6: emergency orders must contact the resident within 15 minutes of sign-off, routine ones within 1 hour in working hours', async () => {
    // given an emergency and a routine order signed at 10:00
    const t0 = await world.scenarioAt('10:00');
    const emergency = await world.report({ priority: 1, description: '主水管爆裂' });
    const routine = await world.report({ priority: 3 });
    await world.signOff(emergency.id);
    await world.signOff(routine.id);

    // then each has its contact deadline, on the unit's contact task too
    expectOpen(deadline(await world.order(emergency.id), 'contact-resident'), plus(t0, 'PT15M'));
    expectOpen(deadline(await world.order(routine.id), 'contact-resident'), plus(t0, 'PT1H'));
    expect(await world.openTask('unitA1', emergency.id, 'contact-resident')).toMatchObject({ candidateUnitId: 'U-A', dueAt: plus(t0, 'PT15M') });
    expect(await world.openTask('unitA1', routine.id, 'contact-resident')).toMatchObject({ candidateUnitId: 'U-A', dueAt: plus(t0, 'PT1H') });

    // when 14:59 passes, then nothing is breached
    await world.advance('PT14M59S');
    expectOpen(deadline(await world.order(emergency.id), 'contact-resident'), plus(t0, 'PT15M'));
    expect(entries(await world.order(emergency.id), 'deadline-breached')).toHaveLength(0);

    // when 15:00 passes, then the emergency contact is breached and the unit told; the routine one is not
    await world.advance('PT1S');
    const late = await world.order(emergency.id);
    expectBreached(deadline(late, 'contact-resident'), plus(t0, 'PT15M'));
    expect(entries(late, 'deadline-breached', 'record-breach-contact')).toHaveLength(1);
    expect((await world.notifications('unitA1', emergency.id)).some((n) => n.text.includes('联系住户'))).toBe(true);
    expectOpen(deadline(await world.order(routine.id), 'contact-resident'), plus(t0, 'PT1H'));

    // and the breach does not take the task away: the unit still contacts the resident
    await world.contact(emergency.id, plus(t0, 'PT25M'));
    const contacted = await world.order(emergency.id);
    expect(contacted.status).toBe('scheduled');
    expectBreached(deadline(contacted, 'contact-resident'), plus(t0, 'PT15M'));

    // when 59:59 passes, the routine contact is still open; at 1:00:00 it is breached
    await world.pin(plus(t0, 'PT59M59S'));
    expectOpen(deadline(await world.order(routine.id), 'contact-resident'), plus(t0, 'PT1H'));
    await world.advance('PT1S');
    const routineLate = await world.order(routine.id);
    expectBreached(deadline(routineLate, 'contact-resident'), plus(t0, 'PT1H'));
    expect(entries(routineLate, 'deadline-breached', 'record-breach-contact')).toHaveLength(1);
  });

  it('R-REP-6: contacting in time meets the deadline', async () => {
    // given a routine order signed at 10:00
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3 });
    await world.signOff(order.id);

    // when the unit contacts the resident at 10:59:59
    await world.advance('PT59M59S');
    await world.contact(order.id, plus(t0, 'PT1H30M'));

    // then the contact deadline is met and stays so
    await world.advance('PT1S');
    const view = await world.order(order.id);
    expectMet(deadline(view, 'contact-resident'), plus(t0, 'PT1H'), plus(t0, 'PT59M59S'));
    expect(entries(view, 'deadline-breached', 'record-breach-contact')).toHaveLength(0);
    expect(entries(view, 'scheduled', 'schedule-arrival')).toHaveLength(1);
  });

  it('R-REP-6: a routine order signed at night is due 1 hour after the next working period starts (09:00); an emergency one 15 minutes after sign-off', async () => {
    // given a routine and an emergency order signed at 22:00
    const t0 = await world.scenarioAt('22:00');
    const routine = await world.report({ priority: 3 });
    const emergency = await world.report({ priority: 2, description: '户内停电' });
    await world.signOff(routine.id);
    await world.signOff(emergency.id);

    // then the routine contact is due at 09:00 the next morning, the emergency one at 22:15
    const nineAm = local(nextDay(t0), '09:00');
    expectOpen(deadline(await world.order(routine.id), 'contact-resident'), nineAm);
    expectOpen(deadline(await world.order(emergency.id), 'contact-resident'), plus(t0, 'PT15M'));

    // when the night passes up to 08:59:59, then the routine contact is not breached
    await world.pin(local(nextDay(t0), '08:59:59'));
    expectOpen(deadline(await world.order(routine.id), 'contact-resident'), nineAm);
    expectBreached(deadline(await world.order(emergency.id), 'contact-resident'), plus(t0, 'PT15M'));

    // when 09:00 passes, then it is
    await world.advance('PT1S');
    const late = await world.order(routine.id);
    expectBreached(deadline(late, 'contact-resident'), nineAm);
    expect(entries(late, 'deadline-breached', 'record-breach-contact')).toHaveLength(1);
  });

  it('R-REP-6, R-WO-5: on a statutory holiday a routine order is due 1 hour after the next working period starts, the monitoring centre is on duty', async () => {
    // given the company entered tomorrow as a holiday in C001's calendar
    const admin = await world.as('admin1');
    const holiday = localDay(plus(await world.now(), 'P1D'));
    const calendar = { workStart: '08:00', workEnd: '18:00', workDays: [1, 2, 3, 4, 5, 6, 7] };
    expect((await admin.request('PUT', '/api/communities/C001/calendar', { ...calendar, holidays: [holiday] })).status).toBe(200);
    try {
      // when a routine and an emergency order are signed at 10:00 on the holiday, and one waits for triage
      const t0 = await world.scenarioAt('10:00', { day: holiday });
      const routine = await world.report({ priority: 3 });
      const emergency = await world.report({ priority: 1, description: '电梯困人' });
      const untriaged = await world.report({ priority: undefined, responsibility: undefined });
      await world.signOff(routine.id);
      await world.signOff(emergency.id);

      // then the routine contact is due at 09:00 the day after, the emergency one 15 minutes after sign-off
      const nineAm = local(nextDay(t0), '09:00');
      expectOpen(deadline(await world.order(routine.id), 'contact-resident'), nineAm);
      expectOpen(deadline(await world.order(emergency.id), 'contact-resident'), plus(t0, 'PT15M'));
      // and the holiday is night duty: the monitoring centre triages (R-WO-5)
      expect((await world.openTask('dispatcher1', untriaged.id, 'triage')).candidateGroups).toEqual(['monitoring-centre']);

      // when the holiday passes up to 08:59:59 the day after, then the routine contact is not breached; at 09:00 it is
      await world.pin(local(nextDay(t0), '08:59:59'));
      expectOpen(deadline(await world.order(routine.id), 'contact-resident'), nineAm);
      await world.advance('PT1S');
      expectBreached(deadline(await world.order(routine.id), 'contact-resident'), nineAm);
    } finally {
      expect((await admin.request('PUT', '/api/communities/C001/calendar', { ...calendar, holidays: [] })).status).toBe(200);
    }
  });

  it('R-REP-7: an emergency order must be on site within 30 minutes of sign-off', async () => {
    // given two emergency orders signed at t0, contacted at once, arrival agreed at t0 + 20 min
    const t0 = await world.scenarioAt('10:00');
    const onTime = await world.report({ priority: 1, description: '燃气泄漏' });
    const late = await world.report({ priority: 1, description: '燃气泄漏' });
    for (const order of [onTime, late]) {
      await world.signOff(order.id);
      await world.contact(order.id, plus(t0, 'PT20M'));
    }

    // then the arrival limit is 30 minutes after sign-off, on the unit's confirm-arrival task too
    const scheduled = await world.order(late.id);
    expect(scheduled.status).toBe('scheduled');
    expectOpen(deadline(scheduled, 'arrival'), plus(t0, 'PT30M'));
    expect(await world.openTask('unitA1', late.id, 'confirm-arrival')).toMatchObject({ candidateUnitId: 'U-A', dueAt: plus(t0, 'PT30M') });
    expect(scheduled.fields.callbackNeeded).toBe(false);

    // when one unit arrives at 29:59 and 29:59 passes for the other
    await world.advance('PT29M59S');
    await world.completeTask('unitA1', onTime.id, 'confirm-arrival');

    // then the first is on site in time, the second not yet breached
    const arrived = await world.order(onTime.id);
    expect(arrived.status).toBe('on-site');
    expectMet(deadline(arrived, 'arrival'), plus(t0, 'PT30M'), plus(t0, 'PT29M59S'));
    expectOpen(deadline(await world.order(late.id), 'arrival'), plus(t0, 'PT30M'));

    // when 30:00 passes, then the second is breached and the unit told; it can still confirm arrival
    await world.advance('PT1S');
    const breached = await world.order(late.id);
    expectBreached(deadline(breached, 'arrival'), plus(t0, 'PT30M'));
    expect(entries(breached, 'deadline-breached', 'record-breach-arrival')).toHaveLength(1);
    expect(await world.tasks('dispatcher1', late.id)).toEqual([]);
    await world.completeTask('unitA1', late.id, 'confirm-arrival');
    const onSite = await world.order(late.id);
    expect(onSite.status).toBe('on-site');
    expectBreached(deadline(onSite, 'arrival'), plus(t0, 'PT30M'));
  });

  it('R-REP-7: a routine order must be on site within 1 hour of contacting the resident', async () => {
    // given a routine order signed at t0 and contacted at t0 + 10 min, arrival agreed within the hour
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3 });
    await world.signOff(order.id);
    await world.advance('PT10M');
    await world.contact(order.id, plus(t0, 'PT40M'));

    // then the arrival limit is contact + 1 h, and no call-back is planned
    const limit = plus(t0, 'PT1H10M');
    const scheduled = await world.order(order.id);
    expectOpen(deadline(scheduled, 'arrival'), limit);
    expect(entries(scheduled, 'arrival-time-reported')).toHaveLength(0);

    // when 1:09:59 passes, then nothing is breached
    await world.pin(plus(t0, 'PT1H9M59S'));
    expectOpen(deadline(await world.order(order.id), 'arrival'), limit);

    // when 1:10:00 passes, then the arrival is breached, and no call-back is asked for
    await world.advance('PT1S');
    const late = await world.order(order.id);
    expectBreached(deadline(late, 'arrival'), limit);
    expect(entries(late, 'deadline-breached', 'record-breach-arrival')).toHaveLength(1);
    expect(await world.tasks('dispatcher1', order.id)).toEqual([]);
  });

  it('R-REP-7: an agreed time later than the limit is reported to the platform, which calls the resident back at that time', async () => {
    // given a routine order contacted at t0, the resident wants the unit at t0 + 3 h (the limit is t0 + 1 h)
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 3 });
    await world.signOff(order.id);
    const agreed = plus(t0, 'PT3H');
    await world.contact(order.id, agreed);

    // then the later time is reported to the platform and the arrival is checked at the agreed time
    const scheduled = await world.order(order.id);
    expect(scheduled.fields.callbackNeeded).toBe(true);
    expect(entries(scheduled, 'arrival-time-reported', 'schedule-arrival')).toHaveLength(1);
    expectOpen(deadline(scheduled, 'arrival'), agreed);
    expect((await world.notifications('dispatcher1', order.id)).some((n) => n.to === 'group:dispatcher' && n.text.includes('回访'))).toBe(true);

    // when 2:59:59 passes (well past the 1-hour limit), then no breach and no call-back yet
    await world.pin(plus(t0, 'PT2H59M59S'));
    expect(await world.tasks('dispatcher1', order.id)).toEqual([]);
    expect(entries(await world.order(order.id), 'deadline-breached')).toHaveLength(0);

    // when the agreed time comes without arrival, then the dispatchers have a call-back task
    await world.advance('PT1S');
    const callback = await world.openTask('dispatcher1', order.id, 'arrival-callback');
    expect(callback).toMatchObject({ elementId: 'arrival-callback', candidateGroups: ['dispatcher'] });
    expect(entries(await world.order(order.id), 'deadline-breached', 'record-breach-arrival')).toHaveLength(0);

    // when the dispatcher calls back and the unit then confirms its arrival
    await world.complete('dispatcher1', callback.id, { arrived: false, note: '住户说维修人员还没到' });
    await world.advance('PT5M');
    await world.completeTask('unitA1', order.id, 'confirm-arrival');

    // then the order is on site, late against the agreed time
    const onSite = await world.order(order.id);
    expect(onSite.status).toBe('on-site');
    expectBreached(deadline(onSite, 'arrival'), agreed);
  });

  it('R-REP-7: an emergency order agreed later than 30 minutes is called back at the agreed time; arriving by then meets it', async () => {
    // given an emergency order signed at t0, the resident agrees t0 + 45 min
    const t0 = await world.scenarioAt('10:00');
    const order = await world.report({ priority: 2, description: '马桶堵塞' });
    await world.signOff(order.id);
    const agreed = plus(t0, 'PT45M');
    await world.contact(order.id, agreed);
    expectOpen(deadline(await world.order(order.id), 'arrival'), agreed);
    expect(entries(await world.order(order.id), 'arrival-time-reported', 'schedule-arrival')).toHaveLength(1);

    // when the unit arrives at 44:59
    await world.advance('PT44M59S');
    await world.completeTask('unitA1', order.id, 'confirm-arrival');
    await world.advance('PT1M');

    // then the arrival is met and no call-back is needed
    const view = await world.order(order.id);
    expectMet(deadline(view, 'arrival'), agreed, plus(t0, 'PT44M59S'));
    expect(await world.tasks('dispatcher1', order.id)).toEqual([]);
  });
});
