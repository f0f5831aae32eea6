/**
 * Every endpoint: 401 without a token, 403 for each role that may not call
 * it, and no 401/403 for those that may; and bad input on every endpoint
 * answers 400 naming the field, changing nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { countAll, residentRepair, useApiHarness, type Json } from './harness.js';

const h = useApiHarness();

const USERS = ['resident1', 'dispatcher1', 'unitA1', 'tech1', 'supervisor1', 'manager1', 'finance1', 'owner1', 'admin1'] as const;
const ALL = [...USERS];
const STAFF = USERS.filter((u) => u !== 'resident1');
const INSPECTORS = ['supervisor1', 'manager1', 'owner1', 'admin1'];
const REPORTERS = ['supervisor1', 'manager1', 'admin1'];

let orderId = '';
let instanceKey = '';
let taskId = '';

beforeAll(async () => {
  const order = await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
  orderId = order.body.id;
  instanceKey = order.body.processInstanceKey;
  taskId = (await h.get(`/api/tasks?workOrderId=${orderId}`, { as: 'unitA1' })).body.items[0].id;
});

interface Route {
  method: 'GET' | 'POST';
  path: () => string;
  allowed: readonly string[];
  body?: unknown;
}

// Bodies are invalid on purpose where the route writes: an allowed caller gets 400, never a change.
const routes: Route[] = [
  { method: 'GET', path: () => '/api/auth/me', allowed: ALL },
  { method: 'GET', path: () => '/api/roles', allowed: ALL },
  { method: 'GET', path: () => '/api/work-orders', allowed: ALL },
  { method: 'POST', path: () => '/api/work-orders', allowed: ALL, body: { kind: 'repair' } },
  { method: 'GET', path: () => '/api/work-orders/export', allowed: STAFF },
  { method: 'GET', path: () => `/api/work-orders/${orderId}`, allowed: ALL },
  { method: 'POST', path: () => `/api/work-orders/${orderId}/cancel`, allowed: ALL, body: {} },
  { method: 'GET', path: () => '/api/tasks', allowed: ALL },
  { method: 'GET', path: () => '/api/processes', allowed: STAFF },
  { method: 'GET', path: () => '/api/processes/repair/xml', allowed: STAFF },
  { method: 'POST', path: () => '/api/deployments', allowed: ['owner1'], body: {} },
  { method: 'GET', path: () => '/api/process-instances', allowed: INSPECTORS },
  { method: 'GET', path: () => `/api/process-instances/${instanceKey}`, allowed: INSPECTORS },
  { method: 'GET', path: () => '/api/clock', allowed: ALL },
  { method: 'POST', path: () => '/api/clock', allowed: ALL, body: { add: 'never' } },
  { method: 'GET', path: () => '/api/reports/kpi', allowed: REPORTERS },
  { method: 'GET', path: () => '/api/reports/spot-check?week=2026-W48', allowed: REPORTERS },
  { method: 'GET', path: () => '/api/notifications', allowed: ALL },
];

describe('401 without a token, 403 for roles that may not', () => {
  it.each(routes.map((r) => [`${r.method} ${r.path.toString().replace(/^\(\) => /, '')}`, r] as const))('%s', async (_name, route) => {
    const anonymous = await h.call(route.method, route.path(), route.body !== undefined ? { body: route.body } : {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBeDefined();
    for (const user of USERS) {
      const r = await h.call(route.method, route.path(), { as: user, ...(route.body !== undefined ? { body: route.body } : {}) });
      if (route.allowed.includes(user)) expect([401, 403], `${user} ${r.status} ${r.text}`).not.toContain(r.status);
      else {
        expect(r.status, user).toBe(403);
        expect(r.body.error.code).toBeDefined();
      }
    }
  });

  it('tasks: claim and complete by someone whose roles do not match → 403', async () => {
    for (const user of ['resident1', 'dispatcher1', 'tech1', 'finance1', 'owner1']) {
      expect((await h.post(`/api/tasks/${taskId}/claim`, undefined, { as: user })).status, user).toBe(403);
      expect((await h.post(`/api/tasks/${taskId}/complete`, { variables: {} }, { as: user })).status, user).toBe(403);
    }
  });
});

describe('bad input on every endpoint → 400 naming the field, nothing changes', () => {
  const cases: [string, 'GET' | 'POST', () => string, unknown, string][] = [
    ['login', 'POST', () => '/api/auth/login', { username: 'x' }, 'password'],
    ['create order', 'POST', () => '/api/work-orders', { kind: 'repair', communityId: 'C001' }, 'address'],
    ['list orders', 'GET', () => '/api/work-orders?priority=0', undefined, 'priority'],
    ['export', 'GET', () => '/api/work-orders/export?format=pdf', undefined, 'format'],
    ['cancel', 'POST', () => `/api/work-orders/${orderId}/cancel`, { reason: 7 }, 'reason'],
    ['tasks', 'GET', () => '/api/tasks?state=any', undefined, 'state'],
    ['complete', 'POST', () => `/api/tasks/${taskId}/complete`, { variables: { note: ['x'] } }, 'variables.note'],
    ['xml', 'GET', () => '/api/processes/repair/xml?version=0', undefined, 'version'],
    ['deploy', 'POST', () => '/api/deployments', { name: 'a.bpmn' }, 'xml'],
    ['instances', 'GET', () => '/api/process-instances?limit=-1', undefined, 'limit'],
    ['clock', 'POST', () => '/api/clock', { pin: 'soon' }, 'pin'],
    ['kpi', 'GET', () => '/api/reports/kpi?groupBy=colour', undefined, 'groupBy'],
    ['spot-check', 'GET', () => '/api/reports/spot-check?week=47', undefined, 'week'],
    ['notifications', 'GET', () => '/api/notifications?limit=zero', undefined, 'limit'],
  ];
  const callerOf: Record<string, string> = { cancel: 'resident1', complete: 'unitA1', deploy: 'owner1', instances: 'admin1', kpi: 'manager1', 'spot-check': 'manager1' };

  it.each(cases)('%s', async (name, method, path, body, field) => {
    const before = await countAll(h.models);
    const processesBefore = (await h.engine.listProcesses()).length;
    const as = callerOf[name] ?? 'dispatcher1';
    const r = await h.call(method, path(), { ...(name === 'login' ? {} : { as }), ...(body !== undefined ? { body } : {}) });
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.details.map((d: Json) => d.path)).toContain(field);
    for (const d of r.body.error.details) expect(Object.keys(d).sort()).toEqual(['message', 'path']);
    expect(await countAll(h.models)).toEqual(before);
    expect((await h.engine.listProcesses()).length).toBe(processesBefore);
  });

  it('the open task is untouched by all of the above', async () => {
    const t = await h.get(`/api/tasks/${taskId}`, { as: 'unitA1' });
    expect(t.body).toMatchObject({ state: 'open', assignee: null });
  });
});
