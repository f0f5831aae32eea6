/**
 * The in-process ledger index (api/work-orders/ledger-index.ts): GET
 * /api/work-orders, its export and GET /api/work-orders/:id answer from
 * memory, and stay what the database says after every kind of write —
 * through the API, the order store (status change, patch, timeline entries,
 * deadlines, sign-off), retention, and the model's own calls, by `_id` or not
 * (updateMany, deleteMany, insertMany, bulkWrite).
 *
 * Each check compares the API's answers with the same ones computed by the
 * database (a WorkOrderService with the index off, on the same connection),
 * for several users (masking and resident scoping), filters and every order.
 */
import { Types } from 'mongoose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { toAuthUser, type AuthUser } from '../../api/auth/service.js';
import { createLogger } from '../../api/logger.js';
import { ledgerIndexOf, technicianLoadOf } from '../../api/work-orders/ledger-index.js';
import type { ListWorkOrdersQuery } from '../../api/work-orders/schemas.js';
import { WorkOrderService } from '../../api/work-orders/service.js';
import { MongoOrderStore } from '../../domain/services/order-store.js';
import { MongoTechnicianPool } from '../../domain/services/technicians.js';
import type { WorkOrderDoc } from '../../domain/work-order.model.js';
import { phoneRepair, residentRepair, useApiHarness, type Json } from './harness.js';

const h = useApiHarness();

/** Who looks, and with which filters (the bench's ledger page among them). */
const VIEWERS = ['dispatcher1', 'finance1', 'unitA1', 'resident1', 'resident2'] as const;
const QUERIES = [
  '',
  '?status=dispatched,signed&communityId=C001&limit=20',
  '?status=reported&limit=5&offset=1',
  '?kind=repair&priority=2',
  '?q=tap',
  '?q=BX-',
  '?from=2020-01-01&to=2099-12-31',
  '?communityId=C002',
];

let users: Record<string, AuthUser>;
let fromDatabase: WorkOrderService;
const index = () => ledgerIndexOf(h.conn);

