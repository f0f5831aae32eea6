/**
 * The order cache (domain/services/order-cache.ts): a guarded write reads the
 * order as this process last wrote it instead of reading it again, and a
 * write that bypasses the store (the API's cancel, the process-start record)
 * never leaves a stale copy behind.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getModels, initModels } from '../../domain/models.js';
import { applyUpdate, orderCacheOf, type CachedOrder } from '../../domain/services/order-cache.js';
import { MongoOrderStore, writeOrderIf } from '../../domain/services/order-store.js';
import { guardsInFilter } from '../../domain/services/order-lock.js';
import { useTestDatabase } from '../helpers/db.js';
import { reportedRepairOrder } from '../helpers/orders.js';

const db = useTestDatabase('ocache');
const now = new Date('2026-11-23T10:00:00+08:00');

beforeAll(async () => {
  await initModels(db.connection);
});

async function newOrder(number: string): Promise<string> {
  const order = await getModels(db.connection).WorkOrder.create(reportedRepairOrder(number, now, { timelineIds: [], timelineIndexed: true }));
  return String(order._id);
}

describe('order cache', () => {
  it('is used on this database (FerretDB: one writing process), not where guards go into the filter', async () => {
    // The suite runs on FerretDB; on MongoDB the cache is off and these tests would prove nothing.
    expect(await guardsInFilter(db.connection)).toBe(false);
  });

  it('a job after a job reads nothing: the order as the first one wrote it is kept', async () => {
    const m = getModels(db.connection);
    const store = new MongoOrderStore(db.connection, () => now);
    const id = await newOrder('BX-20261123-9101');
    await store.update(id, { status: 'dispatched', assignedUnitId: 'U-A' }, { key: 'job-1:d', type: 'dispatched', actor: 'system', note: 'x' });
    const reads = vi.spyOn(m.WorkOrder, 'findById');
    try {
      await store.update(
        id,
        { status: 'scheduled', fields: { agreedArrivalAt: '2026-11-23T11:00:00+08:00' }, openDeadlines: [{ name: 'arrival', dueAt: new Date(now.getTime() + 3_600_000) }] },
        { key: 'job-2:s', type: 'scheduled', actor: 'system', note: 'y' },
      );
      await store.closeDeadline(id, 'arrival', 'met', now);
      // a redelivery of the first job is refused by the key the cache holds
      await store.update(id, { status: 'dispatched' }, { key: 'job-1:d', type: 'dispatched', actor: 'system', note: 'x' });
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    const order = (await m.WorkOrder.findById(id).lean())!;
    expect(order.status).toBe('scheduled');
    expect(order.fields).toMatchObject({ agreedArrivalAt: '2026-11-23T11:00:00+08:00' });
    expect(order.deadlines).toMatchObject([{ name: 'arrival', metAt: now }]);
    expect(order.appliedKeys).toEqual(['job-1:d', 'job-2:s']);
  });

  it('a write that bypasses the store drops the kept order: the next guard sees that write', async () => {
    const m = getModels(db.connection);
    const store = new MongoOrderStore(db.connection, () => now);
    const id = await newOrder('BX-20261123-9102');
    await store.update(id, { status: 'dispatched' }, { key: 'job-3:d', type: 'dispatched', actor: 'system', note: 'x' });
    // as the API's cancel does it: straight through the model, no lock, no store
    await m.WorkOrder.updateOne({ _id: id }, { $set: { status: 'withdrawn', processInstanceKey: 'pi-9' }, $inc: { version: 1 } });
    const reads = vi.spyOn(m.WorkOrder, 'findById');
    try {
      const result = await writeOrderIf(
        db.connection,
        id,
        { holds: (doc) => doc.processInstanceKey == null, filter: { processInstanceKey: null } },
        { $set: { processInstanceKey: 'pi-other' }, $inc: { version: 1 } },
      );
      expect(result.outcome).toBe('guard-failed');
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
    expect((await m.WorkOrder.findById(id).lean())?.processInstanceKey).toBe('pi-9');
  });

  it('a write reported while a read is under way keeps that read out of the cache', async () => {
    const m = getModels(db.connection);
    const store = new MongoOrderStore(db.connection, () => now);
    const id = await newOrder('BX-20261123-9103');
    // the read's answer is on its way when a write of the same order lands
    const read = await orderCacheOf(db.connection).read(id, async () => {
      const doc = await m.WorkOrder.findById(id).lean<CachedOrder>();
      await m.WorkOrder.updateOne({ _id: id }, { $set: { status: 'dispatched' }, $inc: { version: 1 } });
      return doc;
    });
    expect(read?.status).toBe('reported');
    expect((await store.get(id))?.status).toBe('dispatched');
  });
});

describe('applyUpdate', () => {
  const base = { _id: 'x', status: 'reported', version: 3, fields: { a: 1 }, appliedKeys: ['k1'] } as unknown as CachedOrder;

  it('applies $set (dotted too), $inc, $push and $unset to a copy', () => {
    const after = applyUpdate(base, { $set: { status: 'closed', 'fields.b': 2 }, $inc: { version: 1 }, $push: { appliedKeys: 'k2', timelineIds: 't1' }, $unset: { cancelReason: 1 } });
    expect(after).toMatchObject({ status: 'closed', version: 4, fields: { a: 1, b: 2 }, appliedKeys: ['k1', 'k2'], timelineIds: ['t1'] });
    expect(base).toMatchObject({ status: 'reported', version: 3, fields: { a: 1 }, appliedKeys: ['k1'] });
  });

  it('refuses what it does not know (the entry is then dropped, not guessed)', () => {
    expect(applyUpdate(base, { $pull: { appliedKeys: 'k1' } })).toBeUndefined();
    expect(applyUpdate(base, { $push: { appliedKeys: { $each: ['a', 'b'] } } })).toBeUndefined();
    expect(applyUpdate(base, { $setOnInsert: { status: 'x' } })).toBeUndefined();
    expect(applyUpdate(base, { status: 'replaced' })).toBeUndefined();
  });
});
