/**
 * Outage notices (停水停电通知, R-OUT-1) through the HTTP API on the embedded
 * engine, with the engine clock: planned water stops announced one day
 * ahead, planned power stops two days ahead, at most 4 hours long (400
 * naming the field otherwise); sudden stops announced within 10 minutes —
 * both sides of each deadline; the numbers come from the deployed model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RepairWorld, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T08:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

interface OutageView {
  id: string;
  number: string;
  status: string;
  notifyAt: string | null;
  noticeDueAt: string | null;
  notifiedAt: string | null;
  noticeBreached: boolean;
  events: { type: string; note: string }[];
}

async function register(body: Record<string, unknown>, as: 'dispatcher1' | 'supervisor1' = 'dispatcher1') {
  const res = await (await world.as(as)).post('/api/outages', { communityId: 'C001', ...body });
  await world.server.engine.idle();
  return res;
}

async function outage(id: string): Promise<OutageView> {
  const res = await (await world.as('dispatcher1')).get(`/api/outages/${id}`);
  expect(res.status).toBe(200);
  return res.body as OutageView;
}

/** The notices to every resident of C001 that resident1 sees about a stop starting at that local time. */
async function noticesAbout(startsAtLocal: string): Promise<{ text: string; channel: string; to: string }[]> {
  return (await world.notifications('resident1')).filter((n) => n.to === 'residents:C001' && n.text.includes(startsAtLocal));
}

/** `YYYY-MM-DD HH:mm` in Shanghai, as the notice text shows it. */
function localText(at: string): string {
  return new Date(new Date(at).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

describe('planned stops (R-OUT-1)', () => {
  it('R-OUT-1: a planned water stop is announced to every resident one day ahead, not earlier', async () => {
    const now = await world.scenarioAt('09:00');
    const startsAt = plus(now, 'P1DT5H'); // tomorrow 14:00
    const res = await register({ utility: 'water', planned: true, startsAt, endsAt: plus(startsAt, 'PT4H'), cause: '清洗二次供水水箱' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.number).toMatch(/^TD-\d{8}-\d{4}$/);
    expect((await outage(res.body.id)).notifyAt).toBe(plus(now, 'PT5H'));

    await world.advance('PT4H59M59S');
    expect(await noticesAbout(localText(startsAt))).toEqual([]);
    expect((await outage(res.body.id)).status).toBe('scheduled');

    await world.advance('PT1S');
    const notices = await noticesAbout(localText(startsAt));
    expect(notices.map((n) => n.channel).sort()).toEqual(['app', 'sms']);
    expect(notices[0]!.text).toContain('停水');
    expect(notices[0]!.text).toContain('清洗二次供水水箱');
    const done = await outage(res.body.id);
    expect(done).toMatchObject({ status: 'notified', notifiedAt: plus(now, 'PT5H'), noticeBreached: false });
    // DemoUser do not get residents' notices.
    expect((await world.notifications('unitA1')).filter((n) => n.to === 'residents:C001')).toEqual([]);
  });

  it('R-OUT-1: a planned power stop is announced two days ahead', async () => {
    const now = await world.scenarioAt('09:00');
    const startsAt = plus(now, 'P2DT1H');
    const res = await register({ utility: 'power', planned: true, startsAt, endsAt: plus(startsAt, 'PT3H'), cause: '变压器检修' }, 'supervisor1');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await outage(res.body.id)).notifyAt).toBe(plus(now, 'PT1H'));
    await world.advance('PT59M59S');
    expect(await noticesAbout(localText(startsAt))).toEqual([]);
    await world.advance('PT1S');
    expect((await noticesAbout(localText(startsAt)))[0]!.text).toContain('停电');
  });

  it('R-OUT-1: exactly one day ahead and exactly 4 hours is accepted and announced at once', async () => {
    const now = await world.scenarioAt('09:00');
    const startsAt = plus(now, 'P1D');
    const res = await register({ utility: 'water', planned: true, startsAt, endsAt: plus(startsAt, 'PT4H') });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await world.advance('PT1S');
    expect((await outage(res.body.id)).status).toBe('notified');
  });

  it.each([
    ['a water stop less than one day ahead', 'startsAt', { utility: 'water', startsAt: 'PT23H59M', hours: 'PT2H' }],
    ['a power stop less than two days ahead', 'startsAt', { utility: 'power', startsAt: 'P1DT23H', hours: 'PT2H' }],
    ['a stop longer than 4 hours', 'endsAt', { utility: 'water', startsAt: 'P3D', hours: 'PT4H1M' }],
    ['an end before the start', 'endsAt', { utility: 'power', startsAt: 'P3D', hours: null }],
  ])('R-OUT-1: %s → 400 naming %s; nothing stored, no process', async (_what, field, spec) => {
    const now = await world.scenarioAt('09:00');
    const before = (await (await world.as('dispatcher1')).get('/api/outages')).body.total;
    const startsAt = plus(now, spec.startsAt);
    const endsAt = spec.hours ? plus(startsAt, spec.hours) : plus(now, 'PT1H');
    const res = await register({ utility: spec.utility, planned: true, startsAt, endsAt });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([field]);
    expect((await (await world.as('dispatcher1')).get('/api/outages')).body.total).toBe(before);
  });

  it('R-OUT-1: a planned stop without its end → 400 naming endsAt; only the service centre and supervisors register stops', async () => {
    const now = await world.scenarioAt('09:00');
    const missing = await register({ utility: 'water', planned: true, startsAt: plus(now, 'P2D') });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ path: 'endsAt', message: 'is required for a planned stop' }]);
    for (const user of ['resident1', 'unitA1', 'finance1'] as const) {
      const res = await (await world.as(user)).post('/api/outages', { communityId: 'C001', utility: 'water', planned: false, startsAt: now });
      expect(res.status, user).toBe(403);
    }
  });
});

