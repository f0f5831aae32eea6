/**
 * The tasklist: visibility by roles and units, claim, complete with checks
 * against the task's form and the contract's decision variables, and the
 * extension rule R-REP-8. Scenarios go through HTTP only.
 */
import bcrypt from 'bcryptjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { residentRepair, useApiHarness, useRealEngine, type Json } from './harness.js';

const h = useApiHarness({
  fake: async (engine) => {
    // A procedure whose step is not in the contract's table: its form alone decides.
    engine.script('inspection', {
      async onStart(e, instance) {
        await e.openTask(instance, { elementId: 'inspect', kind: 'site-inspection', candidateGroups: ['supervisor'], formId: 'site-inspection' });
      },
    });
    await engine.deployProcess('inspection');
  },
});

const paths = (r: Json): string[] => r.body.error.details.map((d: { path: string }) => d.path);

beforeAll(async () => {
  // A second member of unit U-A, to see claims collide.
  const unitA1 = await h.models.User.findOne({ username: 'unitA1' }).lean();
  await h.models.User.create({
    _id: 'u-unitA2',
    username: 'unitA2',
    passwordHash: unitA1?.passwordHash ?? (await bcrypt.hash('demo', 4)),
    name: '第二位',
    roles: ['unit'],
    unitId: 'U-A',
    communities: ['C001'],
    active: true,
  });
});

async function newOrder(): Promise<Json> {
  const r = await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
  expect(r.status).toBe(201);
  return r.body;
}

async function openTask(orderId: string, kind: string, as: string): Promise<Json> {
  const r = await h.get(`/api/tasks?workOrderId=${orderId}&kind=${kind}`, { as });
  expect(r.status).toBe(200);
  expect(r.body.items.length, `${kind} open for ${as}`).toBe(1);
  return r.body.items[0];
}

async function complete(task: Json, variables: Record<string, unknown>, as: string): Promise<Json> {
  return h.post(`/api/tasks/${task.id}/complete`, { variables }, { as });
}

/** Drives an order to its report-result step. */
async function toReportResult(orderId: string): Promise<Json> {
  expect((await complete(await openTask(orderId, 'sign-off', 'unitA1'), {}, 'unitA1')).status).toBe(200);
  expect((await complete(await openTask(orderId, 'contact-resident', 'unitA1'), { agreedArrivalAt: '2026-11-23T10:30:00+08:00' }, 'unitA1')).status).toBe(200);
  expect((await complete(await openTask(orderId, 'confirm-arrival', 'unitA1'), {}, 'unitA1')).status).toBe(200);
  return openTask(orderId, 'report-result', 'unitA1');
}

describe('GET /api/tasks', () => {
  it('the sign-off task is listed for the first unit only (R-REP-1), with the contract fields', async () => {
    const order = await newOrder();
    const task = await openTask(order.id, 'sign-off', 'unitA1');
    expect(task).toMatchObject({
      kind: 'sign-off',
      workOrderId: order.id,
      processInstanceKey: order.processInstanceKey,
      candidateUnitId: 'U-A',
      assignee: null,
      state: 'open',
    });
    for (const field of ['id', 'name', 'elementId', 'candidateGroups', 'createdAt', 'dueAt', 'form', 'variables']) expect(task).toHaveProperty(field);
    expect(task.candidateGroups).toContain('unit:U-A');
    expect(task.form?.id).toBe('sign-off');

    for (const who of ['unitB1', 'resident1', 'dispatcher1', 'finance1']) {
      const r = await h.get(`/api/tasks?workOrderId=${order.id}`, { as: who });
      expect(r.body.items.filter((t: Json) => t.kind === 'sign-off'), who).toEqual([]);
    }
  });

  it('assignee=me lists only claimed tasks; state=completed lists done ones; bad filters → 400', async () => {
    const order = await newOrder();
    const task = await openTask(order.id, 'sign-off', 'unitA1');
    expect((await h.get(`/api/tasks?assignee=me&workOrderId=${order.id}`, { as: 'unitA1' })).body.items).toEqual([]);
    await h.post(`/api/tasks/${task.id}/claim`, undefined, { as: 'unitA1' });
    const mine = await h.get(`/api/tasks?assignee=me&workOrderId=${order.id}`, { as: 'unitA1' });
    expect(mine.body.items.map((t: Json) => t.id)).toEqual([task.id]);
    await complete(task, {}, 'unitA1');
    const done = await h.get(`/api/tasks?state=completed&workOrderId=${order.id}`, { as: 'unitA1' });
    expect(done.body.items.map((t: Json) => t.id)).toContain(task.id);
    expect(done.body.items.find((t: Json) => t.id === task.id)).toMatchObject({ state: 'completed', completedBy: 'unitA1' });

    const bad = await h.get('/api/tasks?state=lost&assignee=you', { as: 'unitA1' });
    expect(bad.status).toBe(400);
    expect(paths(bad).sort()).toEqual(['assignee', 'state']);
  });

  it('unknown task → 404 for read, claim and complete', async () => {
    expect((await h.get('/api/tasks/999999', { as: 'unitA1' })).status).toBe(404);
    expect((await h.post('/api/tasks/999999/claim', undefined, { as: 'unitA1' })).status).toBe(404);
    expect((await h.post('/api/tasks/999999/complete', { variables: {} }, { as: 'unitA1' })).status).toBe(404);
  });
});

