/**
 * FerretDB 1.24 (SQLite) indexes `_id` on the expression  _ferretdb_sjson->"_id"
 * but filters by-id reads, updates and deletes on  _ferretdb_sjson->'$._id',
 * which SQLite will not match to that index: every findOneAndUpdate by _id
 * scanned the table. tools/ferretdb (idindex.go) adds an index on the
 * expression the queries use to every collection table; this proves, with
 * SQLite's own query planner, that a by-id update of a collection the
 * application creates uses it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDatabase, type RunningDatabase } from '../../scripts/db.js';

let dataDir: string;
let db: RunningDatabase;
let conn: mongoose.Connection;

/** Runs SQL against the database file with Python's sqlite3 (a reader beside FerretDB). */
function sqlite(file: string, sql: string, param?: string): string[][] {
  const script = [
    'import json, sqlite3, sys',
    "con = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)",
    'rows = con.execute(sys.argv[2], sys.argv[3:]).fetchall()',
    'print(json.dumps([[str(c) for c in r] for r in rows]))',
  ].join('\n');
  const out = execFileSync('python3', ['-c', script, file, sql, ...(param === undefined ? [] : [param])], { encoding: 'utf8' });
  return JSON.parse(out) as string[][];
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'propflow-idindex-'));
  db = await startDatabase({ dataDir, quiet: true, ownServer: true });
  conn = await mongoose.createConnection(db.uri.replace('/?', '/idindex?')).asPromise();
}, 120_000);

afterAll(async () => {
  await conn?.close();
  await db?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('FerretDB wrapper: _id expression index', () => {
  it('a collection created by the application gets the index, and by-id updates use it', async () => {
    const orders = conn.db!.collection<{ _id: string; n: number }>('orders');
    await orders.insertMany(Array.from({ length: 50 }, (_, n) => ({ _id: `o${n}`, n })));
    const file = path.join(dataDir, 'idindex.sqlite');
    const table = sqlite(file, "SELECT table_name FROM _ferretdb_collections WHERE name = 'orders'")[0]?.[0];
    expect(table).toMatch(/^orders_/);

    // The wrapper looks for new tables every 250 ms.
    await vi.waitFor(
      () => expect(sqlite(file, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", table).flat()).toContain(`${table}_propflow_idpath`),
      { timeout: 10_000, interval: 100 },
    );

    // The statement FerretDB runs for findOneAndUpdate / updateOne by _id (backends/sqlite/collection.go).
    const plan = sqlite(file, `EXPLAIN QUERY PLAN UPDATE "${table}" SET _ferretdb_sjson = _ferretdb_sjson WHERE _ferretdb_sjson->'$._id' = ?`, '"o7"');
    const detail = plan.map((r) => r[r.length - 1]).join(' | ');
    expect(detail).toContain(`USING INDEX ${table}_propflow_idpath`);
    expect(detail).not.toMatch(/^SCAN /);

    // And the data is what the driver says it is, through the index.
    const before = await orders.findOneAndUpdate({ _id: 'o7' }, { $set: { n: 700 } }, { returnDocument: 'before' });
    expect(before).toEqual({ _id: 'o7', n: 7 });
    expect(await orders.findOne({ _id: 'o7' })).toEqual({ _id: 'o7', n: 700 });
    await orders.deleteOne({ _id: 'o8' });
    expect(await orders.countDocuments({})).toBe(49);
  });

  it('a dropped database stays dropped (the wrapper never creates a database file)', async () => {
    const other = await mongoose.createConnection(db.uri.replace('/?', '/dropme?')).asPromise();
    await other.db!.collection('x').insertOne({ _id: 'a' } as never);
    const file = path.join(dataDir, 'dropme.sqlite');
    await vi.waitFor(() => expect(sqlite(file, "SELECT count(*) FROM sqlite_master WHERE name LIKE '%_propflow_idpath'")[0]?.[0]).toBe('1'), {
      timeout: 10_000,
      interval: 100,
    });
    await other.dropDatabase();
    await other.close();
    // A collection created after the drop gets its index: the wrapper has swept the directory since.
    await conn.db!.collection('later').insertOne({ _id: 'b' } as never);
    const file2 = path.join(dataDir, 'idindex.sqlite');
    await vi.waitFor(() => expect(sqlite(file2, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'later_%_propflow_idpath'")[0]?.[0]).toBe('1'), {
      timeout: 10_000,
      interval: 100,
    });
    expect(await readdir(dataDir)).not.toContain('dropme.sqlite');
  });
});
