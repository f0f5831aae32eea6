/**
 * Runs a parity scenario on any ProcessEngine through the port only, and
 * checks what the scenario says both adapters must show. Waiting is by
 * polling the port (bounded, real time) — never by sleeping for business
 * time: the only real-time waits are the scenarios' job back-offs (10 ms).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { JobResult, type DeployResource, type Job, type JobOutcome, type ProcessEngine, type ProcessInstanceView, type UserTask } from '../../engine/port.js';
import { WORKER_OPTIONS, workerName, type ParityScenario, type WorkerStep } from './scenarios.js';

export interface Observed {
  processInstanceKey: string;
  jobs: Record<string, Job[]>;
  tasks: Record<string, UserTask>;
  closedTasks: Record<string, UserTask | undefined>;
  instance: ProcessInstanceView;
}

export function scenarioResources(s: ParityScenario): DeployResource[] {
  const model = {
    name: `${s.given.fixture}.bpmn`,
    content: readFileSync(new URL(`../engine/fixtures/${s.given.fixture}.bpmn`, import.meta.url), 'utf8'),
  };
  const forms = (s.given.forms ?? []).map((id) => ({
    name: `${id}.form`,
    content: readFileSync(new URL(`./fixtures/${id}.form`, import.meta.url), 'utf8'),
  }));
  return [model, ...forms];
}

function outcomeOf(step: WorkerStep): JobOutcome {
  if ('complete' in step) return JobResult.complete(step.complete);
  if ('fail' in step) {
    return JobResult.fail(step.fail, {
      ...(step.retryBackOffMs !== undefined ? { retryBackOffMs: step.retryBackOffMs } : {}),
      ...(step.retries !== undefined ? { retries: step.retries } : {}),
    });
  }
  return JobResult.error(step.error, step.message, step.variables);
}

export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 8000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** True when the instance view has reached what the scenario expects at the end. */
function settled(s: ParityScenario, view: ProcessInstanceView | undefined, jobs: Record<string, Job[]>): boolean {
  if (!view || view.state !== s.then.instance.state) return false;
  for (const [type, j] of Object.entries(s.then.jobs)) if ((jobs[type]?.length ?? 0) < j.attempts) return false;
  if (s.then.instance.incidents && view.incidents.length !== s.then.instance.incidents.length) return false;
  return (s.then.instance.completed ?? []).every((id) => view.completedElementIds.includes(id));
}

export async function runScenario(engine: ProcessEngine, s: ParityScenario): Promise<Observed> {
  const jobs: Record<string, Job[]> = {};
  let processInstanceKey = '';
  // A job can be activated before startInstance has answered: its handler waits for the key.
  let keyKnown: (key: string) => void = () => undefined;
  const instanceKey = new Promise<string>((resolve) => (keyKnown = resolve));
  const workers = Object.entries(s.given.workers).map(([type, steps]) =>
    engine.createWorker(
      type,
      async (job) => {
        // Workers of several scenarios may share a job type: answer only for this scenario's instance.
        if (job.processInstanceKey !== (await instanceKey)) return JobResult.fail('not this scenario', { retryBackOffMs: 5, retries: job.retries });
        const seen = (jobs[type] ??= []);
        seen.push(job);
        return outcomeOf(steps[Math.min(seen.length - 1, steps.length - 1)] as WorkerStep);
      },
      { ...WORKER_OPTIONS, workerName: workerName(type) },
    ),
  );
  const tasks: Record<string, UserTask> = {};
  try {
    for (const message of s.given.publishedBefore ?? []) await engine.publishMessage(message);
    const started = await engine.startInstance(s.given.bpmnProcessId, s.given.variables, {
      ...(s.given.businessKey !== undefined ? { businessKey: s.given.businessKey } : {}),
    });
    processInstanceKey = started.processInstanceKey;
    keyKnown(processInstanceKey);
    expect(started.bpmnProcessId).toBe(s.given.bpmnProcessId);

    for (const step of s.when) {
      if ('userTask' in step) {
        const task = await eventually(async () => {
          const open = await engine.searchUserTasks({ processInstanceKey, state: 'created' });
          return open.find((t) => t.elementId === step.userTask);
        }, `user task ${step.userTask}`);
        tasks[step.userTask] = task;
        await engine.completeUserTask(task.key, step.complete.variables, step.complete.by);
      } else {
        await eventually(async () => (await engine.getInstance(processInstanceKey))?.activeElementIds.includes(step.waitFor), `wait at ${step.waitFor}`);
        await engine.publishMessage(step.publish);
      }
    }
    const instance = await eventually(async () => {
      const view = await engine.getInstance(processInstanceKey);
      return settled(s, view, jobs) ? view : undefined;
    }, `instance ${s.then.instance.state}`);
    const closedTasks: Record<string, UserTask | undefined> = {};
    for (const [elementId, task] of Object.entries(tasks)) {
      closedTasks[elementId] = await eventually(async () => {
        const t = await engine.getUserTask(task.key);
        return t && t.state !== 'created' ? t : undefined;
      }, `task ${elementId} closed`);
    }
    return { processInstanceKey, jobs, tasks, closedTasks, instance };
  } finally {
    keyKnown('');
    await Promise.all(workers.map((w) => w.close()));
  }
}

/** What both adapters must show: the same expectations, checked the same way. */
export function assertParity(s: ParityScenario, o: Observed): void {
  for (const [type, want] of Object.entries(s.then.jobs)) {
    const seen = o.jobs[type] ?? [];
    expect(seen, `attempts of ${type}`).toHaveLength(want.attempts);
    const first = seen[0] as Job;
    expect(first.type).toBe(type);
    expect(first.processInstanceKey).toBe(o.processInstanceKey);
    expect(first.bpmnProcessId).toBe(s.given.bpmnProcessId);
    if (want.variables) expect(first.variables).toMatchObject(want.variables);
    if (want.customHeaders) expect(first.customHeaders).toEqual(want.customHeaders);
    if (want.retries !== undefined) expect(first.retries).toBe(want.retries);
  }
  for (const step of s.when) {
    if (!('userTask' in step)) continue;
    const task = o.tasks[step.userTask] as UserTask;
    expect(task).toMatchObject({ elementId: step.userTask, state: 'created', processInstanceKey: o.processInstanceKey, ...step.expect });
  }
  for (const [elementId, want] of Object.entries(s.then.tasks ?? {})) {
    expect(o.closedTasks[elementId]).toMatchObject(want);
  }
  const want = s.then.instance;
  const view = o.instance;
  expect(view.state).toBe(want.state);
  expect(view.bpmnProcessId).toBe(s.given.bpmnProcessId);
  for (const id of want.completed ?? []) expect(view.completedElementIds, `completed ${id}`).toContain(id);
  for (const id of want.notCompleted ?? []) expect(view.completedElementIds, `not completed ${id}`).not.toContain(id);
  if (want.active) {
    expect([...view.activeElementIds].sort()).toEqual([...want.active].sort());
  }
  if (want.incidents) expect(view.incidents.map((i) => ({ elementId: i.elementId, message: i.message }))).toEqual(want.incidents);
  if (want.variables) expect(view.variables).toMatchObject(want.variables);
  for (const name of want.absentVariables ?? []) expect(view.variables).not.toHaveProperty(name);
  if (want.businessKey !== undefined) expect(view.businessKey).toBe(want.businessKey);
  expect(Number.isNaN(new Date(view.startedAt).getTime())).toBe(false);
  if (want.state === 'completed') expect(view.endedAt).toBeDefined();
}
