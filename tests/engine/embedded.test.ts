/**
 * The embedded adapter on a real MongoDB-wire database (FerretDB in CI):
 * jobs, user tasks, FEEL, timers, errors, messages, versions and durability.
 * Time moves only through the controllable clock.
 */
import { readFileSync } from 'node:fs';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlledClock, installClock } from '../../engine/clock.js';
import { EmbeddedEngine } from '../../engine/embedded/index.js';
import { JobResult, type Job } from '../../engine/port.js';
import { testServerUri, useTestDatabase, withDatabaseName } from '../helpers/db.js';

const db = useTestDatabase('engine');
const clock = new ControlledClock('frozen', new Date('2026-11-23T10:00:00+08:00'));
installClock(clock);

const fixture = (name: string) => ({ name: `${name}.bpmn`, content: readFileSync(new URL(`./fixtures/${name}.bpmn`, import.meta.url), 'utf8') });

let engine: EmbeddedEngine;
const seen: Record<string, Job[]> = {};

function startEngine(cacheElements?: number): EmbeddedEngine {
  const e = new EmbeddedEngine({ connection: db.connection, clock, schedulerIntervalMs: 50, cacheElements });
  return e;
}

function record(e: EmbeddedEngine, type: string, handle: (job: Job) => ReturnType<typeof JobResult.complete> = () => JobResult.complete()) {
  e.createWorker(type, async (job) => {
    (seen[type] ??= []).push(job);
    return handle(job);
  }, { pollIntervalMs: 20 });
}

beforeAll(async () => {
  engine = startEngine();
  await engine.start();
  await engine.deploy(['basic', 'reminders', 'errors', 'messages'].map(fixture));
  record(engine, 'prepare', (job) => JobResult.complete({ result: `ok-${String(job.variables.doubled)}`, noise: 'not mapped' }));
  record(engine, 'escalate');
  record(engine, 'notify');
  record(engine, 'breach');
  record(engine, 'prepare-payment');
});

afterAll(async () => {
  await engine.close();
});