describe('POST /api/tasks/:id/claim', () => {
  it('claims; the same user again is fine; someone else → 409; another unit → 403', async () => {
    const order = await newOrder();
    const task = await openTask(order.id, 'sign-off', 'unitA1');
    const r = await h.post(`/api/tasks/${task.id}/claim`, undefined, { as: 'unitA1' });
    expect(r.status).toBe(200);
    expect(r.body.assignee).toBe('unitA1');
    expect((await h.post(`/api/tasks/${task.id}/claim`, undefined, { as: 'unitA1' })).status).toBe(200);
    const other = await h.post(`/api/tasks/${task.id}/claim`, undefined, { as: 'unitA2' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('TASK_CLAIMED_BY_OTHER');
    expect((await h.post(`/api/tasks/${task.id}/claim`, undefined, { as: 'unitB1' })).status).toBe(403);
    // Completing a task someone else holds → 409 as well.
    expect((await complete(task, {}, 'unitA2')).status).toBe(409);
    expect((await h.post(`/api/tasks/${task.id}/unclaim`, undefined, { as: 'unitA1' })).body.assignee).toBeNull();
    expect((await complete(task, {}, 'unitA2')).status).toBe(200);
    expect((await h.post(`/api/tasks/${task.id}/claim`, undefined, { as: 'unitA1' })).status).toBe(409);
  });
});

describe('POST /api/tasks/:id/complete', () => {
  it('403 for a user whose roles and units do not match; 409 once completed', async () => {
    const order = await newOrder();
    const task = await openTask(order.id, 'sign-off', 'unitA1');
    for (const who of ['unitB1', 'resident1', 'tech1', 'dispatcher1']) {
      const r = await complete(task, {}, who);
      expect(r.status, who).toBe(403);
      expect(r.body.error.code).toBe('TASK_NOT_YOURS');
    }
    expect((await complete(task, { note: '已签收' }, 'unitA1')).status).toBe(200);
    const again = await complete(task, {}, 'unitA1');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TASK_NOT_OPEN');
  });

  it('checks the variables against the contract and the form (400 names each field; nothing changes)', async () => {
    const order = await newOrder();
    await complete(await openTask(order.id, 'sign-off', 'unitA1'), {}, 'unitA1');
    const task = await openTask(order.id, 'contact-resident', 'unitA1');

    const cases: [unknown, string[]][] = [
      [{}, ['variables.agreedArrivalAt']],
      [{ agreedArrivalAt: 'tomorrow at ten' }, ['variables.agreedArrivalAt']],
      [{ agreedArrivalAt: '2026-11-23T10:30:00+08:00', workOrderId: 'other', extensionCount: 0 }, ['variables.workOrderId', 'variables.extensionCount']],
      [{ agreedArrivalAt: '2026-11-23T10:30:00+08:00', note: 42 }, ['variables.note']],
    ];
    for (const [variables, expected] of cases) {
      const r = await h.post(`/api/tasks/${task.id}/complete`, { variables }, { as: 'unitA1' });
      expect(r.status, JSON.stringify(variables)).toBe(400);
      expect(paths(r).sort(), JSON.stringify(r.body)).toEqual(expected.sort());
    }
    const notObject = await h.post(`/api/tasks/${task.id}/complete`, { variables: 5 }, { as: 'unitA1' });
    expect(notObject.status).toBe(400);
    expect(paths(notObject)).toEqual(['variables']);
    // Still open, unchanged.
    expect((await h.get(`/api/tasks/${task.id}`, { as: 'unitA1' })).body.state).toBe('open');

    // Only the contract's decision variable: accepted, even where the form asks for more.
    const ok = await complete(task, { agreedArrivalAt: '2026-11-23T10:30:00+08:00' }, 'unitA1');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'completed', completedBy: 'unitA1' });
  });

  it('report-result: result options, integer days and the form\'s limits are enforced', async () => {
    const order = await newOrder();
    const task = await toReportResult(order.id);
    const cases: [unknown, string[]][] = [
      [{ result: 'done' }, ['variables.result']],
      [{ result: 'extension', extensionDays: 2.5 }, ['variables.extensionDays']],
      [{ result: 'extension', extensionDays: 30 }, ['variables.extensionDays']],
      [{ result: 'withdrawal', withdrawalReason: 'bored' }, ['variables.withdrawalReason']],
      [{ result: 'repaired', fee: -5 }, ['variables.fee']],
    ];
    for (const [variables, expected] of cases) {
      const r = await h.post(`/api/tasks/${task.id}/complete`, { variables }, { as: 'unitA1' });
      expect(r.status, JSON.stringify(variables)).toBe(400);
      expect(paths(r), JSON.stringify(r.body)).toEqual(expected);
    }
  });

  it.skipIf(useRealEngine)('a step outside the contract table is checked against its form alone', async () => {
    const started = await h.engine.startInstance('inspection', {});
    const [task] = await h.engine.searchUserTasks({ processInstanceKey: started.processInstanceKey });
    const url = `/api/tasks/${task.key}/complete`;
    const bad = await h.post(url, { variables: { inspector: 'X', areaM2: 20000, severity: 'medium', defects: ['crack', 'mould'], inspectedOn: '23/11/2026' } }, { as: 'supervisor1' });
    expect(bad.status).toBe(400);
    expect(paths(bad).sort()).toEqual(['variables.areaM2', 'variables.defects.1', 'variables.inspectedOn', 'variables.inspector', 'variables.severity']);
    const missing = await h.post(url, { variables: {} }, { as: 'supervisor1' });
    // `reason` is conditional in the form, so never required.
    expect(paths(missing).sort()).toEqual(['variables.areaM2', 'variables.inspector', 'variables.severity']);
    const ok = await h.post(url, { variables: { inspector: 'Xu', areaM2: 12.5, severity: 'high', defects: ['leak'], inspectedOn: '2026-11-23' } }, { as: 'supervisor1' });
    expect(ok.status).toBe(200);
    expect((await h.engine.getInstance(started.processInstanceKey))?.variables).toMatchObject({ inspector: 'Xu', areaM2: 12.5 });
  });
});

