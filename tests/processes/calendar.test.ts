/* eslint-disable @typescript-eslint/no-explicit-any -- process tests read arbitrary JSON answers of the API */
/**
 * The working-hours calendar kept on the community (hours, working days,
 * holidays, day and night duty groups), edited by an admin through the API
 * and read by the workers on every job: R-WO-5 (who is on duty when a report
 * arrives) and R-REP-6 (a routine order signed out of hours is answered within
 * 1 hour of the start of the next working period, holidays skipped).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RepairWorld, local, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T09:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

const CALENDAR = {
  workStart: '09:00',
  workEnd: '17:00',
  workDays: [1, 2, 3, 4, 5],
  holidays: ['2026-12-01'],
  dayGroup: 'dispatcher',
  nightGroup: 'monitoring-centre',
};

async function setCalendar(body: Record<string, unknown>): Promise<any> {
  const res = await (await world.as('admin1')).request('PUT', '/api/communities/C001/calendar', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe('the community calendar through the API', () => {
  it('an admin reads and replaces it; staff read it; others may not change it; bad input is 400', async () => {
    const before = await (await world.as('dispatcher1')).get('/api/communities/C001/calendar');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ communityId: 'C001', timeZone: 'Asia/Shanghai', workStart: '08:00', workEnd: '18:00', holidays: [] });

    expect(await setCalendar(CALENDAR)).toEqual({ communityId: 'C001', timeZone: 'Asia/Shanghai', ...CALENDAR });
    const supervisor = await world.as('supervisor1');
    expect((await supervisor.request('PUT', '/api/communities/C001/calendar', CALENDAR)).status).toBe(403);
    const admin = await world.as('admin1');
    const bad = await admin.request('PUT', '/api/communities/C001/calendar', { ...CALENDAR, workStart: '18:00', holidays: ['2026-02-30'], workDays: [8] });
    expect(bad.status).toBe(400);
    expect((bad.body.error.details as any[]).map((d) => d.path).sort()).toEqual(['holidays.0', 'workDays.0', 'workEnd'].sort());
    expect((await admin.request('PUT', '/api/communities/NOPE/calendar', CALENDAR)).status).toBe(404);
    expect((await (await world.as('resident1')).get('/api/communities/C001/calendar')).status).toBe(403);
  });
});

describe('R-WO-5: the duty group comes from the community calendar', () => {
  it('in the community\'s hours the day group triages; after its end (17:00, not the default 18:00) the night group', async () => {
    await setCalendar(CALENDAR);
    await world.scenarioAt('16:50', { day: '2026-11-26' });
    const day = await world.report({ priority: undefined, responsibility: undefined });
    expect((await world.openTask('dispatcher1', day.id, 'triage')).candidateGroups).toEqual(['dispatcher']);

    await world.pin(local('2026-11-26', '17:10'));
    const night = await world.report({ priority: undefined, responsibility: undefined });
    expect((await world.openTask('dispatcher1', night.id, 'triage')).candidateGroups).toEqual(['monitoring-centre']);
  });

  it('a community names its own night group: the next report at night goes there at once', async () => {
    await setCalendar({ ...CALENDAR, nightGroup: 'supervisor' });
    await world.scenarioAt('22:00', { day: '2026-11-27' });
    const night = await world.report({ priority: undefined, responsibility: undefined });
    expect((await world.openTask('supervisor1', night.id, 'triage')).candidateGroups).toEqual(['supervisor']);
    await setCalendar(CALENDAR);
  });
});

describe('R-REP-6: the next working period by the community calendar', () => {
  it('a routine order signed on Monday 30 Nov at 17:30 (after hours, the next day a holiday) is due Wednesday 10:00', async () => {
    await setCalendar(CALENDAR);
    await world.scenarioAt('17:25', { day: '2026-11-30' });
    const order = await world.report();
    await world.advance('PT5M');
    const signedAt = await world.now();
    await world.signOff(order.id);
    const contact = await world.openTask('unitA1', order.id, 'contact-resident');
    expect(contact.dueAt).toBe(local('2026-12-02', '10:00'));
    expect(plus(signedAt, 'PT1H')).not.toBe(contact.dueAt);
  });

  it('signed on Friday within the community\'s hours: due an hour later', async () => {
    await world.scenarioAt('10:00', { day: '2026-12-04' });
    const order = await world.report();
    await world.signOff(order.id);
    expect((await world.openTask('unitA1', order.id, 'contact-resident')).dueAt).toBe(local('2026-12-04', '11:00'));
  });

  it('signed on Friday at 17:30: the weekend has no working hours, due Monday 10:00', async () => {
    await world.pin(local('2026-12-04', '17:30'));
    const order = await world.report();
    await world.signOff(order.id);
    expect((await world.openTask('unitA1', order.id, 'contact-resident')).dueAt).toBe(local('2026-12-07', '10:00'));
  });
});
