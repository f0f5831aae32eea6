/**
 * User tasks on Zeebe: the port's UserTask read from the 8.8 REST API, and
 * the task events (created / completed / canceled) the API needs for its
 * deadlines and timeline.
 *
 * A task of the search lacks three things the port promises; each costs a
 * request the first time and is cached after:
 * - its variables (`POST /v2/user-tasks/{key}/variables/search`), read when
 *   the adapter first sees the task: "as they were when the task was created"
 *   within one poll interval;
 * - its form id (`GET /v2/user-tasks/{key}/form`; the search gives a form key);
 * - who completed it: only known when it was completed through this process.
 *
 * Events come from polling (UserTaskEvents): every `intervalMs` the open
 * tasks are searched; a task not seen before is `created`; a known open task
 * that left the open set is looked up and becomes `completed` or `canceled`.
 * Delivery is at least once: a listener that throws sees the event again on
 * the next poll; a restarted process announces every open task again. Tasks
 * that were created and closed while no process polled produce no events.
 */
import { type UserTask, type UserTaskFilter, type UserTaskListener, type UserTaskState, type Variables } from '../port.js';
import type { OrchestrationRest, SearchRequest, UserTaskResult } from './rest.js';

/** Zeebe's user-task states, by what the port calls them. */
const OPEN_STATES = ['CREATING', 'CREATED', 'ASSIGNING', 'UPDATING', 'COMPLETING', 'CANCELING'];
const SEARCH_OPEN = ['CREATED', 'ASSIGNING', 'UPDATING'];

export function taskState(zeebeState: string): UserTaskState {
  if (zeebeState === 'COMPLETED') return 'completed';
  if (OPEN_STATES.includes(zeebeState)) return 'created';
  return 'canceled'; // CANCELED, FAILED
}

function iso(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** A bounded map: the oldest entry goes when it is full. */
class Cache<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    if (!this.has(key) && this.size >= this.max) this.delete(this.keys().next().value as string);
    return super.set(key, value);
  }
}

export class UserTaskReader {
  private readonly variables = new Cache<Promise<Variables>>(20_000);
  private readonly formIds = new Cache<Promise<{ formId?: string; schema?: unknown }>>(2_000);
  private readonly completers = new Cache<string>(20_000);

  constructor(
    private readonly rest: OrchestrationRest,
    private readonly businessKeyVariable: string,
  ) {}

  async get(key: string): Promise<UserTask | undefined> {
    const found = await this.rest.getUserTask(key);
    return found ? this.toTask(found) : undefined;
  }

  /**
   * The port's filter on the REST search. Its "candidate groups any / candidate
   * user / assignee" is an OR, the REST filter an AND: one search per branch,
   * merged. `kind` (a task header) is not searchable: filtered here.
   */
  async search(filter: UserTaskFilter): Promise<UserTask[]> {
    const limit = Math.min(filter.limit ?? 500, 5000);
    const base: Record<string, unknown> = {};
    if (filter.state === 'created') base.state = { $in: SEARCH_OPEN };
    if (filter.state === 'completed') base.state = 'COMPLETED';
    if (filter.state === 'canceled') base.state = { $in: ['CANCELED', 'FAILED'] };
    if (filter.processInstanceKey) base.processInstanceKey = filter.processInstanceKey;
    if (filter.assignee) base.assignee = filter.assignee;
    if (filter.businessKey) base.processInstanceVariables = [{ name: this.businessKeyVariable, value: JSON.stringify(filter.businessKey) }];

    const branches: Record<string, unknown>[] = [];
    if (filter.candidateGroupsAny?.length) branches.push({ ...base, candidateGroup: { $in: filter.candidateGroupsAny } });
    if (filter.candidateUser) {
      branches.push({ ...base, candidateUser: filter.candidateUser });
      if (!filter.assignee) branches.push({ ...base, assignee: filter.candidateUser });
    }
    if (branches.length === 0) branches.push(base);

    // Filtering by kind happens after the search: fetch more so that `limit` can still be met.
    const fetch = filter.kind ? Math.min(limit * 4, 10_000) : limit;
    const byKey = new Map<string, UserTaskResult>();
    for (const branch of branches) {
      for (const item of await this.searchAll({ filter: branch, sort: [{ field: 'creationDate', order: 'ASC' }] }, fetch)) {
        byKey.set(item.userTaskKey, item);
      }
    }
    let items = [...byKey.values()].sort((a, b) => (a.creationDate ?? '').localeCompare(b.creationDate ?? ''));
    if (filter.kind) items = items.filter((t) => t.customHeaders?.kind === filter.kind);
    items = items.slice(0, limit);
    const tasks: UserTask[] = [];
    for (let i = 0; i < items.length; i += 16) {
      tasks.push(...(await Promise.all(items.slice(i, i + 16).map((t) => this.toTask(t)))));
    }
    return tasks;
  }

  async searchAll(body: SearchRequest, limit: number): Promise<UserTaskResult[]> {
    const items: UserTaskResult[] = [];
    while (items.length < limit) {
      const size = Math.min(1000, limit - items.length);
      const res = await this.rest.searchUserTasks({ ...body, page: { from: items.length, limit: size } });
      items.push(...res.items);
      if (res.items.length < size) break;
    }
    return items;
  }

  /** Remembers who completed a task through this process (the REST API does not keep it). */
  completedBy(key: string, who: string | undefined): void {
    if (who) this.completers.set(key, who);
  }

  /** The schema of a form the adapter has seen on a task. */
  async formSchema(formId: string): Promise<unknown> {
    for (const entry of this.formIds.values()) {
      const form = await entry.catch(() => undefined);
      if (form?.formId === formId) return form.schema;
    }
    return undefined;
  }

