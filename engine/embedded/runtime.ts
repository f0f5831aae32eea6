/**
 * One process instance running in bpmn-engine, with the glue a Zeebe model
 * needs: service tasks become jobs, Camunda user tasks become task records,
 * FEEL through feelin, Zeebe's variable mapping rules, and an engine timer
 * table that the durable scheduler reads.
 *
 * A runtime lives only while the instance is hot; its `snapshot()` is what is
 * stored, and `InstanceRuntime.recover()` brings it back from a snapshot.
 */
import { Engine } from 'bpmn-engine';
import { evaluateFeel, isFeel, resolveValue } from '../feel.js';
import type { Variables } from '../port.js';
import type { ElementInfo, ProcessModel } from './model.js';
import { moddleOptions } from './model.js';

export interface PendingJob {
  key: string;
  elementId: string;
  type: string;
  retries: number;
  headers: Record<string, string>;
  variables: Variables;
}

export interface PendingUserTask {
  key: string;
  elementId: string;
  name: string;
  kind: string;
  candidateGroups: string[];
  candidateUsers: string[];
  assignee?: string;
  formId?: string;
  dueDate?: string;
  followUpDate?: string;
  headers: Record<string, string>;
  variables: Variables;
}

export interface PendingTimer {
  elementId?: string;
  dueAt: number;
}

export interface PendingSubscription {
  key: string;
  elementId: string;
  messageName: string;
  correlationKey: string;
}

export type RuntimeState = 'active' | 'completed' | 'canceled' | 'incident';

export interface RuntimeSnapshot {
  engineState: unknown;
  variables: Variables;
  state: RuntimeState;
  incidentMessage?: string;
  jobs: PendingJob[];
  userTasks: PendingUserTask[];
  timers: PendingTimer[];
  subscriptions: PendingSubscription[];
  activeElementIds: string[];
  completedElementIds: string[];
}

/** An error the glue raises to stop an operation; the instance state is not saved. */
export class RuntimeError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}

// bpmn-engine's element APIs and messages are loosely typed JS objects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

type Callback = (err: Error | null, output?: unknown) => void;

interface TimerRef {
  id: number;
  callback: (...args: unknown[]) => unknown;
  args: unknown[];
  dueAt: number;
  elementId?: string;
}

const RESERVED = new Set(['fields', 'content', 'properties']);

const silentLogger = () => ({ debug() {}, error() {}, warn() {}, info() {} });

/** The engine timer table: bpmn-elements asks it for timeouts; the scheduler fires them. */
class EngineTimers {
  private seq = 0;
  readonly refs = new Map<number, TimerRef>();
  nextElementId: string | undefined;

  constructor(private readonly nowMs: () => number) {}

  register(): { setTimeout: EngineTimers['setTimeout']; clearTimeout: EngineTimers['clearTimeout'] } {
    return { setTimeout: this.setTimeout, clearTimeout: this.clearTimeout };
  }

  setTimeout = (callback: (...args: unknown[]) => unknown, delay: number, ...args: unknown[]): TimerRef => {
    const ref: TimerRef = { id: ++this.seq, callback, args, dueAt: this.nowMs() + Math.max(0, delay || 0) };
    if (this.nextElementId) ref.elementId = this.nextElementId;
    this.nextElementId = undefined;
    this.refs.set(ref.id, ref);
    return ref;
  };

  clearTimeout = (ref: TimerRef | undefined): undefined => {
    if (ref && typeof ref === 'object') this.refs.delete(ref.id);
    return undefined;
  };

  get executing(): TimerRef[] {
    return [...this.refs.values()];
  }
}

export interface RuntimeOptions {
  model: ProcessModel;
  nowMs: () => number;
}

export class InstanceRuntime {
  readonly model: ProcessModel;
  variables: Variables = {};
  state: RuntimeState = 'active';
  incidentMessage: string | undefined;

  private readonly engine: Loose;
  private readonly timers: EngineTimers;
  private readonly jobs = new Map<string, PendingJob & { callback: Callback }>();
  private readonly userTasks = new Map<string, PendingUserTask>();
  private readonly subscriptions = new Map<string, PendingSubscription>();
  private readonly completed = new Set<string>();
  /** Expiry of armed timer events by element id (for task due dates). */
  private readonly timerExpiry = new Map<string, number>();
  private readonly nowMs: () => number;
  /** Timer events that fired since takeTimeouts() was last called (also those an overdue timer fires while the runtime is recovered). */
  private timeouts = 0;

