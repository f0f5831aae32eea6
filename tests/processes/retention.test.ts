/**
 * R-LED-3 retention, enforced: dispatch sheets and visit logs are kept two
 * years (from the report, by the engine clock), public-facility records
 * permanently. The retention sweep (run whenever the clock moves, every hour,
 * and by POST /api/work-orders/retention/sweep) deletes an ended order with
 * its timeline, notifications and uploads once its two years have passed;
 * DELETE /api/work-orders/:id refuses (409) any earlier deletion, a
 * public-facility record and an order still open. Both sides of the 2-year
 * line, with the controllable clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RepairWorld } from './support.js';

import { getModels } from '../../domain/models.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T08:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

const repair = (responsibility: string) => ({ faultType: 'plumbing', symptom: '漏水', part: '卫生间', priority: 3, responsibility });

/** A repair the resident withdraws before sign-off: an ended order. */
async function endedOrder(responsibility: string): Promise<{ id: string; number: string; reportedAt: string }> {
  const order = await world.create('repair', repair(responsibility));
  const res = await (await world.as('resident1')).post(`/api/work-orders/${order.id}/cancel`, { reason: '已自行修好' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.status).toBe('withdrawn');
  return { id: order.id, number: order.number, reportedAt: res.body.reportedAt as string };
}

/** What the order leaves in each collection. */
async function traces(id: string, uploadId: string): Promise<Record<string, number>> {
  const models = getModels(world.server.connection);
  return {
    order: await models.WorkOrder.countDocuments({ _id: id }),
    timeline: await models.Timeline.countDocuments({ workOrderId: id }),
    notifications: await models.Notification.countDocuments({ workOrderId: id }),
    uploads: await world.server.connection.collection<{ _id: string }>('uploads').countDocuments({ _id: uploadId }),
  };
}

async function deleteOrder(id: string, as: 'admin1' | 'dispatcher1' = 'admin1') {
  return (await world.as(as)).request('DELETE', `/api/work-orders/${id}`);
}

describe('R-LED-3: dispatch sheets kept two years, public-facility records permanently', () => {
  it('R-LED-3: nothing is deleted a second before the two years; at the line the sweep deletes the ended order and all it left, never the public-facility record or an open order', async () => {
    const at = await world.scenarioAt('09:00');
    const owner = await endedOrder('owner');
    const shared = await endedOrder('shared');
    const open = await world.create('repair', repair('owner'));
    // A photo of the order (given data: stored as the upload endpoint stores it).
    const uploadId = 'upl-retention-1';
    await world.server.connection.collection<{ _id: string }>('uploads').insertOne({
      _id: uploadId,
      ownerId: 'u-resident1',
      ownerUsername: 'resident1',
      contentType: 'image/png',
      fileName: 'leak.png',
      size: 1,
      data: Buffer.from([0]),
      createdAt: new Date(at),
    } as never);
    await getModels(world.server.connection).WorkOrder.updateOne({ _id: owner.id }, { $set: { attachments: [uploadId] } });
    const before = await traces(owner.id, uploadId);
    expect(before.order).toBe(1);
    expect(before.timeline).toBeGreaterThan(0);
    expect(before.notifications).toBeGreaterThan(0);
    expect(before.uploads).toBe(1);

    // Only an admin deletes; before its time, 409 and nothing changes.
    expect((await deleteOrder(owner.id, 'dispatcher1')).status).toBe(403);
    const early = await deleteOrder(owner.id);
    expect(early.status, JSON.stringify(early.body)).toBe(409);
    expect(early.body.error.code).toBe('RETENTION_NOT_EXPIRED');

    // One second before two years after the report: the clock's sweep keeps everything.
    const twoYears = new Date(Date.parse(owner.reportedAt));
    twoYears.setUTCFullYear(twoYears.getUTCFullYear() + 2);
    await world.pin(new Date(twoYears.getTime() - 1000).toISOString());
    expect(await world.now()).toBe(new Date(twoYears.getTime() - 1000).toISOString());
    expect((await deleteOrder(owner.id)).status).toBe(409);
    expect((await (await world.as('admin1')).post('/api/work-orders/retention/sweep')).body).toEqual({ purged: [] });
    expect(await traces(owner.id, uploadId)).toEqual(before);

    // At the line: the sweep that runs when the clock moves deletes it with its timeline, notices and photos.
    await world.pin(twoYears.toISOString());
    expect(await traces(owner.id, uploadId)).toEqual({ order: 0, timeline: 0, notifications: 0, uploads: 0 });
    expect((await (await world.as('admin1')).get(`/api/work-orders/${owner.id}`)).status).toBe(404);

    // The public-facility record and the order still open are kept, and cannot be deleted.
    for (const kept of [shared.id, open.id]) {
      expect((await (await world.as('admin1')).get(`/api/work-orders/${kept}`)).status).toBe(200);
      const refused = await deleteOrder(kept);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('RETENTION_NOT_EXPIRED');
    }
    expect((await (await world.as('admin1')).post('/api/work-orders/retention/sweep')).body).toEqual({ purged: [] });
  });

  it('R-LED-3: an ended order reported more than two years ago is deleted on request; an unknown one is 404', async () => {
    await world.scenarioAt('09:00');
    const old = await endedOrder('paid');
    // Given data: reported two years and a day before now (the clock only moves forward).
    const reportedAt = new Date(Date.parse(await world.now()));
    reportedAt.setUTCFullYear(reportedAt.getUTCFullYear() - 2);
    reportedAt.setUTCDate(reportedAt.getUTCDate() - 1);
    await getModels(world.server.connection).WorkOrder.updateOne({ _id: old.id }, { $set: { reportedAt } });
    const res = await deleteOrder(old.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ workOrderId: old.id, number: old.number, purged: true });
    expect((await getModels(world.server.connection).Timeline.countDocuments({ workOrderId: old.id }))).toBe(0);
    expect((await deleteOrder(old.id)).status).toBe(404);
  });
});
