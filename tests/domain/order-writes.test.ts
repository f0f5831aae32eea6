/**
 * Guarded writes of work orders (order-store.ts writeOrderIf, the deadline
 * loop; order-lock.ts): checked in the process under a per-order lock and
 * written by `_id` (FerretDB), or with the guard in the filter (MongoDB). Both
 * ways run here on the test server: setGuardsInFilter picks one per run.
 *
 * "Another writer" is simulated by a write slipped in between the store's
 * read and its write (the model's findOneAndUpdate wrapped once): a process
 * on MongoDB, or on FerretDB a writer of this process that takes no lock
 * (the API's cancel).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getModels, initModels } from '../../domain/models.js';
import { KeyedLock, setGuardsInFilter } from '../../domain/services/order-lock.js';
import { MongoOrderStore, OrderNotFoundError } from '../../domain/services/order-store.js';
import { OutboxNotifier } from '../../domain/services/notifier.js';
import type { Deadline } from '../../domain/work-order.model.js';
import { useTestDatabase } from '../helpers/db.js';
import { reportedRepairOrder } from '../helpers/orders.js';

const db = useTestDatabase('ordw');
const now = new Date('2026-11-23T10:00:00+08:00');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
let seq = 0;

beforeAll(async () => {
  await initModels(db.connection);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const models = () => getModels(db.connection);

async function newOrder(): Promise<string> {
  seq++;
  const order = await models().WorkOrder.create(reportedRepairOrder(`BX-20261123-${String(seq).padStart(4, '0')}`, now));
  return String(order._id);
}

const order = async (id: string) => {
  const doc = await models().WorkOrder.findById(id).lean();
  if (!doc) throw new Error(`order ${id} missing`);
  return doc;
};

/** A store that tells the resident of status changes (the notices are counted). */
const store = () => new MongoOrderStore(db.connection, () => now, { statusNotifier: new OutboxNotifier(db.connection, () => now) });
const statusNotices = (id: string) => models().Notification.countDocuments({ key: { $regex: `^status:${id}:` } });

/**
 * Runs `intruder` once, between the store's next read and its next versioned
 * write of the order (the first findOneAndUpdate that increments `version`).
 */
function intrudeBeforeNextWrite(intruder: () => Promise<unknown>): { fired: () => boolean } {
  const model = models().WorkOrder;
  const real = model.findOneAndUpdate.bind(model);
  let fired = false;
  // The wrapper hands back what the store chains on the query (.lean()); the types of
  // mongoose's overloads are not worth restating for a test double.
  const wrapped = (filter: unknown, update: { $inc?: { version?: number } }, options: unknown) => {
    if (fired || update?.$inc?.version === undefined) return real(filter as never, update as never, options as never);
    fired = true;
    return { lean: async () => (await intruder(), real(filter as never, update as never, options as never).lean()) };
  };
  vi.spyOn(model, 'findOneAndUpdate').mockImplementation(wrapped as never);
  return { fired: () => fired };
}