  private constructor(options: RuntimeOptions) {
    this.model = options.model;
    this.nowMs = options.nowMs;
    this.timers = new EngineTimers(options.nowMs);
    const runtime = this;

    class JobService {
      constructor(private readonly activity: Loose) {}
      execute(message: Loose, callback: Callback): void {
        runtime.onJob(this.activity.id, message.content.executionId, callback);
      }
      discard(): void {}
      stop(): void {}
    }

    const listener = {
      emit(routingKey: string, api: Loose) {
        runtime.onEvent(routingKey, api);
      },
    };

    const engineOptions: Loose = {
      name: options.model.bpmnProcessId,
      sourceContext: options.model.sourceContext,
      moddleOptions,
      timers: this.timers,
      Logger: silentLogger,
      listener,
      expressions: {
        resolveExpression: (expression: unknown) => runtime.resolveExpression(expression),
        isExpression: (text: unknown) => isFeel(text),
        hasExpression: (text: unknown) => isFeel(text),
      },
      extensions: {
        zeebe(activity: Loose) {
          const info = runtime.model.elements.get(activity.id);
          if (info?.taskType && (activity.type === 'bpmn:ServiceTask' || activity.type === 'bpmn:SendTask')) {
            activity.behaviour.Service = JobService;
          }
          return { activate() {}, deactivate() {} };
        },
      },
    };
    this.engine = new Engine(engineOptions);
    this.engine.on('end', () => {
      if (this.state === 'active') this.state = 'completed';
    });
    this.engine.on('error', (err: Error) => {
      this.state = 'incident';
      this.incidentMessage = err?.message ?? String(err);
    });
  }

  /* ------------------------------------------------------------ creation */

  static async start(model: ProcessModel, variables: Variables, nowMs: () => number): Promise<InstanceRuntime> {
    const runtime = new InstanceRuntime({ model, nowMs });
    runtime.variables = { ...variables };
    await runtime.engine.execute();
    await runtime.settle();
    return runtime;
  }

  static async recover(
    model: ProcessModel,
    snapshot: Pick<RuntimeSnapshot, 'engineState' | 'variables' | 'completedElementIds' | 'state'>,
    nowMs: () => number,
  ): Promise<InstanceRuntime> {
    const runtime = new InstanceRuntime({ model, nowMs });
    runtime.variables = { ...snapshot.variables };
    for (const id of snapshot.completedElementIds) runtime.completed.add(id);
    runtime.state = snapshot.state;
    if (snapshot.state !== 'active' && snapshot.state !== 'incident') return runtime;
    runtime.engine.recover(structuredClone(snapshot.engineState));
    await runtime.engine.resume();
    await runtime.settle();
    return runtime;
  }

  /* ------------------------------------------------------------ commands */

  async completeJob(key: string, output: Variables): Promise<void> {
    const job = this.jobs.get(key);
    if (!job) throw new RuntimeError('NOT_FOUND', `job ${key} is not active`);
    this.applyOutput(job.elementId, output, job.variables);
    this.jobs.delete(key);
    job.callback(null, output);
    await this.settle();
  }

  /** Throws a BPMN error from a job; false when no boundary event catches it (the caller raises an incident). */
  async throwError(key: string, errorCode: string, message: string, variables: Variables = {}): Promise<boolean> {
    const job = this.jobs.get(key);
    if (!job) throw new RuntimeError('NOT_FOUND', `job ${key} is not active`);
    const catcher = (this.model.boundaries.get(job.elementId) ?? []).find(
      (b) => b.isErrorEvent && (b.errorCode === undefined || b.errorCode === errorCode),
    );
    if (!catcher) return false;
    Object.assign(this.variables, variables);
    this.jobs.delete(key);
    const err = Object.assign(new Error(message || errorCode), { code: errorCode });
    job.callback(err);
    await this.settle();
    return true;
  }

  async completeUserTask(key: string, variables: Variables): Promise<void> {
    const task = this.userTasks.get(key);
    if (!task) throw new RuntimeError('NOT_FOUND', `user task ${key} is not active`);
    this.applyOutput(task.elementId, variables, task.variables);
    this.userTasks.delete(key);
    this.signal(task.elementId, key);
    await this.settle();
  }

  async correlate(key: string, variables: Variables): Promise<void> {
    const sub = this.subscriptions.get(key);
    if (!sub) throw new RuntimeError('NOT_FOUND', `subscription ${key} is not active`);
    this.applyOutput(sub.elementId, variables, {});
    this.subscriptions.delete(key);
    this.signal(sub.elementId, key);
    await this.settle();
  }

