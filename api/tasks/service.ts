/**
 * The tasklist: every human step of every procedure (Camunda user tasks),
 * filtered to what the caller's roles and units may do; claim and complete
 * with form and decision-variable checks and the extension rule (R-REP-8).
 *
 * Visibility (the same rule for list, read, claim and complete): a user sees
 * a task when it is assigned to them, names them in candidateUsers, or one of
 * its candidateGroups is one of theirs (role names and `unit:<unitId>`). A
 * task open to the group `resident` is visible only to the resident of its
 * order (variables reporterUserId / reportedBy), never to every resident.
 */
import type { ProcessEngine, UserTask, UserTaskFilter, Variables } from '../../engine/port.js';
import type { AuthUser } from '../auth/service.js';
import { Conflict, Forbidden, NotFound } from '../errors.js';
import type { Logger } from '../logger.js';
import { redact } from '../masking.js';
import { parseOrThrow } from '../validate.js';
import type { FormDefinition, FormSource } from './forms.js';
import type { ListTasksQuery } from './schemas.js';
import { completionSchema } from './task-schema.js';

export interface TaskView {
  id: string;
  kind: string;
  name: string;
  state: 'open' | 'completed' | 'canceled';
  workOrderId: string | null;
  processInstanceKey: string;
  bpmnProcessId: string;
  processVersion: number;
  elementId: string;
  candidateGroups: string[];
  candidateUsers: string[];
  candidateUnitId: string | null;
  assignee: string | null;
  createdAt: string;
  dueAt: string | null;
  followUpAt: string | null;
  completedAt: string | null;
  completedBy: string | null;
  form: { id: string; fields: { key: string; type: string; label?: string; required: boolean; options?: (string | number | boolean)[] }[]; schema: unknown } | null;
  variables: Record<string, unknown>;
  customHeaders: Record<string, string>;
}

/**
 * R-REP-8: the detail a result needs (extension days, deferral plan,
 * withdrawal reason) belongs to that one report; left out, it is not taken
 * from an earlier report of the same order (a refused extension's days, say).
 */
const RESULT_DETAIL: Readonly<Record<string, string>> = { extension: 'extensionDays', deferral: 'plan', withdrawal: 'withdrawalReason' };

const DEFAULT_MAX_EXTENSIONS = 2;
const DEFAULT_MAX_EXTENSION_DAYS = 14;

export function workOrderIdOfTask(task: UserTask): string | null {
  if (task.businessKey) return task.businessKey;
  const v = task.variables.workOrderId;
  return typeof v === 'string' ? v : null;
}

export function canSeeTask(user: AuthUser, task: UserTask): boolean {
  if (task.assignee && task.assignee === user.username) return true;
  if (task.completedBy && task.completedBy === user.username) return true;
  if (task.candidateUsers.includes(user.username) || task.candidateUsers.includes(user.id)) return true;
  const shared = task.candidateGroups.filter((g) => user.groups.includes(g));
  if (shared.length === 0) return false;
  if (shared.every((g) => g === 'resident')) {
    return task.variables.reporterUserId === user.id || task.variables.reportedBy === user.username;
  }
  return true;
}