for (const mode of ['in the process (FerretDB)', 'in the filter (MongoDB)'] as const) {
  describe(`guarded order writes, guard ${mode}`, () => {
    beforeAll(() => {
      setGuardsInFilter(db.connection, mode === 'in the filter (MongoDB)');
    });

    it('concurrent updates of one order with the same idempotency key apply once (one version, one entry, one notice)', async () => {
      const id = await newOrder();
      // Several store objects, as the workers, the user-task listener and the API each have their own.
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store().update(id, { status: 'dispatched', fields: { attempt: i } }, { key: 'job-7:dispatched', type: 'dispatched', actor: 'system', note: 'to U-A' }),
        ),
      );
      const doc = await order(id);
      expect(doc.version).toBe(1);
      expect(doc.status).toBe('dispatched');
      expect(doc.appliedKeys).toEqual(['job-7:dispatched']);
      expect(await models().Timeline.countDocuments({ workOrderId: id, key: 'job-7:dispatched' })).toBe(1);
      expect(await statusNotices(id)).toBe(1);
    });

    it('two concurrent patches with different keys both apply (version +2), each notice once', async () => {
      const id = await newOrder();
      const s = store();
      await Promise.all([
        s.update(id, { status: 'dispatched', fields: { a: 1 } }, { key: 'job-a', type: 't', actor: 'system', note: 'a' }),
        store().update(id, { fields: { b: 2 } }, { key: 'job-b', type: 't', actor: 'system', note: 'b' }),
      ]);
      const doc = await order(id);
      expect(doc.version).toBe(2);
      expect(doc.fields).toMatchObject({ a: 1, b: 2 });
      expect([...doc.appliedKeys].sort()).toEqual(['job-a', 'job-b']);
      expect(await statusNotices(id)).toBe(1);
    });

    it('concurrent deadline edits, patches and a signature all apply, none lost; the signature once', async () => {
      const id = await newOrder();
      await Promise.all([
        store().openDeadline(id, { name: 'sign-off', dueAt: at(8) }),
        store().openDeadline(id, { name: 'contact-resident', dueAt: at(30) }),
        store().openTaskDeadline(id, { taskKey: 'task-1', name: 'arrival', dueAt: at(60) }),
        store().update(id, { fields: { x: 1 } }, { key: 'job-x', type: 't', actor: 'system', note: 'x' }),
        store().update(id, { fields: { y: 1 } }),
        store().markSigned(id, at(1)),
        store().markSigned(id, at(2)),
      ]);
      const doc = await order(id);
      expect(doc.deadlines.map((d) => d.name).sort()).toEqual(['arrival', 'contact-resident', 'sign-off']);
      expect(doc.fields).toMatchObject({ x: 1, y: 1 });
      expect(doc.signedAt?.getTime()).toBe(at(1).getTime());
      // 3 deadline edits + 2 patches + 1 signature.
      expect(doc.version).toBe(6);
    });

    it('a redelivered update (same key, later) changes nothing: no version, no notice', async () => {
      const id = await newOrder();
      const entry = { key: 'job-9:status', type: 'status', actor: 'system', note: 'dispatched' };
      await store().update(id, { status: 'dispatched' }, entry);
      await store().update(id, { status: 'reported' }, entry);
      const doc = await order(id);
      expect(doc).toMatchObject({ status: 'dispatched', version: 1 });
      expect(await statusNotices(id)).toBe(1);
    });

    it('the guard still holds when the write is retried: the same key applied by another writer meanwhile is not applied again', async () => {
      const id = await newOrder();
      const probe = intrudeBeforeNextWrite(() =>
        // What another writer (process) does with the same key between our read and our write.
        models().WorkOrder.updateOne({ _id: id }, { $set: { status: 'dispatched' }, $push: { appliedKeys: 'job-1:status' }, $inc: { version: 1 } }),
      );
      const attempt = store().update(id, { status: 'dispatched' }, { key: 'job-1:status', type: 'status', actor: 'system', note: 'dispatched' });
      if (mode === 'in the filter (MongoDB)') {
        await attempt;
        const doc = await order(id);
        expect(probe.fired()).toBe(true);
        // The filtered write missed, the retry read the order and found the key: applied once, by the other writer.
        expect(doc.appliedKeys).toEqual(['job-1:status']);
        expect(doc.version).toBe(1);
        expect(await statusNotices(id)).toBe(0);
      } else {
        // On FerretDB no writer of appliedKeys works outside the lock; if one did, the store says so instead of passing over it.
        await expect(attempt).rejects.toThrow(/guard did not hold/);
      }
    });

    it('a writer that takes no lock (the API cancel) between read and write: the patch applies once, its notice says from what', async () => {
      const id = await newOrder();
      intrudeBeforeNextWrite(() => models().WorkOrder.updateOne({ _id: id }, { $set: { status: 'withdrawn' }, $inc: { version: 1 } }));
      await store().update(id, { status: 'closed' }, { key: 'job-2:close', type: 'closed', actor: 'system', note: 'closed' });
      const doc = await order(id);
      expect(doc).toMatchObject({ status: 'closed', version: 2, appliedKeys: ['job-2:close'] });
      // The notice is of the change this write made (from withdrawn), once.
      const notices = await models().Notification.find({ key: { $regex: `^status:${id}:` } }).lean();
      expect(notices).toHaveLength(1);
      expect(notices[0]?.text).toContain('closed');
    });

    it('a deadline edit retried after another writer changed the order: applied once, on the current list', async () => {
      const id = await newOrder();
      await store().openDeadline(id, { name: 'sign-off', dueAt: at(8) });
      intrudeBeforeNextWrite(() => models().WorkOrder.updateOne({ _id: id }, { $set: { status: 'dispatched' }, $inc: { version: 1 } }));
      await store().closeDeadline(id, 'sign-off', 'met', at(5));
      const doc = await order(id);
      expect(doc.status).toBe('dispatched');
      expect(doc.deadlines).toHaveLength(1);
      expect(doc.deadlines[0]).toMatchObject({ name: 'sign-off', breached: false });
      expect(doc.deadlines[0]?.metAt?.getTime()).toBe(at(5).getTime());
      // open (1) + the other writer (1) + the close (1): a retry on MongoDB reads again and writes once.
      expect(doc.version).toBe(3);
    });

    it('a deadline list changed by another writer between read and write is not lost: the edit is made on that list', async () => {
      const id = await newOrder();
      await store().openDeadline(id, { name: 'sign-off', dueAt: at(8) });
      const theirs: Deadline = { name: 'feedback', dueAt: at(90), metAt: null, breached: false, canceledAt: null };
      intrudeBeforeNextWrite(async () => {
        const doc = await order(id);
        await models().WorkOrder.updateOne({ _id: id }, { $set: { deadlines: [...doc.deadlines, theirs] }, $inc: { version: 1 } });
      });
      await store().openDeadline(id, { name: 'contact-resident', dueAt: at(30) });
      const doc = await order(id);
      expect(doc.deadlines.map((d) => d.name)).toEqual(['sign-off', 'feedback', 'contact-resident']);
      expect(doc.deadlines.filter((d) => d.name === 'contact-resident')).toHaveLength(1);
    });

    it('a deadline edit that no longer applies to the other writer\'s list leaves that list as it was', async () => {
      const id = await newOrder();
      await store().openDeadline(id, { name: 'sign-off', dueAt: at(8) });
      intrudeBeforeNextWrite(async () => {
        const doc = await order(id);
        // The other writer closes the deadline first.
        const closed = doc.deadlines.map((d) => ({ ...d, breached: true }));
        await models().WorkOrder.updateOne({ _id: id }, { $set: { deadlines: closed }, $inc: { version: 1 } });
      });
      await store().closeDeadline(id, 'sign-off', 'met', at(5));
      const doc = await order(id);
      expect(doc.deadlines).toHaveLength(1);
      expect(doc.deadlines[0]).toMatchObject({ name: 'sign-off', breached: true, metAt: null });
    });

    it('writes to an order that does not exist: not found, as before', async () => {
      const missing = '65f000000000000000000000';
      await expect(store().update(missing, { fields: { a: 1 } }, { key: 'k', type: 't', actor: 'system', note: 'n' })).rejects.toBeInstanceOf(OrderNotFoundError);
      await expect(store().update(missing, { fields: { a: 1 } })).rejects.toBeInstanceOf(OrderNotFoundError);
      await expect(store().openDeadline(missing, { name: 'x', dueAt: now })).rejects.toBeInstanceOf(OrderNotFoundError);
      await expect(store().markSigned(missing, now)).resolves.toBeUndefined();
    });
  });
}

describe('KeyedLock', () => {
  it('runs one at a time per key, other keys alongside; released after an error; forgets idle keys', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let releaseFirst!: () => void;
    const gate = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = lock.run('a', async () => {
      log.push('a1 start');
      await gate;
      log.push('a1 end');
    });
    const second = lock.run('a', async () => {
      log.push('a2');
      throw new Error('boom');
    });
    const third = lock.run('a', async () => log.push('a3'));
    const other = lock.run('b', async () => log.push('b'));
    await other;
    expect(log).toEqual(['a1 start', 'b']);
    expect(lock.size).toBe(1);
    releaseFirst();
    await first;
    await expect(second).rejects.toThrow('boom');
    await third;
    expect(log).toEqual(['a1 start', 'b', 'a1 end', 'a2', 'a3']);
    expect(lock.size).toBe(0);
  });
});
