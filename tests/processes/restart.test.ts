/**
 * Durability: the server process is killed with SIGKILL mid-flow — one order
 * waiting in a user task with its sign-off timer pending, one with a job just
 * created or in flight — then started again on the same database. Every order
 * goes on, every timer fires at its original due time (late, never lost), and
 * nothing is done twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/server.js';
import { dropDatabaseAt, freshDatabaseUri } from '../helpers/db.js';

const dbUri = freshDatabaseUri('restart');
const children = new Set<ChildProcess>();

interface Started {
  child: ChildProcess;
  url: string;
}

function startServerProcess(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'start.ts')], {
    cwd: repoRoot,
    env: { ...process.env, MONGODB_URI: dbUri, MODE: 'test', PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${err}`)), 60_000);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}\n${err}`));
    });
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function api(url: string, token: string, method: string, p: string, body?: unknown) {
  const res = await fetch(url + p, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function login(url: string, username: string): Promise<string> {
  const res = await api(url, '', 'POST', '/api/auth/login', { username, password: 'demo' });
  expect(res.status).toBe(200);
  return res.body.token as string;
}

/** Waits (by polling the API, bounded) until a task of `kind` is open for the order. */
async function waitForTask(url: string, token: string, workOrderId: string, kind: string) {
  for (let i = 0; i < 200; i++) {
    const res = await api(url, token, 'GET', `/api/tasks?workOrderId=${workOrderId}&kind=${kind}`);
    const task = (res.body.items as { id: string; kind: string }[]).find((t) => t.kind === kind);
    if (task) return task;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${kind} task for ${workOrderId}`);
}

const repairOrder = {
  kind: 'repair',
  communityId: 'C001',
  address: '1栋1单元101',
  description: '楼道灯不亮',
  faultType: 'electrical',
  symptom: '不亮',
  part: '楼道',
  priority: 3,
  responsibility: 'shared',
  reporter: { name: '张伟', phone: '13812345678' },
  channel: 'phone',
};

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await dropDatabaseAt(dbUri).catch(() => undefined);
});

describe('restart after SIGKILL (durability of instances, jobs and timers)', () => {
  it('every order goes on after a hard kill; a pending sign-off timer fires at its due time; nothing is doubled', async () => {
    let server = await startServerProcess();
    let dispatcher = await login(server.url, 'dispatcher1');
    let unitA = await login(server.url, 'unitA1');

    // Order A waits for sign-off with its 8-minute timer pending (R-REP-1/2).
    const a = (await api(server.url, dispatcher, 'POST', '/api/work-orders', repairOrder)).body;
    await waitForTask(server.url, unitA, a.id, 'sign-off');
    // Order B: sign-off completed, so its next jobs are created and may be in flight when the kill comes.
    const b = (await api(server.url, dispatcher, 'POST', '/api/work-orders', repairOrder)).body;
    const bSign = await waitForTask(server.url, unitA, b.id, 'sign-off');
    const admin = await login(server.url, 'admin1');
    await api(server.url, admin, 'POST', '/api/clock', { add: 'PT5M' });
    const done = await api(server.url, unitA, 'POST', `/api/tasks/${bSign.id}/complete`, { variables: {} });
    expect(done.status).toBe(200);

    await killHard(server.child);

    server = await startServerProcess();
    dispatcher = await login(server.url, 'dispatcher1');
    unitA = await login(server.url, 'unitA1');
    const unitB = await login(server.url, 'unitB1');
    const admin2 = await login(server.url, 'admin1');

    // The clock goes on where it was (5 minutes in): 2 more minutes is still before A's deadline.
    await api(server.url, admin2, 'POST', '/api/clock', { add: 'PT2M' });
    expect((await api(server.url, dispatcher, 'GET', `/api/work-orders/${a.id}`)).body.status).toBe('dispatched');
    // Past 8 minutes: A goes to the second unit (R-REP-2), exactly once.
    await api(server.url, admin2, 'POST', '/api/clock', { add: 'PT2M' });
    const second = await waitForTask(server.url, unitB, a.id, 'sign-off');
    const aTasks = (await api(server.url, unitB, 'GET', `/api/tasks?workOrderId=${a.id}&kind=sign-off`)).body.items;
    expect(aTasks).toHaveLength(1);
    expect(aTasks[0].candidateUnitId).toBe('U-B');
    await api(server.url, unitB, 'POST', `/api/tasks/${second.id}/complete`, { variables: {} });

    // B goes on from its sign-off: one contact task, not two.
    const contact = await waitForTask(server.url, unitA, b.id, 'contact-resident');
    const bContacts = (await api(server.url, unitA, 'GET', `/api/tasks?workOrderId=${b.id}&kind=contact-resident`)).body.items;
    expect(bContacts).toHaveLength(1);
    const bOrder = (await api(server.url, dispatcher, 'GET', `/api/work-orders/${b.id}`)).body;
    expect(bOrder.status).toBe('signed');
    const timeline = bOrder.timeline as { type: string; elementId: string | null }[];
    expect(timeline.filter((e) => e.type === 'signed')).toHaveLength(1);
    expect(timeline.filter((e) => e.type === 'task-created' && e.elementId === 'contact-resident')).toHaveLength(1);
    expect(contact.kind).toBe('contact-resident');

    await killHard(server.child);
  }, 120_000);
});