beforeAll(async () => {
  users = {};
  for (const username of VIEWERS) {
    const doc = await h.models.User.findOne({ username }).lean();
    if (!doc) throw new Error(`demo user ${username} missing`);
    users[username] = toAuthUser(doc);
  }
  fromDatabase = new WorkOrderService({ conn: h.conn, engine: h.engine, logger: createLogger({ level: 'silent' }), ledgerIndex: false });
  // Some orders of both residents and of the dispatcher, before the index exists.
  await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
  await h.post('/api/work-orders', phoneRepair({ priority: 2 }), { as: 'dispatcher1' });
  await h.post('/api/work-orders', phoneRepair({ description: 'Lift stuck 电梯困人', address: '5栋1单元1201' }), { as: 'dispatcher1' });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const parse = (query: string): Record<string, string> => Object.fromEntries(new URLSearchParams(query.replace(/^\?/, '')));

/** The list as the database computes it for that user and query (the index off). */
async function databaseAnswer(username: string, query: string): Promise<Json> {
  const q = parse(query);
  const listQuery = {
    limit: q.limit ? Number(q.limit) : 50,
    offset: q.offset ? Number(q.offset) : 0,
    ...(q.status ? { status: q.status.split(',') } : {}),
    ...(q.kind ? { kind: q.kind.split(',') } : {}),
    ...(q.communityId ? { communityId: q.communityId } : {}),
    ...(q.priority ? { priority: Number(q.priority) } : {}),
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(q.q ? { q: q.q } : {}),
  } as ListWorkOrdersQuery;
  return JSON.parse(JSON.stringify(await fromDatabase.list(users[username], listQuery)));
}

/** One order as the database gives it to that user (index off): the view, or the 404. */
async function databaseOrder(username: string, id: string): Promise<{ status: number; body: Json }> {
  try {
    return { status: 200, body: JSON.parse(JSON.stringify(await fromDatabase.get(users[username], id))) };
  } catch (err) {
    return { status: (err as { status?: number }).status ?? 500, body: undefined };
  }
}

/** Every viewer × query and every order: the API (from the index) answers what the database does, without counting or sorting in the database. */
async function expectLedgerMatchesDatabase(): Promise<void> {
  expect(index().needsScan).toBe(false);
  const count = vi.spyOn(h.models.WorkOrder, 'countDocuments');
  for (const username of VIEWERS) {
    for (const query of QUERIES) {
      const api = await h.get(`/api/work-orders${query}`, { as: username });
      expect(api.status, `${username} ${query}`).toBe(200);
      expect(api.body, `${username} ${query}`).toEqual(await databaseAnswer(username, query));
    }
  }
  // Only the database answers above counted; the API's came from the index.
  expect(count).toHaveBeenCalledTimes(VIEWERS.length * QUERIES.length);
  count.mockRestore();
  // Every order, as each viewer reads it (masking, 404 for other residents' orders, the timeline).
  const ids = (await h.models.WorkOrder.find({}, { _id: 1 }).lean()).map((o) => String(o._id));
  for (const username of VIEWERS) {
    for (const id of ids) {
      const api = await h.get(`/api/work-orders/${id}`, { as: username });
      const db = await databaseOrder(username, id);
      expect(api.status, `${username} ${id}`).toBe(db.status);
      if (db.status === 200) expect(api.body, `${username} ${id}`).toEqual(db.body);
    }
  }
  // The export too (staff): the same rows as the database's.
  const indexed = await h.get('/api/work-orders/export?communityId=C001', { as: 'finance1' });
  expect(indexed.status).toBe(200);
  const spy = vi.spyOn(index(), 'current').mockResolvedValue(undefined);
  const database = await h.get('/api/work-orders/export?communityId=C001', { as: 'finance1' });
  spy.mockRestore();
  expect(indexed.text).toBe(database.text);
}

async function ledger(username = 'dispatcher1', query = ''): Promise<Json> {
  const r = await h.get(`/api/work-orders${query}`, { as: username });
  expect(r.status).toBe(200);
  return r.body;
}

describe('the ledger from the in-process index', () => {
  it('is built from the database (until then the database answers), then answers from memory', async () => {
    const first = await ledger();
    expect(first.total).toBe(3);
    await index().warmUp();
    expect(index().needsScan).toBe(false);
    await expectLedgerMatchesDatabase();
  });

  it('a creation through the API is listed at once', async () => {
    const created = await h.post('/api/work-orders', residentRepair({ description: 'Window cracked 窗户裂了', faultType: 'glass' }), { as: 'resident1' });
    expect(created.status).toBe(201);
    const list = await ledger('resident1');
    expect(list.items[0].id).toBe(created.body.id);
    await expectLedgerMatchesDatabase();
  });

  it('GET /api/work-orders/:id from the index and the timeline cache: no database read of the order or its entries', async () => {
    const [row] = (await ledger()).items as { id: string }[];
    await h.get(`/api/work-orders/${row.id}`, { as: 'dispatcher1' });
    const orderReads = vi.spyOn(h.models.WorkOrder, 'findById');
    const entryReads = vi.spyOn(h.models.Timeline, 'findById');
    const again = await h.get(`/api/work-orders/${row.id}`, { as: 'dispatcher1' });
    expect(again.status).toBe(200);
    expect(again.body.timeline.length).toBeGreaterThan(0);
    expect(orderReads).not.toHaveBeenCalled();
    expect(entryReads).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    // A new timeline entry (the order's timelineIds change; the entry is read once).
    await new MongoOrderStore(h.conn).addTimeline(row.id, { key: 'ledger-test-note', type: 'note', actor: 'dispatcher1', note: 'called back 13912345678' });
    const withNote = await h.get(`/api/work-orders/${row.id}`, { as: 'dispatcher1' });
    expect(withNote.body.timeline.map((t: { type: string }) => t.type)).toContain('note');
    const masked = await h.get(`/api/work-orders/${row.id}`, { as: 'finance1' });
    expect(JSON.stringify(masked.body.timeline)).not.toContain('13912345678');
    // A cached entry removed through the model (by id, and by another filter) is gone from the view at once.
    const note = (await h.models.Timeline.findOne({ workOrderId: row.id, key: 'ledger-test-note' }).lean())!;
    await h.models.Timeline.deleteOne({ _id: note._id });
    expect((await h.get(`/api/work-orders/${row.id}`, { as: 'dispatcher1' })).body.timeline.map((t: { type: string }) => t.type)).not.toContain('note');
    const before = (await h.get(`/api/work-orders/${row.id}`, { as: 'dispatcher1' })).body.timeline.length;
    await h.models.Timeline.deleteMany({ workOrderId: row.id, type: 'reported' });
    expect((await h.get(`/api/work-orders/${row.id}`, { as: 'dispatcher1' })).body.timeline).toHaveLength(before - 1);
    await expectLedgerMatchesDatabase();
  });

  it('a status change and a patch through the order store, deadlines and sign-off', async () => {
    const store = new MongoOrderStore(h.conn);
    const [first, second] = (await ledger('dispatcher1', '?status=reported')).items as { id: string }[];
    await store.update(first.id, { status: 'dispatched', assignedUnitId: 'U-A' }, { key: 'ledger-test-dispatch', type: 'dispatched', actor: 'system', note: 'to U-A' });
    await store.update(second.id, { fields: { priority: 1, diagnosis: 'valve' } });
    await store.openDeadline(second.id, { name: 'sign-off', dueAt: new Date('2026-12-01T00:00:00Z') });
    await store.markSigned(first.id, new Date('2026-11-23T03:00:00Z'));
    const dispatched = await ledger('dispatcher1', '?status=dispatched,signed&communityId=C001&limit=20');
    expect(dispatched.items.map((o: { id: string }) => o.id)).toContain(first.id);
    const patched = (await ledger()).items.find((o: { id: string }) => o.id === second.id);
    expect(patched).toMatchObject({ priority: 1, repairClass: 'emergency', fields: { diagnosis: 'valve' } });
    expect(patched.deadlines).toHaveLength(1);
    await expectLedgerMatchesDatabase();
  });

  it('a cancellation through the API (a guarded updateOne by _id and version)', async () => {
    const created = await h.post('/api/work-orders', residentRepair({ description: 'Door bell 门铃坏了' }), { as: 'resident1' });
    const canceled = await h.post(`/api/work-orders/${created.body.id}/cancel`, { reason: 'fixed it myself' }, { as: 'resident1' });
    expect(canceled.status).toBe(200);
    const row = (await ledger('resident1')).items.find((o: { id: string }) => o.id === created.body.id);
    expect(row.status).toBe('withdrawn');
    await expectLedgerMatchesDatabase();
  });

  it('a deletion by retention (DELETE /api/work-orders/:id) and by the model', async () => {
    const now = h.engine.clock.now();
    const old = await h.models.WorkOrder.create({
      number: 'BX-20231101-0001',
      kind: 'repair',
      status: 'closed',
      communityId: 'C001',
      address: '1栋1单元101',
      description: 'old leak',
      createdByUserId: 'u-dispatcher1',
      createdByUsername: 'dispatcher1',
      channel: 'phone',
      reportedAt: new Date(now.getTime() - 3 * 365 * 86_400_000),
      closedAt: new Date(now.getTime() - 3 * 365 * 86_400_000 + 86_400_000),
      responsibility: 'owner',
      version: 0,
    } satisfies Partial<WorkOrderDoc>);
    const id = String(old._id);
    expect((await ledger()).items.map((o: { id: string }) => o.id)).toContain(id);
    const purged = await h.call('DELETE', `/api/work-orders/${id}`, { as: 'admin1' });
    expect(purged.status).toBe(200);
    expect((await ledger()).items.map((o: { id: string }) => o.id)).not.toContain(id);
    expect((await h.get(`/api/work-orders/${id}`, { as: 'dispatcher1' })).status).toBe(404);

    const another = (await ledger()).items.at(-1) as { id: string };
    await h.models.WorkOrder.findOneAndDelete({ _id: another.id });
    expect((await ledger()).items.map((o: { id: string }) => o.id)).not.toContain(another.id);
    expect((await h.get(`/api/work-orders/${another.id}`, { as: 'dispatcher1' })).status).toBe(404);
    await expectLedgerMatchesDatabase();
  });

  it('writes of several orders by other filters (updateMany, deleteMany): rebuilt by one scan, the database answers meanwhile', async () => {
    await h.models.WorkOrder.updateMany({ communityId: 'C001', status: 'reported' }, { $set: { priority: 2, repairClass: 'emergency' } });
    expect(index().needsScan).toBe(true);
    // Right after the write: already the new state (the database answered while the index rebuilds).
    const now = await ledger('dispatcher1', '?kind=repair&priority=2');
    expect(now.items.every((o: { priority: number }) => o.priority === 2)).toBe(true);
    expect(now).toEqual(await databaseAnswer('dispatcher1', '?kind=repair&priority=2'));
    await index().warmUp();
    await expectLedgerMatchesDatabase();

    expect((await ledger('dispatcher1', '?q=Lift')).total).toBe(1);
    await h.models.WorkOrder.deleteMany({ address: '5栋1单元1201' });
    expect((await ledger('dispatcher1', '?q=Lift')).total).toBe(0);
    await index().warmUp();
    await expectLedgerMatchesDatabase();
  });

  it('insertMany, bulkWrite, replaceOne, save of a loaded document', async () => {
    const template = (await h.models.WorkOrder.findOne({ kind: 'repair' }).lean())!;
    const { _id: _, appliedKeys: __, createdAt: ___, updatedAt: ____, ...rest } = template;
    const inserted = await h.models.WorkOrder.insertMany([
      { ...rest, number: 'BX-20261123-9001', description: 'inserted one 插入一', reportedAt: new Date('2026-11-22T01:00:00Z') },
      { ...rest, number: 'BX-20261123-9002', description: 'inserted two 插入二', reportedAt: new Date('2026-11-22T02:00:00Z') },
    ]);
    expect(index().needsScan).toBe(false);
    expect((await ledger('dispatcher1', '?q=inserted')).total).toBe(2);
    await expectLedgerMatchesDatabase();

    await h.models.WorkOrder.bulkWrite([{ updateOne: { filter: { _id: inserted[0]._id }, update: { $set: { status: 'closed' } } } }]);
    expect((await ledger('dispatcher1', '?q=inserted one')).items[0].status).toBe('closed');
    await index().warmUp();

    const doc = (await h.models.WorkOrder.findById(inserted[1]._id))!;
    doc.description = 'saved again 再保存';
    await doc.save();
    expect((await ledger('dispatcher1', '?q=saved again')).total).toBe(1);

    const replacement = { ...rest, number: 'BX-20261123-9003', description: 'replaced 替换', reportedAt: new Date('2026-11-22T03:00:00Z') };
    await h.models.WorkOrder.replaceOne({ _id: inserted[1]._id }, replacement);
    expect((await ledger('dispatcher1', '?q=replaced')).items[0]?.id).toBe(String(inserted[1]._id));
    expect((await ledger('dispatcher1', '?q=saved again')).total).toBe(0);
    await expectLedgerMatchesDatabase();
  });

  it('a failed write still marks its orders (a multi-document write may have applied in part)', async () => {
    const [a, b] = (await ledger()).items as { id: string; number: string }[];
    // One number for two orders: the unique index refuses the second; the first may have changed already.
    const write = h.models.WorkOrder.updateMany({ _id: { $in: [a.id, b.id] } }, { $set: { number: 'BX-20261123-0999' } });
    await expect(write).rejects.toThrow();
    const numbers = (await h.models.WorkOrder.find({ _id: { $in: [a.id, b.id] } }).lean()).map((o) => o.number);
    // Applied to one of them (on FerretDB and MongoDB alike: the write stops at the first refusal).
    expect(numbers.filter((n) => n === 'BX-20261123-0999')).toHaveLength(1);
    await expectLedgerMatchesDatabase();
  });

  it('paging past the end and an id that is not in the ledger', async () => {
    const all = await ledger();
    const past = await ledger('dispatcher1', `?offset=${all.total + 5}`);
    expect(past).toMatchObject({ items: [], total: all.total });
    // A write naming an id no order has (an upsert that did not happen, a delete of nothing) changes nothing.
    await h.models.WorkOrder.deleteOne({ _id: new Types.ObjectId() });
    expect((await ledger()).total).toBe(all.total);
    await expectLedgerMatchesDatabase();
  });

  it('reporter names and phones stay masked for roles that may not see them', async () => {
    const finance = await ledger('finance1');
    for (const o of finance.items as { reporter: { phone: string } | null }[]) {
      if (o.reporter) expect(o.reporter.phone).toMatch(/\*{4}/);
    }
    const dispatcher = await ledger('dispatcher1');
    expect(JSON.stringify(dispatcher)).toContain('13987654321');
    expect(JSON.stringify(finance)).not.toContain('13987654321');
    // A resident sees their own orders only (reported by them, or by staff for their flat).
    const mine = await ledger('resident2');
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.items.every((o: { reporterUserId: string }) => o.reporterUserId === 'u-resident2')).toBe(true);
    expect((await ledger('resident1')).items.every((o: { reporterUserId: string }) => o.reporterUserId === 'u-resident1')).toBe(true);
  });

  it('R-DISP-1: technicians\' loads are counted in the index, the same as the search of the orders, without that search', async () => {
    const store = new MongoOrderStore(h.conn);
    await h.post('/api/work-orders', phoneRepair({ description: 'Tap drips 水龙头滴水', address: '4栋1单元402' }), { as: 'dispatcher1' });
    const ended = ['resolved', 'closed', 'withdrawn', 'rejected'];
    const orders = (await h.models.WorkOrder.find({}).lean()).filter((o) => !ended.includes(o.status)).map((o) => String(o._id));
    expect(orders.length).toBeGreaterThanOrEqual(4);
    // two open orders of T-A1, one of T-A3, and one of T-A3 that has ended (not counted)
    const assign = async (id: string, technician: string, status?: 'closed') =>
      store.update(id, { fields: { technicianRecordId: technician }, ...(status ? { status } : {}) }, { key: `tech-${id}-${technician}`, type: 'note', actor: 'test', note: technician });
    await assign(orders[0]!, 'T-A1');
    await assign(orders[1]!, 'T-A1');
    await assign(orders[2]!, 'T-A3');
    await assign(orders[3]!, 'T-A3', 'closed');
    const searched = await new MongoTechnicianPool(h.conn).list('U-A');
    const search = vi.spyOn(h.models.WorkOrder, 'find');
    const counted = await new MongoTechnicianPool(h.conn, technicianLoadOf(h.conn)).list('U-A');
    // (the index itself may read orders back by id meanwhile; what must not happen is the search by technician)
    const searches = search.mock.calls.filter(([filter]) => JSON.stringify(filter ?? {}).includes('technicianRecordId'));
    expect(searches).toHaveLength(0);
    expect(counted).toEqual(searched);
    const load = Object.fromEntries(counted.map((t) => [t.id, t.load]));
    const base = Object.fromEntries((await new MongoTechnicianPool(h.conn, async () => new Map()).list('U-A')).map((t) => [t.id, t.load]));
    expect(load['T-A1']).toBe(base['T-A1']! + 2);
    expect(load['T-A3']).toBe(base['T-A3']! + 1);
  });
});