describe('jobs, FEEL and user tasks', () => {
  it('runs a job with input mapping and headers, applies only the output mapping, and waits in a user task', async () => {
    const { processInstanceKey } = await engine.startInstance('basic', { amount: 21, unitId: 'U-A' }, { businessKey: 'order-1' });
    await engine.idle();
    const job = seen.prepare!.find((j) => j.processInstanceKey === processInstanceKey)!;
    expect(job.variables.doubled).toBe(42);
    expect(job.customHeaders).toEqual({ template: 'hello' });

    const inst = await engine.getInstance(processInstanceKey);
    expect(inst?.variables.prepared).toBe('ok-42');
    expect(inst?.variables).not.toHaveProperty('noise');
    expect(inst?.activeElementIds).toContain('approve');

    const [task] = await engine.searchUserTasks({ processInstanceKey, state: 'created' });
    expect(task).toMatchObject({ kind: 'approve', candidateGroups: ['unit:U-A'], candidateUsers: ['alice', 'bob'], formId: 'approve-form', businessKey: 'order-1' });
    // No taskSchedule: due when the interrupting 8-minute timer fires.
    expect(task!.dueDate).toBe(new Date(clock.now().getTime() + 8 * 60_000).toISOString());

    await engine.completeUserTask(task!.key, { approved: true }, 'alice');
    await engine.idle();
    const done = await engine.getInstance(processInstanceKey);
    expect(done?.state).toBe('completed');
    expect(done?.completedElementIds).toContain('endApproved');
    expect(done?.variables.approved).toBe(true);
    const closed = await engine.getUserTask(task!.key);
    expect(closed).toMatchObject({ state: 'completed', completedBy: 'alice' });
  });

  it('does not take a flow whose FEEL condition is false, and takes it when true', async () => {
    const low = await engine.startInstance('basic', { amount: 5, unitId: 'U-A' });
    const high = await engine.startInstance('basic', { amount: 500, unitId: 'U-A' });
    await engine.idle();
    expect((await engine.getInstance(low.processInstanceKey))?.activeElementIds).toContain('approve');
    expect((await engine.getInstance(low.processInstanceKey))?.completedElementIds).not.toContain('endSkipped');
    const h = await engine.getInstance(high.processInstanceKey);
    expect(h?.state).toBe('completed');
    expect(h?.completedElementIds).toContain('endSkipped');
    expect(h?.completedElementIds).not.toContain('approve');
  });

  it('refuses to complete a task twice (409) and an unknown task (404)', async () => {
    const { processInstanceKey } = await engine.startInstance('basic', { amount: 1, unitId: 'U-B' });
    await engine.idle();
    const [task] = await engine.searchUserTasks({ processInstanceKey, state: 'created' });
    await engine.completeUserTask(task!.key, {});
    await expect(engine.completeUserTask(task!.key, {})).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(engine.completeUserTask('nope', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('timers', () => {
  it('an interrupting boundary timer cancels the task at its due time, not before', async () => {
    const { processInstanceKey } = await engine.startInstance('basic', { amount: 1, unitId: 'U-A' });
    await engine.idle();
    const [task] = await engine.searchUserTasks({ processInstanceKey, state: 'created' });
    const events: string[] = [];
    engine.onUserTaskEvent(async (e) => {
      if (e.task.processInstanceKey === processInstanceKey) events.push(e.type);
    });

    await engine.advanceClock({ addMs: 7 * 60_000 + 59_000 });
    await engine.idle();
    expect((await engine.getUserTask(task!.key))?.state).toBe('created');

    await engine.advanceClock({ addMs: 1_000 });
    await engine.idle();
    expect((await engine.getUserTask(task!.key))?.state).toBe('canceled');
    expect(events).toEqual(['canceled']);
    const inst = await engine.getInstance(processInstanceKey);
    expect(inst?.state).toBe('completed');
    expect(inst?.completedElementIds).toEqual(expect.arrayContaining(['approveTimeout', 'escalate', 'endEscalated']));
  });

  it('a non-interrupting cycle R3/PT2M fires exactly three times; a timeDate from a variable fires once', async () => {
    const dueAt = new Date(clock.now().getTime() + 30 * 60_000).toISOString();
    const { processInstanceKey } = await engine.startInstance('reminders', { dueAt });
    await engine.idle();
    const [task] = await engine.searchUserTasks({ processInstanceKey, state: 'created' });
    expect(task!.dueDate).toBe(dueAt);
    const count = (type: string) => (seen[type] ?? []).filter((j) => j.processInstanceKey === processInstanceKey).length;
    for (let i = 0; i < 10; i++) {
      await engine.advanceClock({ addMs: 2 * 60_000 });
      await engine.idle();
    }
    expect(count('notify')).toBe(3);
    expect(count('breach')).toBe(0);
    await engine.advanceClock({ addMs: 10 * 60_000 });
    await engine.idle();
    expect(count('breach')).toBe(1);
    expect((await engine.getUserTask(task!.key))?.state).toBe('created');
  });
});

describe('failures', () => {
  it('retries a failing job with back-off, then raises an incident; resolving it retries the job', async () => {
    let attempts = 0;
    let healthy = false;
    engine.createWorker('order-parts', async () => {
      attempts++;
      return healthy ? JobResult.complete({ ordered: true }) : JobResult.fail('supplier offline', { retryBackOffMs: 10 });
    }, { pollIntervalMs: 20 });
    const { processInstanceKey } = await engine.startInstance('errors', {});
    await engine.idle();
    await new Promise((r) => setTimeout(r, 30)); // back-off is real time: let it pass
    await engine.idle();
    expect(attempts).toBe(2);
    const inst = await engine.getInstance(processInstanceKey);
    expect(inst?.state).toBe('incident');
    expect(inst?.incidents).toHaveLength(1);
    expect(inst?.incidents[0]).toMatchObject({ elementId: 'order', message: 'order-parts: supplier offline' });

    healthy = true;
    await engine.resolveIncident(processInstanceKey, inst!.incidents[0]!.key);
    await engine.idle();
    const after = await engine.getInstance(processInstanceKey);
    expect(after?.state).toBe('completed');
    expect(after?.variables.ordered).toBe(true);
  });
});

describe('BPMN errors and messages', () => {
  it('a BPMN error thrown by a worker is caught by the boundary error event with its code', async () => {
    const e2 = startEngine();
    await e2.start();
    e2.createWorker('order-parts', async () => JobResult.error('NO_STOCK', 'out of stock'), { pollIntervalMs: 20 });
    const { processInstanceKey } = await e2.startInstance('errors', {});
    await e2.idle();
    await e2.close();
    const inst = await engine.getInstance(processInstanceKey);
    expect(inst?.state).toBe('completed');
    expect(inst?.completedElementIds).toContain('endNoStock');
    expect(inst?.completedElementIds).not.toContain('end');
  });

  it('correlates a message by its key, and buffers one published before the subscription for its TTL', async () => {
    const a = await engine.startInstance('messages', { orderId: 'A-1' });
    await engine.idle();
    await engine.publishMessage({ name: 'fee-paid', correlationKey: 'B-2', timeToLive: 'PT1H', variables: { paidBy: 'cash' } });
    await engine.publishMessage({ name: 'fee-paid', correlationKey: 'A-1', variables: { paidBy: 'card' } });
    await engine.idle();
    const ia = await engine.getInstance(a.processInstanceKey);
    expect(ia?.state).toBe('completed');
    expect(ia?.variables.paidBy).toBe('card');

    const b = await engine.startInstance('messages', { orderId: 'B-2' });
    await engine.idle();
    await new Promise((r) => setImmediate(r));
    await engine.idle();
    const ib = await engine.getInstance(b.processInstanceKey);
    expect(ib?.state).toBe('completed');
    expect(ib?.variables.paidBy).toBe('cash');

    const c = await engine.startInstance('messages', { orderId: 'C-3' });
    await engine.publishMessage({ name: 'fee-paid', correlationKey: 'C-3', timeToLive: 0 });
    await engine.idle();
    // Published with no TTL before the instance waited: lost, as on Zeebe.
    expect((await engine.getInstance(c.processInstanceKey))?.state).toBe('active');
  });
});

describe('dead paths (exclusive choices)', () => {
  it('eight exclusive diamonds in a row take the chosen branch each time and end once', async () => {
    await engine.deploy(['diamonds', 'join'].map(fixture));
    record(engine, 'diamond-last');
    record(engine, 'join-a');
    record(engine, 'join-b');
    const { processInstanceKey } = await engine.startInstance('diamonds', { pick: 1 });
    await engine.idle();
    const inst = await engine.getInstance(processInstanceKey);
    expect(inst?.state).toBe('completed');
    for (let i = 1; i <= 8; i++) {
      expect(inst?.completedElementIds).toContain(i % 2 === 1 ? `a${i}` : `b${i}`);
      expect(inst?.completedElementIds).not.toContain(i % 2 === 1 ? `b${i}` : `a${i}`);
    }
    expect(seen['diamond-last']!.filter((j) => j.processInstanceKey === processInstanceKey)).toHaveLength(1);
  });

  it('a parallel join behind an exclusive choice is released by the discarded branch, and waits for a taken one', async () => {
    const skipped = await engine.startInstance('join', { go: false });
    const taken = await engine.startInstance('join', { go: true });
    await engine.idle();
    const s = await engine.getInstance(skipped.processInstanceKey);
    expect(s?.state).toBe('completed');
    expect(s?.completedElementIds).toEqual(expect.arrayContaining(['jobA', 'endSkipped', 'joinAll', 'endJoined']));
    expect(s?.completedElementIds).not.toContain('jobB');
    const t = await engine.getInstance(taken.processInstanceKey);
    expect(t?.state).toBe('completed');
    expect(t?.completedElementIds).toEqual(expect.arrayContaining(['jobA', 'jobB', 'joinAll', 'endJoined']));
    expect(seen['join-b']!.filter((j) => j.processInstanceKey === skipped.processInstanceKey)).toHaveLength(0);
  });
});

describe('versions', () => {
  it('a redeploy of the same XML is not a new version; a changed model is, and running instances keep theirs', async () => {
    const [again] = await engine.deploy([fixture('basic')]);
    expect(again).toMatchObject({ bpmnProcessId: 'basic', version: 1, duplicate: true });
    const running = await engine.startInstance('basic', { amount: 1, unitId: 'U-A' });
    await engine.idle();

    const changed = fixture('basic').content.replace('<bpmn:timeDuration>PT8M</bpmn:timeDuration>', '<bpmn:timeDuration>PT20M</bpmn:timeDuration>');
    const [v2] = await engine.deploy([{ name: 'basic.bpmn', content: changed }]);
    expect(v2).toMatchObject({ bpmnProcessId: 'basic', version: 2 });
    expect(await engine.getProcessXml('basic')).toContain('PT20M');
    expect(await engine.getProcessXml('basic', 1)).toContain('PT8M');

    const fresh = await engine.startInstance('basic', { amount: 1, unitId: 'U-A' });
    await engine.idle();
    expect(fresh.version).toBe(2);
    await engine.advanceClock({ addMs: 9 * 60_000 });
    await engine.idle();
    expect((await engine.getInstance(running.processInstanceKey))?.state).toBe('completed'); // v1: 8 minutes
    expect((await engine.getInstance(fresh.processInstanceKey))?.state).toBe('active'); // v2: 20 minutes
  });

  it('rejects a document that is not BPMN with INVALID', async () => {
    await expect(engine.deploy([{ name: 'x.bpmn', content: '<nope/>' }])).rejects.toMatchObject({ code: 'INVALID' });
  });
});

describe('durability', () => {
  it('a new engine on the same database goes on where the old one stopped; a timer that fell due while down fires late, not lost', async () => {
    const { processInstanceKey } = await engine.startInstance('reminders', { dueAt: new Date(clock.now().getTime() + 60 * 60_000).toISOString() });
    await engine.idle();
    const [task] = await engine.searchUserTasks({ processInstanceKey, state: 'created' });
    await engine.close();

    // "Down" for 61 minutes: the due date and all three reminders pass.
    clock.add(61 * 60_000);
    engine = startEngine();
    await engine.start();
    for (const type of ['prepare', 'escalate', 'notify', 'breach', 'prepare-payment']) record(engine, type);
    await engine.advanceClock({ addMs: 0 });
    await engine.idle();
    const count = (type: string) => (seen[type] ?? []).filter((j) => j.processInstanceKey === processInstanceKey).length;
    expect(count('breach')).toBe(1);
    // Missed cycle repetitions collapse: at least one reminder, never more than three.
    expect(count('notify')).toBeGreaterThanOrEqual(1);
    expect(count('notify')).toBeLessThanOrEqual(3);
    await engine.completeUserTask(task!.key, {});
    await engine.idle();
    expect((await engine.getInstance(processInstanceKey))?.state).toBe('completed');
  });

  it('timers that fell due while down fire as the instance is recovered, and are counted as fired with their lateness', async () => {
    const dueAt = new Date(clock.now().getTime() + 30 * 60_000).toISOString();
    const { processInstanceKey } = await engine.startInstance('reminders', { dueAt });
    await engine.idle();
    await engine.close();

    // Down for 31 minutes: the due date (30 min) and the first reminder (2 min) pass.
    clock.add(31 * 60_000);
    engine = startEngine();
    await engine.start();
    for (const type of ['prepare', 'escalate', 'notify', 'breach', 'prepare-payment']) record(engine, type);
    engine.metrics.reset();
    const fired = await engine.runDueTimers();
    expect(fired).toBeGreaterThanOrEqual(2);
    expect(engine.metrics.timerLatenessMs.length).toBe(1);
    // Late by the time since the earliest overdue timer (the reminder due 2 minutes after the start).
    expect(engine.metrics.timerLatenessMs[0]).toBe(29 * 60_000);
    await engine.idle();
    expect((seen.breach ?? []).filter((j) => j.processInstanceKey === processInstanceKey)).toHaveLength(1);
  });

  it('closing while a backlog of deadlines is fired stops between instances; the next start fires the rest, each once', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 12; i++) {
      const dueAt = new Date(clock.now().getTime() + 60 * 60_000).toISOString();
      keys.push((await engine.startInstance('reminders', { dueAt })).processInstanceKey);
    }
    await engine.idle();
    // An outage of 61 minutes: all 12 due dates have passed; closing starts while they are fired (8 at a time).
    clock.add(61 * 60_000);
    const firing = engine.runDueTimers();
    await engine.close();
    await firing;
    expect(engine.overdueTimerCount).toBeGreaterThan(0);

    engine = startEngine();
    await engine.start();
    for (const type of ['prepare', 'escalate', 'notify', 'breach', 'prepare-payment']) record(engine, type);
    await engine.runDueTimers();
    await engine.idle();
    expect(engine.overdueTimerCount).toBe(0);
    for (const key of keys) expect((seen.breach ?? []).filter((j) => j.processInstanceKey === key)).toHaveLength(1);
  });

  it('hot instances are kept within a budget of BPMN elements (memory grows with the model), the oldest dropped first and recovered when needed', async () => {
    await engine.close();
    engine = startEngine(40);
    await engine.start();
    for (const type of ['prepare', 'escalate', 'notify', 'breach', 'prepare-payment']) record(engine, type);
    const keys: string[] = [];
    for (let i = 0; i < 6; i++) keys.push((await engine.startInstance('basic', { amount: 10 + i, unitId: 'U-A' })).processInstanceKey);
    await engine.idle();
    const { cachedInstances, cachedElements } = engine.stats;
    expect(cachedElements).toBeLessThanOrEqual(40);
    expect(cachedInstances).toBeGreaterThan(0);
    expect(cachedInstances).toBeLessThan(6);
    // Those dropped are recovered from the database when their task is completed.
    engine.metrics.reset();
    for (const key of keys) {
      const [task] = await engine.searchUserTasks({ processInstanceKey: key, state: 'created' });
      await engine.completeUserTask(task!.key, { approved: true }, 'alice');
    }
    await engine.idle();
    expect(engine.metrics.instancesRestored).toBeGreaterThanOrEqual(6 - cachedInstances);
    for (const key of keys) expect((await engine.getInstance(key))?.state).toBe('completed');
    await engine.close();
    engine = startEngine();
    await engine.start();
    for (const type of ['prepare', 'escalate', 'notify', 'breach', 'prepare-payment']) record(engine, type);
  });

  it('an applied outbox left behind (deleted in batches) is applied again only as far as its instance agrees', async () => {
    const { processInstanceKey: key } = await engine.startInstance('basic', { amount: 21, unitId: 'U-A' });
    await engine.idle();
    const [task] = await engine.searchUserTasks({ processInstanceKey: key, state: 'created' });
    await engine.completeUserTask(task!.key, { approved: true }, 'alice');
    await engine.idle();
    expect((await engine.getInstance(key))?.state).toBe('completed');
    await engine.close();

    // As after a crash before the batch delete: the outbox of the write that opened the task is still there.
    const closed = await db.connection.collection('engine_user_task_history').findOne({ _id: task!.key as never });
    const { completedAt: _at, completedBy: _by, ...open } = closed as Record<string, unknown>;
    await db.connection.collection('engine_outbox').insertOne({
      _id: `${key}:2` as never,
      instanceKey: key,
      rev: 2,
      jobsAdded: [],
      jobsRemoved: [],
      tasksAdded: [{ ...open, state: 'created' }],
      tasksClosed: [],
      subscriptionsAdded: [],
      subscriptionsRemoved: [],
      timer: { changed: true, dueAt: new Date(clock.now().getTime() + 8 * 60_000) },
    });

    engine = startEngine();
    await engine.start();
    for (const type of ['prepare', 'escalate', 'notify', 'breach', 'prepare-payment']) record(engine, type);
    // The ended instance has no task and no timer: neither comes back.
    expect(await engine.searchUserTasks({ processInstanceKey: key, state: 'created' })).toEqual([]);
    expect(await engine.getUserTask(task!.key)).toMatchObject({ state: 'completed', completedBy: 'alice' });
    expect(await db.connection.collection('engine_timers').findOne({ _id: key as never })).toBeNull();
    expect(await db.connection.collection('engine_outbox').countDocuments({ instanceKey: key })).toBe(0);
  });

  it('a timer index entry earlier than the instance\'s own deadline (a crash between the two writes) fires nothing and is set right', async () => {
    const { processInstanceKey: key } = await engine.startInstance('basic', { amount: 1, unitId: 'U-A' });
    await engine.idle();
    const [task] = await engine.searchUserTasks({ processInstanceKey: key, state: 'created' });
    const instance = await db.connection.collection('engine_instances').findOne({ _id: key as never });
    const due = new Date((instance?.timers as { dueAt: number }[])[0]!.dueAt);
    const timers = db.connection.collection('engine_timers');
    expect((await timers.findOne({ _id: key as never }))?.dueAt).toEqual(due);
    await engine.close();

    engine = startEngine();
    await timers.updateOne({ _id: key as never }, { $set: { dueAt: new Date(clock.now().getTime() + 60_000) } });
    await engine.start();
    for (const type of ['prepare', 'escalate', 'notify', 'breach', 'prepare-payment']) record(engine, type);
    expect(due.getTime() - clock.now().getTime()).toBeGreaterThan(2 * 60_000);
    await engine.advanceClock({ addMs: 2 * 60_000 });
    await engine.idle();
    expect((await engine.getUserTask(task!.key))?.state).toBe('created');
    expect((await timers.findOne({ _id: key as never }))?.dueAt).toEqual(due);

    await engine.advanceClock({ addMs: due.getTime() - clock.now().getTime() });
    await engine.idle();
    expect((await engine.getUserTask(task!.key))?.state).toBe('canceled');
    expect(await timers.findOne({ _id: key as never })).toBeNull();
  });
});

describe('open tasks stored packed (restart reads them)', () => {
  it('a task is stored as key, state, assignee and one JSON text, and a new engine finds it by group, user and kind, assigned, with its variables', async () => {
    const { processInstanceKey } = await engine.startInstance('basic', { amount: 5, unitId: 'U-P' }, { businessKey: 'order-packed' });
    await engine.idle();
    const [task] = await engine.searchUserTasks({ processInstanceKey, state: 'created' });
    expect(task).toBeDefined();
    await engine.assignUserTask(task!.key, 'alice');
    const stored = await db.connection.collection('engine_user_tasks').findOne({ _id: task!.key as never });
    expect(Object.keys(stored!).sort()).toEqual(['_id', 'assignee', 'packed', 'state']);
    expect(stored).toMatchObject({ state: 'created', assignee: 'alice' });

    await engine.close();
    engine = startEngine();
    await engine.start();
    for (const type of ['prepare', 'escalate', 'notify', 'breach', 'prepare-payment']) record(engine, type);
    const byGroup = await engine.searchUserTasks({ candidateGroupsAny: ['unit:U-P'], state: 'created' });
    expect(byGroup.map((t) => t.key)).toEqual([task!.key]);
    const found = byGroup[0]!;
    expect(found).toMatchObject({ processInstanceKey, kind: 'approve', assignee: 'alice', businessKey: 'order-packed', candidateUsers: ['alice', 'bob'] });
    expect(found.variables).toMatchObject({ amount: 5, unitId: 'U-P' });
    expect(found.customHeaders).toEqual({ kind: 'approve' });
    expect(new Date(found.createdAt).getTime()).toBe(new Date(task!.createdAt).getTime());
    expect((await engine.searchUserTasks({ candidateUser: 'bob', kind: 'approve', processInstanceKey })).map((t) => t.key)).toEqual([task!.key]);
    await engine.completeUserTask(task!.key, { approved: false });
    await engine.idle();
    expect(await engine.searchUserTasks({ processInstanceKey, state: 'created' })).toEqual([]);
  });

  it('a task stored by an earlier version (fields beside a text of variables and headers) is read at start as well', async () => {
    const key = 'legacy-task-1';
    await db.connection.collection('engine_user_tasks').insertOne({
      _id: key as never,
      executionId: 'exec-legacy',
      processInstanceKey: 'pi-legacy',
      bpmnProcessId: 'basic',
      processDefinitionVersion: 1,
      elementId: 'approve',
      name: 'Approve',
      kind: 'approve',
      candidateGroups: ['unit:U-L'],
      candidateUsers: [],
      state: 'created',
      createdAt: new Date('2026-11-23T10:00:00+08:00'),
      packed: JSON.stringify({ variables: { amount: 7 }, customHeaders: { kind: 'approve' } }),
    });
    await engine.close();
    engine = startEngine();
    await engine.start();
    for (const type of ['prepare', 'escalate', 'notify', 'breach', 'prepare-payment']) record(engine, type);
    const [legacy] = await engine.searchUserTasks({ candidateGroupsAny: ['unit:U-L'], state: 'created' });
    expect(legacy).toMatchObject({ key, processInstanceKey: 'pi-legacy', kind: 'approve', variables: { amount: 7 }, customHeaders: { kind: 'approve' } });
    await db.connection.collection('engine_user_tasks').deleteOne({ _id: key as never });
  });
});

describe('start-up reads through a second connection', () => {
  it('a new engine that reads its armed timers through a start-up reader fires them when due', async () => {
    const { processInstanceKey } = await engine.startInstance('reminders', { dueAt: new Date(clock.now().getTime() + 60 * 60_000).toISOString() });
    await engine.idle();
    await engine.close();
    const reader = await mongoose.createConnection(withDatabaseName(testServerUri(), db.dbName)).asPromise();
    try {
      engine = new EmbeddedEngine({ connection: db.connection, startupReader: reader, clock, schedulerIntervalMs: 50 });
      await engine.start();
      for (const type of ['prepare', 'escalate', 'notify', 'breach', 'prepare-payment']) record(engine, type);
      const breaches = () => (seen.breach ?? []).filter((j) => j.processInstanceKey === processInstanceKey).length;
      await engine.advanceClock({ addMs: 59 * 60_000 });
      await engine.idle();
      expect(breaches()).toBe(0);
      await engine.advanceClock({ addMs: 2 * 60_000 });
      await engine.idle();
      expect(breaches()).toBe(1);
    } finally {
      await reader.close();
    }
  });
});