  /** How many timer events fired since the last call, whether by fireDueTimers() or (being overdue) while recovering. */
  takeTimeouts(): number {
    const n = this.timeouts;
    this.timeouts = 0;
    return n;
  }

  /** Fires every timer due at `nowMs`; returns how many fired. */
  async fireDueTimers(): Promise<number> {
    let fired = 0;
    for (let round = 0; round < 1000; round++) {
      const now = this.nowMs();
      const due = [...this.timers.refs.values()].filter((t) => t.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
      if (due.length === 0) break;
      for (const ref of due) {
        if (!this.timers.refs.has(ref.id)) continue;
        this.timers.refs.delete(ref.id);
        ref.callback(...ref.args);
        fired++;
      }
      await this.settle();
    }
    return fired;
  }

  async cancel(): Promise<void> {
    if (this.state !== 'active' && this.state !== 'incident') return;
    this.state = 'canceled';
    await this.engine.stop();
    this.timers.refs.clear();
    this.jobs.clear();
    this.userTasks.clear();
    this.subscriptions.clear();
  }

  /* ---------------------------------------------------------------- read */

  get nextDueAt(): number | undefined {
    let min: number | undefined;
    for (const t of this.timers.refs.values()) if (min === undefined || t.dueAt < min) min = t.dueAt;
    return min;
  }

  hasJob(key: string): boolean {
    return this.jobs.has(key);
  }

  hasUserTask(key: string): boolean {
    return this.userTasks.has(key);
  }

  async snapshot(): Promise<RuntimeSnapshot> {
    const ended = this.state === 'completed' || this.state === 'canceled';
    let engineState: unknown = null;
    if (!ended) {
      const state = await this.engine.getState();
      for (const d of state.definitions ?? []) delete d.source;
      engineState = state;
    }
    // As on Zeebe, a boundary event is a subscription, not an active element, until it fires.
    const active: string[] = ended
      ? []
      : [
          ...new Set<string>(
            (this.engine.execution?.getPostponed() ?? [])
              .map((api: Loose) => api.id as string)
              .filter((id: string) => this.model.elements.get(id)?.type !== 'bpmn:BoundaryEvent'),
          ),
        ];
    return {
      engineState,
      variables: this.variables,
      state: this.state,
      ...(this.incidentMessage ? { incidentMessage: this.incidentMessage } : {}),
      jobs: [...this.jobs.values()].map(({ callback: _cb, ...job }) => job),
      userTasks: [...this.userTasks.values()],
      timers: [...this.timers.refs.values()].map((t) => ({ dueAt: t.dueAt, ...(t.elementId ? { elementId: t.elementId } : {}) })),
      subscriptions: [...this.subscriptions.values()],
      activeElementIds: active,
      completedElementIds: [...this.completed],
    };
  }

  /* ------------------------------------------------------------ internals */

  private async settle(): Promise<void> {
    // bpmn-elements runs synchronously on its in-memory broker; one turn of
    // the event loop lets any deferred continuation run before we snapshot.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Signals the waiting element execution through its own API (user tasks, message catches). */
  private signal(elementId: string, executionId: string): void {
    const postponed: Loose[] = this.engine.execution?.getPostponed() ?? [];
    const api = postponed.find((a) => a.executionId === executionId) ?? postponed.find((a) => a.id === elementId);
    if (!api) throw new RuntimeError('NOT_FOUND', `${elementId} is not waiting`);
    api.signal({ id: elementId });
  }

  private context(local: Variables = {}): Variables {
    return { ...this.variables, ...local };
  }

  private resolveExpression(expression: unknown): unknown {
    if (typeof expression !== 'string') return expression;
    if (!isFeel(expression)) return expression;
    return evaluateFeel(expression, this.context());
  }

  private onJob(elementId: string, key: string, callback: Callback): void {
    const info = this.model.elements.get(elementId) as ElementInfo;
    const local: Variables = {};
    for (const input of info.inputs) local[input.target] = resolveValue(input.source, this.context(local));
    const retries = Number(info.retries ? resolveValue(info.retries, this.context()) : 3);
    this.jobs.set(key, {
      key,
      elementId,
      type: String(resolveValue(info.taskType as string, this.context(local))),
      retries: Number.isFinite(retries) && retries > 0 ? retries : 3,
      headers: { ...info.headers },
      variables: this.context(local),
      callback,
    });
  }

  private onEvent(routingKey: string, api: Loose): void {
    const elementId: string | undefined = api?.id;
    const key: string | undefined = api?.executionId ?? api?.content?.executionId;
    if (!elementId) return;
    switch (routingKey) {
      case 'activity.timer': {
        const expireAt = api.content?.expireAt ? new Date(api.content.expireAt).getTime() : undefined;
        if (expireAt !== undefined) this.timerExpiry.set(elementId, expireAt);
        this.timers.nextElementId = elementId;
        break;
      }
      case 'activity.timeout':
        this.timeouts++;
        break;
      case 'activity.wait': {
        const info = this.model.elements.get(elementId);
        if (!info || !key) break;
        if (info.type === 'bpmn:UserTask') this.onUserTask(info, key);
        else if (info.messageName) this.onSubscription(info, key);
        break;
      }
      case 'activity.end':
        this.completed.add(elementId);
        this.forget(elementId, key);
        break;
      case 'activity.leave':
      case 'activity.discard':
        this.forget(elementId, key);
        break;
      default:
        break;
    }
  }

  private forget(elementId: string, key: string | undefined): void {
    if (!key) return;
    this.userTasks.delete(key);
    this.subscriptions.delete(key);
    this.jobs.delete(key);
    this.timerExpiry.delete(elementId);
  }

  private onUserTask(info: ElementInfo, key: string): void {
    const local: Variables = {};
    for (const input of info.inputs) local[input.target] = resolveValue(input.source, this.context(local));
    const ctx = this.context(local);
    const list = (value: string | undefined): string[] => {
      if (!value) return [];
      const v = resolveValue(value, ctx);
      if (Array.isArray(v)) return (v as unknown[]).filter((x) => x !== null && x !== undefined && x !== '').map(String);
      if (v === null || v === undefined || v === '') return [];
      return String(v)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    };
    const str = (value: string | undefined): string | undefined => {
      if (!value) return undefined;
      const v = resolveValue(value, ctx);
      return v === null || v === undefined || v === '' ? undefined : String(v);
    };
    let dueDate = str(info.dueDate);
    if (!dueDate) {
      // Without zeebe:taskSchedule, the task is due when its first interrupting timer fires.
      const expiries = (this.model.boundaries.get(info.id) ?? [])
        .filter((b) => b.timer && b.cancelActivity)
        .map((b) => this.timerExpiry.get(b.id))
        .filter((v): v is number => v !== undefined);
      if (expiries.length) dueDate = new Date(Math.min(...expiries)).toISOString();
    }
    const assignee = str(info.assignee);
    const followUpDate = str(info.followUpDate);
    this.userTasks.set(key, {
      key,
      elementId: info.id,
      name: info.name,
      kind: info.headers.kind ?? info.id,
      candidateGroups: list(info.candidateGroups),
      candidateUsers: list(info.candidateUsers),
      ...(assignee ? { assignee } : {}),
      ...(info.formId ? { formId: info.formId } : {}),
      ...(dueDate ? { dueDate } : {}),
      ...(followUpDate ? { followUpDate } : {}),
      headers: { ...info.headers },
      variables: ctx,
    });
  }

  private onSubscription(info: ElementInfo, key: string): void {
    const correlationKey = info.correlationKey ? resolveValue(info.correlationKey, this.context()) : '';
    this.subscriptions.set(key, {
      key,
      elementId: info.id,
      messageName: String(info.messageName),
      correlationKey: correlationKey === null || correlationKey === undefined ? '' : String(correlationKey),
    });
  }

  /** Zeebe's rule: no output mappings → merge all; else only the mapped targets. */
  private applyOutput(elementId: string, output: Variables, local: Variables): void {
    const info = this.model.elements.get(elementId);
    const clean = Object.fromEntries(Object.entries(output).filter(([k]) => !RESERVED.has(k)));
    if (!info || info.outputs.length === 0) {
      Object.assign(this.variables, clean);
      return;
    }
    const ctx = { ...this.variables, ...local, ...clean };
    for (const out of info.outputs) {
      const value = resolveValue(out.source, ctx);
      setPath(this.variables, out.target, value);
      (ctx as Variables)[out.target] = value;
    }
  }
}

function setPath(target: Variables, path: string, value: unknown): void {
  const parts = path.split('.');
  let obj: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) {
    const next = obj[part];
    if (!next || typeof next !== 'object') obj[part] = {};
    obj = obj[part] as Record<string, unknown>;
  }
  obj[parts[parts.length - 1] as string] = value;
}
