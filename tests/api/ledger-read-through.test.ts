/**
 * The ledger index and the order view's timeline cache read through a connection of their own
 * (api/work-orders/ledger-index.ts readThrough, used by the server): on FerretDB the process's
 * one writing connection serves one command at a time, and the index's scan or a burst of
 * order views queued every write behind them. Their reads must go to the reader, and must
 * still see every write acknowledged on the writing connection before they began.
 */
import mongoose, { Types, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ledgerIndexOf, readThrough, timelineCacheOf } from '../../api/work-orders/ledger-index.js';
import { getModels } from '../../domain/models.js';
import { MongoOrderStore } from '../../domain/services/order-store.js';
import { testServerUri, useTestDatabase, withDatabaseName } from '../helpers/db.js';

const db = useTestDatabase('readthrough');
let reader: Connection;

beforeAll(async () => {
  reader = await mongoose.createConnection(withDatabaseName(testServerUri(), db.dbName), { serverSelectionTimeoutMS: 10_000 }).asPromise();
});

afterAll(async () => {
  await reader.close();
});

function order(n: number) {
  return {
    _id: new Types.ObjectId(),
    number: `BX-RT-${n}`,
    kind: 'repair',
    status: 'reported',
    communityId: 'C001',
    address: `${n}栋`,
    description: 'tap drips',
    reporter: { name: '张伟', phone: '13812345678' },
    channel: 'phone',
    createdByUserId: 'u-dispatcher1',
    createdByUsername: 'dispatcher1',
    reportedAt: new Date(Date.UTC(2026, 10, 23, 2, n)),
    version: 0,
    timelineIds: [],
    timelineIndexed: true,
  };
}

describe('ledger index and timeline cache on a reading connection', () => {
  it('read through the reader only, and see the writes made on the writing connection', async () => {
    const conn = db.connection;
    const writer = getModels(conn);
    const read = getModels(reader);
    readThrough(conn, reader);
    const docs = [order(1), order(2), order(3)];
    await writer.WorkOrder.insertMany(docs);

    const writerFinds = vi.spyOn(writer.WorkOrder, 'find');
    const readerFinds = vi.spyOn(read.WorkOrder, 'find');
    const index = ledgerIndexOf(conn);
    await index.warmUp();
    expect(readerFinds).toHaveBeenCalled();
    expect(writerFinds).not.toHaveBeenCalled();
    expect((await index.current())?.map((e) => e.doc.number)).toEqual(['BX-RT-3', 'BX-RT-2', 'BX-RT-1']);

    // A status change on the writing connection: read back by id through the reader before the next answer.
    const writerReads = vi.spyOn(writer.WorkOrder, 'findById');
    const readerReads = vi.spyOn(read.WorkOrder, 'findById');
    await new MongoOrderStore(conn).update(String(docs[1]!._id), { status: 'dispatched' });
    writerReads.mockClear();
    const after = await index.current();
    expect(after?.find((e) => e.id === String(docs[1]!._id))?.doc.status).toBe('dispatched');
    expect(readerReads).toHaveBeenCalled();
    expect(writerReads).not.toHaveBeenCalled();

    // A timeline entry written on the writing connection is found through the reader, then kept.
    await new MongoOrderStore(conn).addTimeline(String(docs[0]!._id), { key: 'rt-note', type: 'note', actor: 'dispatcher1', note: 'called back' });
    const entryId = String((await writer.WorkOrder.findById(docs[0]!._id).lean())!.timelineIds!.at(-1));
    const writerEntryReads = vi.spyOn(writer.Timeline, 'findById');
    const readerEntryReads = vi.spyOn(read.Timeline, 'findById');
    const cache = timelineCacheOf(conn);
    expect((await cache.get(entryId))?.note).toBe('called back');
    expect((await cache.get(entryId))?.note).toBe('called back');
    expect(readerEntryReads).toHaveBeenCalledTimes(1);
    expect(writerEntryReads).not.toHaveBeenCalled();
    vi.restoreAllMocks();

    // Too late once either is in use: it would read through two connections.
    expect(() => readThrough(conn, reader)).toThrow(/already in use/);
  });
});