  forget(key: string): void {
    this.variables.delete(key);
  }

  async toTask(t: UserTaskResult): Promise<UserTask> {
    const headers = { ...(t.customHeaders ?? {}) };
    const [vars, form] = await Promise.all([this.taskVariables(t.userTaskKey), this.form(t)]);
    const businessKey = vars[this.businessKeyVariable];
    const variables = { ...vars };
    delete variables[this.businessKeyVariable];
    const state = taskState(t.state);
    const completedBy = this.completers.get(t.userTaskKey);
    const dueDate = iso(t.dueDate);
    const followUpDate = iso(t.followUpDate);
    const completedAt = state === 'created' ? undefined : iso(t.completionDate);
    return {
      key: t.userTaskKey,
      processInstanceKey: t.processInstanceKey ?? '',
      bpmnProcessId: t.processDefinitionId ?? '',
      processDefinitionVersion: t.processDefinitionVersion ?? 0,
      elementId: t.elementId ?? '',
      name: t.name || t.elementId || '',
      kind: headers.kind ?? '',
      candidateGroups: t.candidateGroups ?? [],
      candidateUsers: t.candidateUsers ?? [],
      ...(t.assignee ? { assignee: t.assignee } : {}),
      ...(form?.formId ? { formId: form.formId } : {}),
      ...(dueDate ? { dueDate } : {}),
      ...(followUpDate ? { followUpDate } : {}),
      customHeaders: headers,
      variables,
      ...(typeof businessKey === 'string' ? { businessKey } : {}),
      state,
      createdAt: iso(t.creationDate) ?? '',
      ...(completedAt ? { completedAt } : {}),
      ...(completedBy && state === 'completed' ? { completedBy } : {}),
    };
  }

  private taskVariables(key: string): Promise<Variables> {
    let cached = this.variables.get(key);
    if (!cached) {
      cached = (async () => {
        const vars: Variables = {};
        const res = await this.rest.searchUserTaskVariables(key, { page: { from: 0, limit: 1000 } });
        for (const v of res.items) {
          let raw = v.value;
          if (v.isTruncated && v.variableKey) raw = (await this.rest.getVariable(v.variableKey))?.value ?? raw;
          try {
            vars[v.name] = JSON.parse(raw) as unknown;
          } catch {
            vars[v.name] = raw;
          }
        }
        return vars;
      })();
      cached.catch(() => this.variables.delete(key));
      this.variables.set(key, cached);
    }
    return cached;
  }

  private form(t: UserTaskResult): Promise<{ formId?: string; schema?: unknown } | undefined> {
    if (!t.formKey) return Promise.resolve(undefined);
    let cached = this.formIds.get(t.formKey);
    if (!cached) {
      cached = this.rest.getUserTaskForm(t.userTaskKey).then((f) => ({
        ...(f?.formId ? { formId: f.formId } : {}),
        ...(f?.schema !== undefined ? { schema: typeof f.schema === 'string' ? (JSON.parse(f.schema) as unknown) : f.schema } : {}),
      }));
      cached.catch(() => this.formIds.delete(t.formKey as string));
      this.formIds.set(t.formKey, cached);
    }
    return cached;
  }
}

/** Task events by polling the open-task search (see the file comment). */
export class UserTaskEvents {
  private readonly listeners: UserTaskListener[] = [];
  private readonly open = new Map<string, UserTask>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly reader: UserTaskReader,
    private readonly intervalMs: number,
    private readonly logger: { warn(msg: string): void },
  ) {}

  add(listener: UserTaskListener): void {
    this.listeners.push(listener);
    if (this.listeners.length === 1 && !this.stopped) this.schedule(0);
  }

  get active(): boolean {
    return this.listeners.length > 0 && !this.stopped;
  }

  /** Runs one poll now (after the one in progress, if any). */
  async pollNow(): Promise<void> {
    if (!this.active) return;
    if (this.running) await this.running.catch(() => undefined);
    await this.runOnce();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => this.schedule(this.intervalMs));
    }, delay);
    this.timer.unref();
  }

  private runOnce(): Promise<void> {
    const run = (async () => {
      try {
        await this.poll();
      } catch (err) {
        this.logger.warn(`zeebe: user-task poll failed: ${(err as Error).message}`);
      }
    })();
    this.running = run;
    return run.finally(() => {
      if (this.running === run) this.running = undefined;
    });
  }

  private async poll(): Promise<void> {
    const seen = new Set<string>();
    const open = await this.reader.searchAll(
      { filter: { state: { $in: SEARCH_OPEN } }, sort: [{ field: 'creationDate', order: 'ASC' }] },
      50_000,
    );
    for (const item of open) {
      if (this.stopped) return;
      seen.add(item.userTaskKey);
      if (this.open.has(item.userTaskKey)) continue;
      const task = await this.reader.toTask(item);
      if (await this.emit({ type: 'created', task })) this.open.set(task.key, task);
    }
    for (const [key, known] of this.open) {
      if (this.stopped || seen.has(key)) continue;
      const now = await this.reader.get(key);
      // Gone from the store, or still open in a state the search left out: look again next time.
      if (!now || now.state === 'created') continue;
      if (await this.emit({ type: now.state === 'completed' ? 'completed' : 'canceled', task: { ...known, ...now } })) {
        this.open.delete(key);
        this.reader.forget(key);
      }
    }
  }

  private async emit(event: Parameters<UserTaskListener>[0]): Promise<boolean> {
    let ok = true;
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (err) {
        ok = false;
        this.logger.warn(`zeebe: user-task listener failed on ${event.type} ${event.task.key}: ${(err as Error).message}`);
      }
    }
    return ok;
  }
}

