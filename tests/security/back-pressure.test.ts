/**
 * Issue 6, back-pressure: when the database stalls (its FerretDB process is
 * paused with SIGSTOP: a real slow database, not a mock), the API serves at
 * most MAX_IN_FLIGHT requests and answers the rest at once with 503,
 * `Retry-After` and the contract's error body instead of queueing them; when
 * the database comes back (SIGCONT) the held requests finish and new ones
 * are served again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/config.js';
import { createLogger, type LogEntry } from '../../api/logger.js';
import { startDatabase, type RunningDatabase } from '../../scripts/db.js';
import { startServer, type RunningServer } from '../../scripts/server.js';
import { withDatabaseName } from '../helpers/db.js';

const MAX_IN_FLIGHT = 6;
let dataDir = '';
let db: RunningDatabase;
let server: RunningServer;
let token = '';
const logs: LogEntry[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'propflow-backpressure-'));
  db = await startDatabase({ dataDir, quiet: true, ownServer: true });
  server = await startServer({
    config: loadConfig({ MODE: 'test', PORT: '0', HOST: '127.0.0.1', MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) }),
    mongodbUri: withDatabaseName(db.uri, 'backpressure'),
    logger: createLogger({ level: 'warn', sink: (e) => logs.push(e) }),
  });
  const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'dispatcher1', password: 'demo' }) });
  token = ((await login.json()) as { token: string }).token;
}, 120_000);

afterAll(async () => {
  if (db?.pid) process.kill(db.pid, 'SIGCONT');
  await server?.close();
  await db?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

// A request whose handler reads the database each time (the directory: three finds). The user behind the token
// is kept in memory for a few seconds (api/auth/service.ts), so a request must need the database for itself.
const list = (): Promise<Response> => fetch(`${server.url}/api/directory`, { headers: { authorization: `Bearer ${token}` } });

describe('back-pressure', () => {
  it('a stalled database: 503 + Retry-After beyond the limit at once, the held requests finish when it comes back', async () => {
    expect((await list()).status).toBe(200);
    expect(db.pid).toBeDefined();
    process.kill(db.pid!, 'SIGSTOP');
    let held: Promise<Response>[] = [];
    try {
      held = Array.from({ length: MAX_IN_FLIGHT }, () => list());
      // Give the held requests time to reach the database and hang there (real time: the database is a real process).
      await new Promise((r) => setTimeout(r, 300));
      const shedStarted = performance.now();
      const shed = await Promise.all(Array.from({ length: 20 }, () => list()));
      const shedMs = performance.now() - shedStarted;
      for (const r of shed) {
        expect(r.status).toBe(503);
        expect(r.headers.get('retry-after')).toBe('1');
        const body = (await r.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('OVERLOADED');
      }
      expect(shedMs).toBeLessThan(5_000); // answered without waiting for the database
      // Health is not shed: an orchestrator still sees the process.
      const health = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(500) }).catch(() => undefined);
      expect(health?.status ?? 'no answer while the database is stopped').not.toBe(503);
    } finally {
      process.kill(db.pid!, 'SIGCONT');
    }
    const finished = await Promise.all(held);
    expect(finished.map((r) => r.status)).toEqual(Array(MAX_IN_FLIGHT).fill(200));
    const after = await Promise.all(Array.from({ length: MAX_IN_FLIGHT }, () => list()));
    expect(after.map((r) => r.status)).toEqual(Array(MAX_IN_FLIGHT).fill(200));
    expect(logs.some((e) => e.msg.startsWith('overloaded'))).toBe(true);
  }, 60_000);
});
