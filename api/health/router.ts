import type { Connection } from 'mongoose';
import { z } from 'zod';
import type { ProcessEngine } from '../../engine/port.js';
import { ServiceUnavailable } from '../errors.js';
import { endpoint, type Endpoint } from '../http.js';

export const healthView = z.object({
  status: z.literal('ok'),
  engine: z.enum(['embedded', 'zeebe']),
  db: z.literal('ok'),
  mode: z.string(),
  clockControl: z.boolean(),
});

async function pingDb(conn: Connection, timeoutMs = 3000): Promise<boolean> {
  const db = conn.db;
  if (!db || conn.readyState !== 1) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      db.admin().ping().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: { engine: ProcessEngine; conn: Connection; mode: string; clockControl: boolean }): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/health',
      tag: 'health',
      summary: 'Liveness and readiness: engine kind and database reachability (no token needed)',
      access: 'public',
      response: healthView,
      errors: [503],
      handle: async () => {
        if (!(await pingDb(deps.conn))) throw new ServiceUnavailable('The database does not answer.', 'DB_UNAVAILABLE');
        return { status: 'ok' as const, engine: deps.engine.kind, db: 'ok' as const, mode: deps.mode, clockControl: deps.clockControl };
      },
    }),
  ];
}
