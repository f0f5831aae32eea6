/**
 * The MongoDB domain services behind the ports: idempotent under
 * at-least-once delivery (the same job or task event twice writes once).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getModels, initModels } from '../../domain/models.js';
import { createUserTaskListener, MongoDirectory, MongoOrderStore, OutboxNotifier, seedDemo } from '../../domain/services/index.js';
import type { UserTask } from '../../engine/port.js';
import { useTestDatabase } from '../helpers/db.js';
import { reportedRepairOrder } from '../helpers/orders.js';

const db = useTestDatabase('svc');
const now = new Date('2026-11-23T10:00:00+08:00');
let orderId = '';

beforeAll(async () => {
  await initModels(db.connection);
  await seedDemo(db.connection, { bcryptRounds: 4 });
  const order = await getModels(db.connection).WorkOrder.create(reportedRepairOrder('BX-20261123-9001', now, { reporterUserId: 'u-resident1' }));
  orderId = String(order._id);
});

const task = (over: Partial<UserTask> = {}): UserTask => ({
  key: 'task-1',
  processInstanceKey: 'pi-1',
  bpmnProcessId: 'repair',
  processDefinitionVersion: 1,
  elementId: 'sign-off-first',
  name: '签收 Sign for order',
  kind: 'sign-off',
  candidateGroups: ['unit:U-A'],
  candidateUsers: [],
  customHeaders: { kind: 'sign-off' },
  variables: { workOrderId: orderId },
  businessKey: orderId,
  state: 'created',
  createdAt: now.toISOString(),
  dueDate: new Date(now.getTime() + 8 * 60_000).toISOString(),
  ...over,
});

describe('OrderStore (MongoDB)', () => {
  it('get gives the summary with the reporter; unknown ids give undefined', async () => {
    const store = new MongoOrderStore(db.connection, () => now);
    expect(await store.get(orderId)).toMatchObject({ id: orderId, number: 'BX-20261123-9001', status: 'reported', reporter: { phone: '13812345678' } });
    expect(await store.get('65f000000000000000000000')).toBeUndefined();
    expect(await store.get('nope')).toBeUndefined();
  });

  it('a patch with a timeline key applies once, even when delivered twice', async () => {
    const store = new MongoOrderStore(db.connection, () => now);
    const patch = { status: 'dispatched' as const, assignedUnitId: 'U-A', fields: { dispatchStage: 'first', priority: 2 } };
    const entry = { key: 'job-42', type: 'dispatched', actor: 'system', note: 'to U-A' };
    await store.update(orderId, patch, entry);
    await store.update(orderId, { status: 'reported' }, { ...entry }); // a redelivery carrying an older patch
    const doc = await getModels(db.connection).WorkOrder.findById(orderId).lean();
    expect(doc).toMatchObject({ status: 'dispatched', assignedUnitId: 'U-A', priority: 2, repairClass: 'emergency', fields: { dispatchStage: 'first' } });
    expect(await getModels(db.connection).Timeline.countDocuments({ workOrderId: orderId, key: 'job-42' })).toBe(1);
  });

  it('a patch carrying deadline edits is one write, applied once with the patch', async () => {
    const m = getModels(db.connection);
    const store = new MongoOrderStore(db.connection, () => now);
    const fresh = await m.WorkOrder.create(reportedRepairOrder('BX-20261123-9003', now, { timelineIds: [], timelineIndexed: true }));
    const id = String(fresh._id);
    const contactDue = new Date(now.getTime() + 600_000);
    await store.openDeadline(id, { name: 'contact-resident', dueAt: contactDue });
    const arrivalDue = new Date(now.getTime() + 3_600_000);
    const patch = {
      status: 'scheduled' as const,
      closeDeadlines: [{ name: 'contact-resident', outcome: 'met' as const, at: now }],
      openDeadlines: [{ name: 'arrival', dueAt: arrivalDue }],
    };
    const entry = { key: 'job-77:scheduled', type: 'scheduled', actor: 'system', note: 'agreed' };
    const writes = vi.spyOn(m.WorkOrder, 'findOneAndUpdate');
    try {
      await store.update(id, patch, entry);
      expect(writes).toHaveBeenCalledTimes(1);
    } finally {
      writes.mockRestore();
    }
    // the worker's arrival deadline is met; a redelivery of the same job must not open a second one
    await store.closeDeadline(id, 'arrival', 'met', now);
    await store.update(id, patch, entry);
    const order = (await m.WorkOrder.findById(id).lean())!;
    expect(order.status).toBe('scheduled');
    expect(order.deadlines.map((d) => ({ name: d.name, met: d.metAt !== null }))).toEqual([
      { name: 'contact-resident', met: true },
      { name: 'arrival', met: true },
    ]);
    expect(order.deadlines[1].dueAt).toEqual(arrivalDue);
    const entries = await m.Timeline.find({ workOrderId: id, key: 'job-77:scheduled' }).lean();
    expect(entries).toHaveLength(1);
    expect((order.timelineIds ?? []).map(String)).toContain(String(entries[0]._id));
  });

  it('named deadlines open, move, close once', async () => {
    const store = new MongoOrderStore(db.connection, () => now);
    const due = new Date(now.getTime() + 3_600_000);
    await store.openDeadline(orderId, { name: 'feedback', dueAt: due });
    await store.openDeadline(orderId, { name: 'feedback', dueAt: new Date(due.getTime() + 1000) });
    await store.closeDeadline(orderId, 'feedback', 'met', now);
    await store.closeDeadline(orderId, 'feedback', 'breached', now);
    const feedback = (await getModels(db.connection).WorkOrder.findById(orderId).lean())?.deadlines.filter((d) => d.name === 'feedback');
    expect(feedback).toHaveLength(1);
    expect(feedback?.[0]).toMatchObject({ breached: false });
    expect(feedback?.[0].metAt).toEqual(now);
  });
});

describe('user-task listener: deadlines and timeline, at least once', () => {
  it('created and completed, each delivered twice, write one deadline and two timeline entries', async () => {
    const listener = createUserTaskListener({ orders: new MongoOrderStore(db.connection, () => now), now: () => now });
    const created = task();
    await listener({ type: 'created', task: created });
    await listener({ type: 'created', task: created });
    const done = task({ state: 'completed', completedAt: new Date(now.getTime() + 60_000).toISOString(), completedBy: 'unitA1' });
    await listener({ type: 'completed', task: done });
    await listener({ type: 'completed', task: done });
    const m = getModels(db.connection);
    const order = await m.WorkOrder.findById(orderId).lean();
    const d = order?.deadlines.filter((x) => x.taskKey === 'task-1');
    expect(d).toHaveLength(1);
    expect(d?.[0]).toMatchObject({ name: 'sign-off', breached: false });
    expect(order?.signedAt).toEqual(new Date(now.getTime() + 60_000));
    const entries = await m.Timeline.find({ workOrderId: orderId, key: /^task:task-1:/ }).lean();
    expect(entries.map((e) => e.type).sort()).toEqual(['task-completed', 'task-created']);
    expect(entries.find((e) => e.type === 'task-completed')?.actor).toBe('unitA1');
  });

  it('a task canceled at its due time (an escalation timer) breaches its deadline; earlier it is just closed', async () => {
    const listener = createUserTaskListener({ orders: new MongoOrderStore(db.connection, () => now), now: () => now });
    const due = new Date(now.getTime() + 8 * 60_000);
    await listener({ type: 'created', task: task({ key: 'task-2' }) });
    await listener({ type: 'canceled', task: task({ key: 'task-2', state: 'canceled', completedAt: due.toISOString() }) });
    await listener({ type: 'created', task: task({ key: 'task-3' }) });
    await listener({ type: 'canceled', task: task({ key: 'task-3', state: 'canceled', completedAt: now.toISOString() }) });
    const order = await getModels(db.connection).WorkOrder.findById(orderId).lean();
    expect(order?.deadlines.find((x) => x.taskKey === 'task-2')).toMatchObject({ breached: true, metAt: null });
    expect(order?.deadlines.find((x) => x.taskKey === 'task-3')).toMatchObject({ breached: false, metAt: null, canceledAt: now });
    const types = (await getModels(db.connection).Timeline.find({ workOrderId: orderId, key: /^task:task-[23]:canceled/ }).lean()).map((e) => e.type).sort();
    expect(types).toEqual(['escalation', 'task-canceled']);
  });

  it('a completion arriving before its creation still records the deadline (late)', async () => {
    const listener = createUserTaskListener({ orders: new MongoOrderStore(db.connection, () => now), now: () => now });
    const late = new Date(now.getTime() + 10 * 60_000).toISOString();
    await listener({ type: 'completed', task: task({ key: 'task-4', state: 'completed', completedAt: late, completedBy: 'unitB1' }) });
    await listener({ type: 'created', task: task({ key: 'task-4' }) });
    const d = (await getModels(db.connection).WorkOrder.findById(orderId).lean())?.deadlines.filter((x) => x.taskKey === 'task-4');
    expect(d).toHaveLength(1);
    expect(d?.[0]).toMatchObject({ breached: true });
    expect(d?.[0].metAt).toEqual(new Date(late));
  });

  it('R-REP-8: a worker\'s deadline adopted by a task is settled by the worker, not by the completion, and passes to the task entered again', async () => {
    const store = new MongoOrderStore(db.connection, () => now);
    const listener = createUserTaskListener({ orders: store, now: () => now });
    const due = new Date(now.getTime() + 4 * 86_400_000);
    const resultTask = (key: string, over: Partial<UserTask> = {}) =>
      task({ key, elementId: 'report-result', kind: 'report-result', dueDate: due.toISOString(), ...over });
    await store.openDeadline(orderId, { name: 'feedback', dueAt: due });
    await listener({ type: 'created', task: resultTask('task-5') });
    // a refused extension: the task completes, nothing settles the feedback, the step is entered again
    await listener({ type: 'completed', task: resultTask('task-5', { state: 'completed', completedAt: now.toISOString(), completedBy: 'unitA1' }) });
    await listener({ type: 'created', task: resultTask('task-6') });
    const feedback = (await getModels(db.connection).WorkOrder.findById(orderId).lean())?.deadlines.filter((d) => d.dueAt.getTime() === due.getTime());
    expect(feedback).toHaveLength(1);
    expect(feedback?.[0]).toMatchObject({ name: 'feedback', taskKey: 'task-6', metAt: null, breached: false });
  });

  it('each task event is one write of the order: deadline, signedAt and the entry\'s id together, the entry readable by that id', async () => {
    const m = getModels(db.connection);
    const listener = createUserTaskListener({ orders: new MongoOrderStore(db.connection, () => now), now: () => now });
    const fresh = await m.WorkOrder.create(reportedRepairOrder('BX-20261123-9002', now, { timelineIds: [], timelineIndexed: true }));
    const id = String(fresh._id);
    const writes = vi.spyOn(m.WorkOrder, 'findOneAndUpdate');
    try {
      await listener({ type: 'created', task: task({ key: 'task-w', businessKey: id }) });
      expect(writes).toHaveBeenCalledTimes(1);
      const signedAt = new Date(now.getTime() + 60_000);
      await listener({ type: 'completed', task: task({ key: 'task-w', businessKey: id, state: 'completed', completedAt: signedAt.toISOString(), completedBy: 'unitA1' }) });
      expect(writes).toHaveBeenCalledTimes(2);
      // delivered again: the deadline and signedAt stay, no second entry
      await listener({ type: 'completed', task: task({ key: 'task-w', businessKey: id, state: 'completed', completedAt: new Date(now.getTime() + 120_000).toISOString(), completedBy: 'unitA1' }) });
      const order = (await m.WorkOrder.findById(id).lean())!;
      expect(order.signedAt).toEqual(signedAt);
      expect(order.deadlines.filter((d) => d.taskKey === 'task-w')).toMatchObject([{ name: 'sign-off', metAt: signedAt, breached: false }]);
      const entries = await m.Timeline.find({ workOrderId: id }).lean();
      expect(entries.map((e) => e.key).sort()).toEqual(['task:task-w:completed', 'task:task-w:created']);
      // every entry is registered on the order (the order view reads them by these ids)
      const registered = new Set((order.timelineIds ?? []).map(String));
      for (const e of entries) expect(registered.has(String(e._id))).toBe(true);
    } finally {
      writes.mockRestore();
    }
  });

  it('tasks of processes without a work order are ignored', async () => {
    const listener = createUserTaskListener({ orders: new MongoOrderStore(db.connection, () => now), now: () => now });
    await expect(listener({ type: 'created', task: task({ key: 'x', businessKey: undefined, variables: {} }) })).resolves.toBeUndefined();
    await expect(listener({ type: 'created', task: task({ key: 'y', businessKey: '65f000000000000000000000' }) })).resolves.toBeUndefined();
  });
});

describe('Notifier (outbox) and Directory', () => {
  it('stores a message once per key, addressed to the resident of the order, and puts it on the timeline', async () => {
    const notifier = new OutboxNotifier(db.connection, () => now);
    const msg = { key: 'job-7:resident', workOrderId: orderId, to: 'resident', channel: 'app' as const, text: '维修人员将于10:30到达' };
    await notifier.send(msg);
    await notifier.send(msg);
    const m = getModels(db.connection);
    const stored = await m.Notification.find({ key: 'job-7:resident' }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ recipientUserId: 'u-resident1', status: 'stored' });
    expect(await m.Timeline.countDocuments({ workOrderId: orderId, type: 'notification' })).toBe(1);
  });

  it('knows community C001 with units U-A and U-B', async () => {
    const dir = new MongoDirectory(db.connection);
    expect(await dir.community('C001')).toMatchObject({ id: 'C001', timeZone: 'Asia/Shanghai', firstUnitId: 'U-A', secondUnitId: 'U-B' });
    expect(await dir.unit('U-B')).toMatchObject({ id: 'U-B' });
    expect(await dir.community('C404')).toBeUndefined();
  });
});