const toIso = (s: string | undefined): string | null => {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString();
};

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function headerInt(headers: Record<string, string>, name: string, fallback: number): number {
  const raw = headers[name];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function numberVar(vars: Variables, name: string): number {
  const v = vars[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

export interface TaskServiceDeps {
  engine: ProcessEngine;
  forms: FormSource;
  logger: Logger;
}

export class TaskService {
  /** A form's view, made once per form definition (the form source keeps one object per form). */
  private readonly formViews = new WeakMap<FormDefinition, NonNullable<TaskView['form']>>();
  /** Masked variables of tasks whose variables cannot change (the embedded engine's open tasks are frozen). */
  private readonly maskedVariables = new WeakMap<object, Record<string, unknown>>();

  /** Task lists as sent, by caller and query, while the engine's user tasks are unchanged (see listJson). */
  private readonly lists = new Map<string, { version: number; json: string }>();

  constructor(private readonly deps: TaskServiceDeps) {}

  /**
   * The list as JSON text. While the engine reports no change to any user task or form (its
   * userTasksVersion), the same caller asking the same gets the text made before: the tasklist is
   * read far more often than tasks change. Nothing in a task view depends on the time.
   */
  async listJson(user: AuthUser, q: ListTasksQuery): Promise<string> {
    const version = this.deps.engine.userTasksVersion?.();
    if (version === undefined) return JSON.stringify(await this.list(user, q));
    const key = JSON.stringify([user.id, user.username, user.groups, q]);
    const kept = this.lists.get(key);
    if (kept && kept.version === version) return kept.json;
    const json = JSON.stringify(await this.list(user, q));
    if (this.deps.engine.userTasksVersion?.() === version) {
      this.lists.delete(key);
      this.lists.set(key, { version, json });
      if (this.lists.size > 500) this.lists.delete(this.lists.keys().next().value as string);
    }
    return json;
  }

  async list(user: AuthUser, q: ListTasksQuery): Promise<{ items: TaskView[] }> {
    const base: UserTaskFilter = {
      state: q.state === 'open' ? 'created' : 'completed',
      ...(q.workOrderId ? { businessKey: q.workOrderId } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      limit: 1000,
    };
    const searches: Promise<UserTask[]>[] = [this.deps.engine.searchUserTasks({ ...base, assignee: user.username })];
    if (q.assignee !== 'me') {
      searches.push(this.deps.engine.searchUserTasks({ ...base, candidateGroupsAny: user.groups, candidateUser: user.username }));
    }
    const seen = new Map<string, UserTask>();
    for (const batch of await Promise.all(searches)) for (const t of batch) seen.set(t.key, t);
    const tasks = [...seen.values()]
      .filter((t) => canSeeTask(user, t))
      .filter((t) => q.assignee !== 'me' || t.assignee === user.username)
      // ISO times in UTC order as strings do (a plain comparison: localeCompare is far slower).
      .sort((a, b) => compareText(a.dueDate ?? '\uffff', b.dueDate ?? '\uffff') || compareText(a.createdAt, b.createdAt))
      .slice(0, q.limit);
    return { items: await Promise.all(tasks.map((t) => this.view(t))) };
  }

  async get(user: AuthUser, id: string): Promise<TaskView> {
    const task = await this.load(id);
    if (!canSeeTask(user, task)) throw new NotFound(`Task ${id} not found.`, 'TASK_NOT_FOUND');
    return this.view(task);
  }

  async claim(user: AuthUser, id: string): Promise<TaskView> {
    const task = await this.load(id);
    this.assertMayWork(user, task);
    if (task.assignee === user.username) return this.view(task);
    const claimed = await this.deps.engine.assignUserTask(task.key, user.username);
    return this.view(claimed);
  }

  async unclaim(user: AuthUser, id: string): Promise<TaskView> {
    const task = await this.load(id);
    this.assertMayWork(user, task);
    if (!task.assignee) return this.view(task);
    return this.view(await this.deps.engine.assignUserTask(task.key, undefined));
  }

  async complete(user: AuthUser, id: string, submitted: Record<string, unknown>) {
    const task = await this.load(id);
    this.assertMayWork(user, task);
    const form = await this.formOf(task);
    const variables = parseOrThrow(completionSchema(task.kind, form), submitted, ['variables']);
    if (task.kind === 'report-result') {
      const detail = RESULT_DETAIL[String(variables.result)];
      if (detail && variables[detail] === undefined) variables[detail] = null;
      if (variables.result === 'extension') await this.checkExtension(task, variables);
    }
    await this.deps.engine.completeUserTask(task.key, variables, user.username);
    return { id: task.key, kind: task.kind, state: 'completed' as const, completedBy: user.username, variables };
  }

  /**
   * R-REP-8: at most `maxExtensions` extensions (2) and `maxExtensionDays` (14)
   * days in total, both task headers the process owner can change; the
   * counters are the instance's variables extensionCount / extensionDaysTotal.
   */
  private async checkExtension(task: UserTask, variables: Record<string, unknown>): Promise<void> {
    const maxCount = headerInt(task.customHeaders, 'maxExtensions', DEFAULT_MAX_EXTENSIONS);
    const maxDays = headerInt(task.customHeaders, 'maxExtensionDays', DEFAULT_MAX_EXTENSION_DAYS);
    const instance = await this.deps.engine.getInstance(task.processInstanceKey);
    const vars: Variables = { ...task.variables, ...(instance?.variables ?? {}) };
    const count = numberVar(vars, 'extensionCount');
    const daysSoFar = numberVar(vars, 'extensionDaysTotal');
    const days = typeof variables.extensionDays === 'number' ? variables.extensionDays : 0;
    if (count >= maxCount) {
      throw new Conflict(`The order has been extended ${count} times; at most ${maxCount} extensions are allowed (R-REP-8).`, 'EXTENSION_LIMIT_REACHED', [
        { path: 'variables.result', message: `at most ${maxCount} extensions` },
      ]);
    }
    if (daysSoFar + days > maxDays) {
      throw new Conflict(
        `Extensions would total ${daysSoFar + days} days; at most ${maxDays} days are allowed (R-REP-8).`,
        'EXTENSION_DAYS_EXCEEDED',
        [{ path: 'variables.extensionDays', message: `at most ${Math.max(0, maxDays - daysSoFar)} more days` }],
      );
    }
  }

  /** 403 when the caller may not work on it, 409 when its state forbids it. */
  private assertMayWork(user: AuthUser, task: UserTask): void {
    if (!canSeeTask(user, task)) throw new Forbidden('This task is not for your roles or unit.', 'TASK_NOT_YOURS');
    if (task.state !== 'created') throw new Conflict(`The task is already ${task.state}.`, 'TASK_NOT_OPEN');
    if (task.assignee && task.assignee !== user.username) {
      throw new Conflict(`The task is claimed by ${task.assignee}.`, 'TASK_CLAIMED_BY_OTHER');
    }
  }

  private async load(id: string): Promise<UserTask> {
    const task = await this.deps.engine.getUserTask(id);
    if (!task) throw new NotFound(`Task ${id} not found.`, 'TASK_NOT_FOUND');
    return task;
  }

  private async formOf(task: UserTask): Promise<FormDefinition | undefined> {
    if (!task.formId) return undefined;
    const form = await this.deps.forms.get(task.formId);
    if (!form) this.deps.logger.warn('task names a form that cannot be found', { taskKey: task.key, formId: task.formId });
    return form;
  }

  private formView(form: FormDefinition): NonNullable<TaskView['form']> {
    let view = this.formViews.get(form);
    if (!view) {
      view = {
        id: form.id,
        fields: form.fields.map((f) => ({
          key: f.path.join('.'),
          type: f.type,
          ...(f.label !== undefined ? { label: f.label } : {}),
          required: f.required && !f.conditional && !f.readonly,
          ...(f.options ? { options: f.options } : {}),
        })),
        schema: form.schema,
      };
      this.formViews.set(form, view);
    }
    return view;
  }

  /** Process variables carry no names or phones by design; masked anyway should one slip in. */
  private masked(variables: Variables): Record<string, unknown> {
    if (!Object.isFrozen(variables)) return redact(variables) as Record<string, unknown>;
    let out = this.maskedVariables.get(variables);
    if (!out) {
      out = redact(variables) as Record<string, unknown>;
      this.maskedVariables.set(variables, out);
    }
    return out;
  }

  private async view(task: UserTask): Promise<TaskView> {
    const form = await this.formOf(task);
    const unitGroup = task.candidateGroups.find((g) => g.startsWith('unit:'));
    return {
      id: task.key,
      kind: task.kind,
      name: task.name,
      state: task.state === 'created' ? 'open' : task.state,
      workOrderId: workOrderIdOfTask(task),
      processInstanceKey: task.processInstanceKey,
      bpmnProcessId: task.bpmnProcessId,
      processVersion: task.processDefinitionVersion,
      elementId: task.elementId,
      candidateGroups: task.candidateGroups,
      candidateUsers: task.candidateUsers,
      candidateUnitId: unitGroup ? unitGroup.slice('unit:'.length) : null,
      assignee: task.assignee ?? null,
      createdAt: toIso(task.createdAt) ?? task.createdAt,
      dueAt: toIso(task.dueDate),
      followUpAt: toIso(task.followUpDate),
      completedAt: toIso(task.completedAt),
      completedBy: task.completedBy ?? null,
      form: form ? this.formView(form) : null,
      variables: this.masked(task.variables),
      customHeaders: task.customHeaders,
    };
  }
}
