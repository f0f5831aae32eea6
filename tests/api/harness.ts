/**
 * One API server per test file: its own database (tests/helpers/db.ts), the
 * demo seed, an engine, createApp on 127.0.0.1 port 0, real HTTP.
 *
 * The engine is the in-memory FakeEngine with scripted processes, unless
 * API_TEST_ENGINE=embedded: then the real embedded engine runs the models in
 * processes/ (deployed at start), with a frozen controllable clock. Scenario
 * tests talk HTTP only, so the same scenario runs on both.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../../api/app.js';
import { loadConfig, type AppConfig } from '../../api/config.js';
import { createLogger, type LogEntry } from '../../api/logger.js';
import type { ModelLinter } from '../../api/processes/lint.js';
import { fileFormSource } from '../../api/tasks/forms.js';
import { getModels, type Models } from '../../domain/models.js';
import { staticCalendarProvider } from '../../domain/calendar.js';
import { createDomainServices, seedDemo } from '../../domain/services/index.js';
import { ControlledClock, installClock, uninstallClock } from '../../engine/clock.js';
import { EmbeddedEngine } from '../../engine/embedded/index.js';
import type { ProcessEngine } from '../../engine/port.js';
import { processResources } from '../../scripts/server.js';
import { createHandlers, workers } from '../../workers/index.js';
import { useTestDatabase } from '../helpers/db.js';
import { FakeEngine, repairScript } from './fake-engine.js';

// Test responses are JSON inspected freely by the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Json = any;

export interface Reply {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  /** Log in as this demo user first. */
  as?: string;
  token?: string;
  body?: unknown;
  /** A raw body (sent as is, with the given content type). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Harness {
  readonly url: string;
  readonly conn: Connection;
  readonly models: Models;
  readonly engine: ProcessEngine;
  /** The fake engine, when the tests run on it (undefined on the real engine). */
  readonly fake: FakeEngine | undefined;
  readonly logs: LogEntry[];
  readonly config: AppConfig;
  token(username: string): Promise<string>;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  get(path: string, options?: CallOptions): Promise<Reply>;
  post(path: string, body?: unknown, options?: CallOptions): Promise<Reply>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Extra set-up of the fake engine (scripts, deployments). */
  fake?: (engine: FakeEngine) => Promise<void> | void;
  lint?: ModelLinter;
  /** Deploy the fake `repair` process with its script (default true). */
  repair?: boolean;
}

export const useRealEngine = process.env.API_TEST_ENGINE === 'embedded';
const here = path.dirname(fileURLToPath(import.meta.url));

/** The real embedded engine with the models of processes/ and every job worker, on a frozen controllable clock. */
async function realEngine(conn: Connection): Promise<ProcessEngine> {
  const clock = new ControlledClock('frozen', new Date('2026-11-23T10:00:00+08:00'));
  installClock(clock);
  const engine = new EmbeddedEngine({ connection: conn, clock });
  await engine.start();
  await engine.deploy(await processResources());
  const handlers = createHandlers({ ...createDomainServices(conn, () => clock.now()), clock, calendar: staticCalendarProvider() });
  for (const worker of workers) {
    const handler = handlers.get(worker.type);
    if (handler) engine.createWorker(worker.type, handler, { timeoutMs: 30_000 });
  }
  return engine;
}

export function useApiHarness(options: HarnessOptions = {}): Harness {
  const db = useTestDatabase('api');
  const logs: LogEntry[] = [];
  const tokens = new Map<string, string>();
  let server: Server | undefined;
  let engine: ProcessEngine | undefined;
  let fake: FakeEngine | undefined;
  let url = '';
  const config = loadConfig({ MODE: 'test', LOG_LEVEL: 'debug', ...(options.env ?? {}) });

  beforeAll(async () => {
    await seedDemo(db.connection, { bcryptRounds: 4 });
    if (useRealEngine) engine = await realEngine(db.connection);
    else {
      fake = new FakeEngine();
      if (options.repair !== false) {
        fake.script('repair', repairScript);
        await fake.deployProcess('repair', '报修 Repair');
      }
      await options.fake?.(fake);
      engine = fake;
    }
    const app = createApp({
      engine,
      db: db.connection,
      config,
      logger: createLogger({ level: 'debug', sink: (e) => logs.push(e) }),
      forms: fileFormSource(path.join(here, 'fixtures', 'forms')),
      ...(options.lint ? { lint: options.lint } : {}),
    });
    await new Promise<void>((resolve) => {
      server = app.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server?.address() as AddressInfo;
    url = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await engine?.close();
    if (useRealEngine) uninstallClock();
  });

  const call = async (method: string, p: string, o: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const token = o.token ?? (o.as ? await h.token(o.as) : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (o.raw !== undefined) {
      body = o.raw;
      if (o.contentType) headers['content-type'] = o.contentType;
    } else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = o.contentType ?? 'application/json';
    }
    const res = await fetch(url + p, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    // The real engine moves on asynchronously (jobs, workers): let it settle after every write.
    if (method !== 'GET' && engine) await engine.idle();
    let parsed: Json = undefined;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, text, headers: res.headers };
  };

  const h: Harness = {
    get url() {
      return url;
    },
    conn: db.connection,
    get models() {
      return getModels(db.connection);
    },
    get engine() {
      if (!engine) throw new Error('engine not started yet');
      return engine;
    },
    get fake() {
      return fake;
    },
    logs,
    config,
    async token(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const r = await call('POST', '/api/auth/login', { body: { username, password: 'demo' } });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
      tokens.set(username, r.body.token);
      return r.body.token as string;
    },
    call,
    get: (p, o) => call('GET', p, o),
    post: (p, body, o) => call('POST', p, { ...(o ?? {}), ...(body !== undefined ? { body } : {}) }),
  };
  return h;
}

/** A repair order as resident1 reports it (their own flat). */
export function residentRepair(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'repair',
    communityId: 'C001',
    address: '1栋1单元101',
    description: '厨房水龙头漏水 Kitchen tap dripping',
    faultType: 'plumbing',
    symptom: 'dripping',
    part: 'kitchen tap',
    priority: 3,
    responsibility: 'shared',
    channel: 'app',
    ...overrides,
  };
}

/** A repair order a dispatcher takes by phone. */
export function phoneRepair(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...residentRepair({ channel: 'phone', address: '2栋3单元502' }),
    reporter: { name: '李娜', phone: '13987654321' },
    ...overrides,
  };
}

/** Documents in every collection the API writes (a rejected request must not change them). */
export async function countAll(models: Models): Promise<Record<string, number>> {
  return {
    orders: await models.WorkOrder.countDocuments(),
    timeline: await models.Timeline.countDocuments(),
    notifications: await models.Notification.countDocuments(),
  };
}
