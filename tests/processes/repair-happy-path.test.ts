/**
 * The repair procedure end to end through the HTTP API alone, as the
 * foundation issue describes it: a dispatcher reports, the first-line unit
 * signs, contacts the resident, arrives, repairs, the resident signs and
 * rates, the return visit closes the order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepairWorld } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T10:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

describe('repair procedure through the API (R-REP-1, R-REP-6, R-REP-7, R-REP-8, R-REP-11, R-REP-12)', () => {
  it('goes from report to closed with every step on the timeline', async () => {
    const order = await world.report();
    expect(order.number).toMatch(/^BX-\d{8}-\d{4}$/);

    await world.completeTask('unitA1', order.id, 'sign-off');
    expect((await world.order(order.id)).status).toBe('signed');

    await world.completeTask('unitA1', order.id, 'contact-resident', { agreedArrivalAt: '2026-11-23T10:40:00+08:00' });
    expect((await world.order(order.id)).status).toBe('scheduled');

    await world.completeTask('unitA1', order.id, 'confirm-arrival');
    expect((await world.order(order.id)).status).toBe('on-site');

    await world.completeTask('unitA1', order.id, 'report-result', { result: 'repaired' });
    expect((await world.order(order.id)).status).toBe('resolved');

    await world.completeTask('unitA1', order.id, 'resident-signature', { quality: 5, timeliness: 4, attitude: 5 });
    await world.completeTask('dispatcher1', order.id, 'return-visit', { satisfied: true, rating: 5, comment: '很满意' });

    const final = await world.order(order.id);
    expect(final.status).toBe('closed');
    expect((await world.instance(order.processInstanceKey)).state).toBe('completed');
    expect(final.timeline.length).toBeGreaterThan(8);
    expect(final.deadlines.find((d) => d.name === 'sign-off')).toMatchObject({ breached: false });
    expect(final.deadlines.every((d) => !d.breached)).toBe(true);
  });
});
