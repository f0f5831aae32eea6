/* eslint-disable @typescript-eslint/no-explicit-any -- a test client reads arbitrary JSON answers */
/**
 * A whole server for process and API tests: real FerretDB database (fresh per
 * call), the embedded engine, every worker, the HTTP API on 127.0.0.1 with a
 * free port, and a frozen controllable clock that only `advance` moves.
 *
 *   const server = await startTestServer();
 *   const dispatcher = await server.as('dispatcher1');
 *   const { body: order } = await dispatcher.post('/api/work-orders', {...});
 *   await server.advance('PT9M');
 */
import { loadConfig } from '../../api/config.js';
import { createLogger, type LogEntry, type LogLevel } from '../../api/logger.js';
import { startServer, type RunningServer } from '../../scripts/server.js';
import { afterAll, beforeAll } from 'vitest';
import { dropDatabaseAt, freshDatabaseUri } from './db.js';

export interface Reply<T = any> {
  status: number;
  // Test code reads arbitrary JSON answers; a precise type per call buys nothing.
  body: T;
  headers: Headers;
}

export interface Client {
  token: string;
  get<T = any>(path: string): Promise<Reply<T>>;
  post<T = any>(path: string, body?: unknown): Promise<Reply<T>>;
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply<T>>;
}

export interface TestServer extends RunningServer {
  logs: LogEntry[];
  anonymous: Client;
  as(username: string, password?: string): Promise<Client>;
  /** POST /api/clock {add} as an admin; resolves when due timers fired and workers are idle. */
  advance(duration: string): Promise<string>;
  pin(at: string): Promise<string>;
}

async function call(base: string, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

function client(base: string, token: string): Client {
  return {
    token,
    get: (path) => call(base, token, 'GET', path),
    post: (path, body) => call(base, token, 'POST', path, body ?? {}),
    request: (method, path, body, headers) => call(base, token, method, path, body, headers),
  };
}

export async function startTestServer(options: { clockStart?: Date; env?: Record<string, string>; logLevel?: LogLevel } = {}): Promise<TestServer> {
  const mongodbUri = freshDatabaseUri('srv');
  const config = loadConfig({ MODE: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...options.env });
  const logs: LogEntry[] = [];
  const logger = createLogger({ level: options.logLevel ?? 'info', sink: (e) => logs.push(e) });
  const running = await startServer({
    config,
    mongodbUri,
    logger,
    ...(options.clockStart ? { clockStart: options.clockStart } : {}),
  });
  const tokens = new Map<string, string>();
  const as = async (username: string, password = 'demo'): Promise<Client> => {
    let token = tokens.get(`${username}:${password}`);
    if (!token) {
      const res = await call(running.url, '', 'POST', '/api/auth/login', { username, password });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      token = (res.body as { token: string }).token;
      tokens.set(`${username}:${password}`, token);
    }
    return client(running.url, token);
  };
  const clockCall = async (body: unknown): Promise<string> => {
    const admin = await as('admin1');
    const res = await admin.post('/api/clock', body);
    if (res.status !== 200) throw new Error(`clock: ${res.status} ${JSON.stringify(res.body)}`);
    await running.engine.idle();
    return (res.body as { now: string }).now;
  };
  return {
    ...running,
    logs,
    anonymous: client(running.url, ''),
    as,
    advance: (duration) => clockCall({ add: duration }),
    pin: (at) => clockCall({ pin: at }),
    async close() {
      await running.close();
      await dropDatabaseAt(mongodbUri).catch(() => undefined);
    },
  };
}

/**
 * One server for a test file: started before its tests, closed after them.
 *   const t = useTestServer();   ...   await t.server.as('resident1')
 */
export function useTestServer(options: Parameters<typeof startTestServer>[0] = {}): { readonly server: TestServer } {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(options);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server(): TestServer {
      if (!server) throw new Error('the test server is not started yet (use it inside tests or hooks)');
      return server;
    },
  };
}