describe('sudden stops (R-OUT-1)', () => {
  it('R-OUT-1: a sudden stop announced within 10 minutes: the residents are told, on time', async () => {
    const now = await world.scenarioAt('15:00');
    const res = await register({ utility: 'water', planned: false, startsAt: now, cause: '市政供水管爆裂' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((await outage(res.body.id)).noticeDueAt).toBe(plus(now, 'PT10M'));
    const task = (await world.taskQuery('dispatcher1', 'kind=outage-notice')).find((t) => t.variables.outageId === res.body.id);
    expect(task?.dueAt).toBe(plus(now, 'PT10M'));

    await world.advance('PT9M59S');
    expect((await outage(res.body.id)).noticeBreached).toBe(false);
    await world.complete('dispatcher1', task!.id, { cause: '市政供水管爆裂', noticeText: '【临时停水通知】因市政供水管爆裂,小区临时停水,恢复时间另行通知。' });
    const done = await outage(res.body.id);
    expect(done).toMatchObject({ status: 'notified', noticeBreached: false });
    expect((await world.notifications('resident1')).filter((n) => n.text.includes('因市政供水管爆裂,小区临时停水'))).toHaveLength(2);
  });

  it('R-OUT-1: not announced within 10 minutes → breached; the service centre and supervisors are told; the notice still goes out', async () => {
    const now = await world.scenarioAt('15:00');
    const res = await register({ utility: 'power', planned: false, startsAt: now });
    await world.advance('PT10M');
    let late = await outage(res.body.id);
    expect(late.noticeBreached).toBe(true);
    expect(late.events.filter((e) => e.type === 'deadline-breached')).toHaveLength(1);
    expect((await world.notifications('supervisor1')).filter((n) => n.text.includes(res.body.number))).toHaveLength(1);
    expect((await world.notifications('dispatcher1')).filter((n) => n.to === 'group:dispatcher' && n.text.includes(res.body.number))).toHaveLength(1);

    const task = (await world.taskQuery('dispatcher1', 'kind=outage-notice')).find((t) => t.variables.outageId === res.body.id);
    await world.complete('dispatcher1', task!.id, {});
    late = await outage(res.body.id);
    expect(late).toMatchObject({ status: 'notified', noticeBreached: true });
  });
});

describe('the numbers are the model\'s (R-OUT-1)', () => {
  it('R-OUT-1: a process owner deploys a model with a two-day water lead time; the API then refuses one day ahead', async () => {
    const owner = await world.as('owner1');
    const xml = (await owner.get('/api/processes/outage-notice/xml')).body as string;
    const changed = xml.replace('key="waterLeadTime" value="P1D"', 'key="waterLeadTime" value="P2D"');
    expect(changed).not.toBe(xml);
    const deployed = await owner.post('/api/deployments', { name: 'outage-notice.bpmn', xml: changed });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);

    const now = await world.scenarioAt('09:00');
    const res = await register({ utility: 'water', planned: true, startsAt: plus(now, 'P1DT1H'), endsAt: plus(now, 'P1DT3H') });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ path: 'startsAt', message: expect.stringContaining('P2D') });
  });
});