/** Completes report-result with an extension; where the model asks a supervisor to approve it, approves. */
async function extend(orderId: string, task: Json, days: number): Promise<Json> {
  const r = await complete(task, { result: 'extension', extensionDays: days }, 'unitA1');
  if (r.status !== 200) return r;
  const approvals = await h.get(`/api/tasks?workOrderId=${orderId}&kind=approve-extension`, { as: 'supervisor1' });
  for (const a of approvals.body.items) expect((await complete(a, { approved: true }, 'supervisor1')).status).toBe(200);
  return r;
}

describe('R-REP-8: at most two extensions and 14 days in total', () => {
  it('a third extension → 409, and the task stays open', async () => {
    const order = await newOrder();
    let task = await toReportResult(order.id);
    for (let i = 1; i <= 2; i++) {
      expect((await extend(order.id, task, 3)).status).toBe(200);
      task = await openTask(order.id, 'report-result', 'unitA1');
    }
    const third = await complete(task, { result: 'extension', extensionDays: 1 }, 'unitA1');
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('EXTENSION_LIMIT_REACHED');
    expect((await h.get(`/api/tasks/${task.id}`, { as: 'unitA1' })).body.state).toBe('open');
    // Reporting the repair is still possible.
    expect((await complete(task, { result: 'repaired' }, 'unitA1')).status).toBe(200);
  });

  it('more than 14 days in total → 409', async () => {
    const order = await newOrder();
    let task = await toReportResult(order.id);
    expect((await extend(order.id, task, 10)).status).toBe(200);
    task = await openTask(order.id, 'report-result', 'unitA1');
    const over = await complete(task, { result: 'extension', extensionDays: 5 }, 'unitA1');
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('EXTENSION_DAYS_EXCEEDED');
    expect((await extend(order.id, task, 4)).status).toBe(200);
  });
});

describe('deadlines and timeline follow the tasks', () => {
  it('completing sign-off marks its deadline met and names who did it', async () => {
    const order = await newOrder();
    const task = await openTask(order.id, 'sign-off', 'unitA1');
    await complete(task, {}, 'unitA1');
    const r = await h.get(`/api/work-orders/${order.id}`, { as: 'dispatcher1' });
    const d = r.body.deadlines.find((x: Json) => x.name === 'sign-off');
    expect(d.metAt).not.toBeNull();
    expect(d.breached).toBe(false);
    expect(r.body.timeline.some((t: Json) => t.type === 'task-completed' && t.actor === 'unitA1')).toBe(true);
    expect(r.body.timeline.some((t: Json) => t.type === 'task-created' && t.elementId)).toBe(true);
  });
});
