/**
 * Issue 6, crash between writing an order and starting its process: the
 * order keeps the start variables (`pendingStart`) until the start is
 * recorded, and the next start-up finishes it — starting the process, or
 * recording the instance that did start — so no order is left without its
 * procedure (found by the crash test: a SIGKILL inside POST /api/work-orders).
 */
import { describe, expect, it } from 'vitest';
import { WorkOrderService } from '../../api/work-orders/service.js';
import { getModels } from '../../domain/models.js';
import { residentRepair } from '../api/harness.js';
import { useTestServer } from '../helpers/server.js';

const t = useTestServer({ clockStart: new Date('2026-11-23T10:00:00+08:00') });

/** An order as POST /api/work-orders leaves it when the process is killed right after writing pendingStart. */
async function orderCutOff(startIt: boolean): Promise<{ id: string; instanceKey?: string }> {
  const dispatcher = await t.server.as('dispatcher1');
  const created = await dispatcher.post('/api/work-orders', residentRepair({ reporter: { name: '李娜', phone: '13987654321' }, channel: 'phone' }));
  expect(created.status).toBe(201);
  const models = getModels(t.server.connection);
  const order = await models.WorkOrder.findById(created.body.id).lean();
  const variables = { workOrderId: created.body.id, orderNumber: order!.number, communityId: 'C001', kind: 'repair', priority: 3, description: order!.description, address: order!.address, firstUnitId: 'U-A', secondUnitId: 'U-B', reportedBy: 'dispatcher1', channel: 'phone', reportedAt: new Date().toISOString() };
  // Make a second order look like one whose start was cut off: its own (new) id, no instance, pendingStart kept.
  const copy = { ...order!, _id: undefined, number: `${order!.number}-X${startIt ? 'S' : 'N'}`, processInstanceKey: null, pendingStart: null };
  delete (copy as { _id?: unknown })._id;
  const cut = await models.WorkOrder.create(copy);
  const id = String(cut._id);
  // As the creation writes them: the pending-start marker, then the order with its start variables.
  await models.PendingStart.create({ _id: id, createdAt: new Date() });
  await models.WorkOrder.findOneAndUpdate({ _id: id }, { $set: { pendingStart: { ...variables, workOrderId: id } } });
  if (!startIt) return { id };
  const started = await t.server.engine.startInstance('repair', { ...variables, workOrderId: id }, { businessKey: id });
  return { id, instanceKey: started.processInstanceKey };
}

describe('an order whose process start a crash cut off', () => {
  it('is started at the next start-up, or has the instance that did start recorded — once', async () => {
    const notStarted = await orderCutOff(false);
    const started = await orderCutOff(true);
    // Cut off between the marker and the order: nothing to start, the marker goes.
    await getModels(t.server.connection).PendingStart.create({ _id: '000000000000000000000bad', createdAt: new Date() });
    const service = new WorkOrderService({ conn: t.server.connection, engine: t.server.engine, logger: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } } });
    expect(await service.recoverPendingStarts()).toBe(2);
    expect(await service.recoverPendingStarts()).toBe(0); // finished: nothing left to do, nothing started twice
    expect(await getModels(t.server.connection).PendingStart.countDocuments()).toBe(0);

    const models = getModels(t.server.connection);
    const a = await models.WorkOrder.findById(notStarted.id).lean();
    expect(a?.processInstanceKey).toBeTruthy();
    expect(a?.pendingStart ?? null).toBeNull();
    const b = await models.WorkOrder.findById(started.id).lean();
    expect(b?.processInstanceKey).toBe(started.instanceKey);
    expect(b?.pendingStart ?? null).toBeNull();
    for (const id of [notStarted.id, started.id]) {
      expect(await t.server.engine.listInstances({ businessKey: id })).toHaveLength(1);
    }
    await t.server.engine.idle();
    const [instance] = await t.server.engine.listInstances({ businessKey: notStarted.id });
    expect(instance?.state).toBe('active');
    expect(instance?.incidents).toEqual([]);
    expect(instance?.activeElementIds.length).toBeGreaterThan(0);
  });

  it('a normal creation leaves nothing pending', async () => {
    const dispatcher = await t.server.as('dispatcher1');
    const created = await dispatcher.post('/api/work-orders', residentRepair({ reporter: { name: '李娜', phone: '13987654321' }, channel: 'phone' }));
    const doc = await getModels(t.server.connection).WorkOrder.findById(created.body.id).lean();
    expect(doc?.pendingStart ?? null).toBeNull();
    expect(doc?.processInstanceKey).toBe(created.body.processInstanceKey);
    expect(await getModels(t.server.connection).PendingStart.findById(created.body.id).lean()).toBeNull();
  });
});
