/**
 * "Workers stop cleanly" measured from outside: a process that closes the
 * engine exits on its own, soon, with no handle left open.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStandIns, type StandIns } from './harness.js';

let s: StandIns;
beforeAll(async () => {
  s = await startStandIns();
});
afterAll(async () => {
  await s.close();
});

it('a process that closes the Zeebe engine exits by itself, without a forced exit', async () => {
  const script = fileURLToPath(new URL('./fixtures/close-and-exit.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ZEEBE_GRPC_ADDRESS: s.gateway.address, ZEEBE_REST_ADDRESS: s.rest.address, USER_TASK_POLL_INTERVAL_MS: '50', ZEEBE_GRPC_CLIENT_CONNECTION_TOLERANCE_MS: '200' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(killer);
  const exitedAt = Date.now();
  expect(err).toBe('');
  expect(code).toBe(0);
  const closedAt = Number(/closed (\d+)/.exec(out)?.[1]);
  // The SDK's connection-tolerance timer (200 ms here, 3 s by default) is the only thing that
  // may outlive close(): the process ends right after it — not after the long poll's own
  // client-side time-out (long poll + 1 s, which the adapter ends at close), nor by a kill.
  expect(exitedAt - closedAt).toBeLessThan(800);
  expect(s.gateway.requests('ActivateJobs').length).toBeGreaterThan(0);
  expect(s.gateway.openActivations).toBe(0);
}, 20_000);
