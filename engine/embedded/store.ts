/**
 * The embedded engine's collections. Each instance is one document (state,
 * variables, pending jobs/tasks/timers/subscriptions) with a revision; jobs,
 * user tasks, timers and subscriptions are projections of it, changed through
 * an outbox (see OutboxDoc) so that a crash between the two writes heals at
 * start-up.
 *
 * Access paths are chosen for FerretDB 1.24's SQLite backend: only a filter of
 * exactly `{_id: value}` (no projection) is pushed down to SQLite — and, with
 * the `_id` expression index tools/ferretdb adds (docs/ferretdb.md), by-id
 * reads, findOneAndUpdate, updateOne and deleteOne take ≈ 1 ms at any size;
 * every other filter scans the collection in Go. So reads and writes go by
 * id, and what is searched lives in memory as well: open user tasks, armed
 * timers and live jobs are loaded once at start (this process is their only
 * writer) and kept with every outbox; closed entries are deleted by id. On
 * MongoDB 7 the same calls use the declared indexes.
 */
import mongoose, { type Connection, type Model } from 'mongoose';
import type { Incident, UserTask, Variables } from '../port.js';
import type { PendingJob, PendingSubscription, PendingTimer, PendingUserTask, RuntimeState } from './runtime.js';

const { Schema } = mongoose;

export interface DeploymentDoc {
  _id: string; // process definition key
  bpmnProcessId: string;
  version: number;
  name: string;
  resourceName: string;
  xml: string;
  hash: string;
  deployedAt: Date;
}

export interface FormDoc {
  _id: string; // `${formId}:${version}`
  formId: string;
  version: number;
  content: string;
  hash: string;
  deployedAt: Date;
}

export interface CompletionRecord {
  key: string;
  by?: string;
  at: Date;
}

export interface InstanceDoc {
  _id: string;
  bpmnProcessId: string;
  version: number;
  definitionKey: string;
  businessKey?: string;
  state: RuntimeState | 'incident';
  /** bpmn-engine state as deflated JSON (its keys are not all valid BSON field names). */
  engineState: Buffer | null;
  variables: Variables;
  incidents: Incident[];
  jobs: PendingJob[];
  userTasks: PendingUserTask[];
  timers: PendingTimer[];
  subscriptions: PendingSubscription[];
  activeElementIds: string[];
  completedElementIds: string[];
  recentCompletions: CompletionRecord[];
  rev: number;
  startedAt: Date;
  endedAt?: Date;
}

/** `done`: only in data from earlier versions (closed jobs are deleted now); `activated` is kept in memory only. */
export type JobState = 'activatable' | 'activated' | 'failed' | 'done';

export interface JobDoc {
  _id: string;
  instanceKey: string;
  executionId: string;
  type: string;
  elementId: string;
  bpmnProcessId: string;
  version: number;
  retries: number;
  headers: Record<string, string>;
  variables: Variables;
  state: JobState;
  /** Real (wall-clock) ms: job locks and back-off are about worker liveness, not business time. */
  availableAt: number;
  lockedUntil: number;
  worker?: string;
  deliveries: number;
  errorMessage?: string;
  seq: number;
  /** Real ms when the job was created (activation latency). */
  createdAtMs?: number;
}

/** Open tasks live in engine_user_tasks; closed ones move to engine_user_task_history (`moved`: a leftover of earlier versions). */
export type UserTaskDoc = Omit<UserTask, 'key' | 'createdAt' | 'completedAt' | 'state'> & {
  state: UserTask['state'] | 'moved';
  _id: string;
  /**
   * engine_user_tasks only: `variables` and `customHeaders` as one JSON text (see packTask):
   * every open task is read at start-up, and FerretDB decodes a document field by field —
   * a task's variables are the instance's, dozens of fields.
   */
  packed?: string;
  executionId: string;
  createdAt: Date;
  completedAt?: Date;
  dueAt?: Date;
};

export interface TimerDoc {
  _id: string; // instance key
  /** The instance's earliest pending timer (the document is deleted when it has none; null in older data). */
  dueAt: Date | null;
}

export interface SubscriptionDoc {
  _id: string;
  instanceKey: string;
  executionId: string;
  messageName: string;
  correlationKey: string;
  open: boolean;
}

export interface TaskClosing {
  key: string;
  state: 'completed' | 'canceled';
  by?: string;
  at: Date;
}

/**
 * The projection changes of one instance write. Written before the instance
 * document, applied after it, deleted when applied: at start-up any left over
 * whose revision the instance reached is applied again (all steps are idempotent).
 */
export interface OutboxDoc {
  _id: string; // `${instanceKey}:${rev}`
  instanceKey: string;
  rev: number;
  jobsAdded: JobDoc[];
  jobsRemoved: string[];
  tasksAdded: UserTaskDoc[];
  tasksClosed: TaskClosing[];
  subscriptionsAdded: SubscriptionDoc[];
  subscriptionsRemoved: string[];
  timer: { changed: boolean; dueAt: Date | null };
}

export interface MessageDoc {
  _id: string;
  name: string;
  correlationKey: string;
  variables: Variables;
  expiresAt: Date;
  publishedAt: Date;
}

/** The controllable clock's state (demo and test mode), so that a restart goes on at the same time. */
export interface ClockDoc {
  _id: 'clock';
  frozenAt?: number;
  offsetMs?: number;
}

export interface EngineModels {
  Deployment: Model<DeploymentDoc>;
  Form: Model<FormDoc>;
  Instance: Model<InstanceDoc>;
  Job: Model<JobDoc>;
  UserTask: Model<UserTaskDoc>;
  UserTaskHistory: Model<UserTaskDoc>;
  Message: Model<MessageDoc>;
  Timer: Model<TimerDoc>;
  Subscription: Model<SubscriptionDoc>;
  Outbox: Model<OutboxDoc>;
  Clock: Model<ClockDoc>;
}

const opts = { versionKey: false, minimize: false } as const;

export function engineModels(conn: Connection): EngineModels {
  if (conn.models.EngineInstance) {
    return {
      Deployment: conn.models.EngineDeployment,
      Form: conn.models.EngineForm,
      Instance: conn.models.EngineInstance,
      Job: conn.models.EngineJob,
      UserTask: conn.models.EngineUserTask,
      UserTaskHistory: conn.models.EngineUserTaskHistory,
      Message: conn.models.EngineMessage,
      Timer: conn.models.EngineTimer,
      Subscription: conn.models.EngineSubscription,
      Outbox: conn.models.EngineOutbox,
      Clock: conn.models.EngineClock,
    } as EngineModels;
  }

  const deployment = new Schema<DeploymentDoc>(
    {
      _id: String,
      bpmnProcessId: { type: String, required: true },
      version: { type: Number, required: true },
      name: String,
      resourceName: String,
      xml: String,
      hash: String,
      deployedAt: Date,
    },
    { ...opts, collection: 'engine_deployments' },
  );
  deployment.index({ bpmnProcessId: 1, version: -1 }, { unique: true });

  const form = new Schema<FormDoc>(
    { _id: String, formId: String, version: Number, content: String, hash: String, deployedAt: Date },
    { ...opts, collection: 'engine_forms' },
  );
  form.index({ formId: 1, version: -1 }, { unique: true });

  const instance = new Schema<InstanceDoc>(
    {
      _id: String,
      bpmnProcessId: String,
      version: Number,
      definitionKey: String,
      businessKey: String,
      state: String,
      engineState: { type: Buffer, default: null },
      variables: { type: Schema.Types.Mixed, default: {} },
      incidents: { type: Schema.Types.Mixed, default: [] },
      jobs: { type: Schema.Types.Mixed, default: [] },
      userTasks: { type: Schema.Types.Mixed, default: [] },
      timers: { type: Schema.Types.Mixed, default: [] },
      subscriptions: { type: Schema.Types.Mixed, default: [] },
      activeElementIds: { type: [String], default: [] },
      completedElementIds: { type: [String], default: [] },
      recentCompletions: { type: Schema.Types.Mixed, default: [] },
      rev: { type: Number, default: 0 },
      startedAt: Date,
      endedAt: Date,
    },
    { ...opts, collection: 'engine_instances' },
  );
  instance.index({ bpmnProcessId: 1, state: 1 });
  instance.index({ businessKey: 1 });

  const job = new Schema<JobDoc>(
    {
      _id: String,
      instanceKey: String,
      executionId: String,
      type: String,
      elementId: String,
      bpmnProcessId: String,
      version: Number,
      retries: Number,
      headers: { type: Schema.Types.Mixed, default: {} },
      variables: { type: Schema.Types.Mixed, default: {} },
      state: String,
      availableAt: Number,
      lockedUntil: Number,
      worker: String,
      deliveries: { type: Number, default: 0 },
      errorMessage: String,
      seq: Number,
      createdAtMs: Number,
    },
    { ...opts, collection: 'engine_jobs' },
  );
  job.index({ type: 1, state: 1, availableAt: 1 });
  job.index({ instanceKey: 1 });

  const userTaskFields = {
      _id: String,
      executionId: String,
      processInstanceKey: String,
      bpmnProcessId: String,
      processDefinitionVersion: Number,
      elementId: String,
      name: String,
      kind: String,
      candidateGroups: { type: [String], default: [] },
      candidateUsers: { type: [String], default: [] },
      assignee: String,
      formId: String,
      dueDate: String,
      dueAt: Date,
      followUpDate: String,
      customHeaders: { type: Schema.Types.Mixed, default: {} },
      variables: { type: Schema.Types.Mixed, default: {} },
      packed: String,
      businessKey: String,
      state: String,
      createdAt: Date,
      completedAt: Date,
      completedBy: String,
    };
  const userTask = new Schema<UserTaskDoc>(userTaskFields, { ...opts, collection: 'engine_user_tasks' });
  userTask.index({ state: 1, candidateGroups: 1 });
  const userTaskHistory = new Schema<UserTaskDoc>(userTaskFields, { ...opts, collection: 'engine_user_task_history' });
  userTaskHistory.index({ processInstanceKey: 1 });
  userTaskHistory.index({ businessKey: 1 });

  const timer = new Schema<TimerDoc>({ _id: String, dueAt: { type: Date, default: null } }, { ...opts, collection: 'engine_timers' });
  timer.index({ dueAt: 1 });

  const subscription = new Schema<SubscriptionDoc>(
    { _id: String, instanceKey: String, executionId: String, messageName: String, correlationKey: String, open: Boolean },
    { ...opts, collection: 'engine_subscriptions' },
  );
  subscription.index({ messageName: 1, correlationKey: 1 });

  const outbox = new Schema<OutboxDoc>(
    {
      _id: String,
      instanceKey: String,
      rev: Number,
      jobsAdded: { type: Schema.Types.Mixed, default: [] },
      jobsRemoved: { type: [String], default: [] },
      tasksAdded: { type: Schema.Types.Mixed, default: [] },
      tasksClosed: { type: Schema.Types.Mixed, default: [] },
      subscriptionsAdded: { type: Schema.Types.Mixed, default: [] },
      subscriptionsRemoved: { type: [String], default: [] },
      timer: { type: Schema.Types.Mixed, default: { changed: false, dueAt: null } },
    },
    { ...opts, collection: 'engine_outbox' },
  );

  const message = new Schema<MessageDoc>(
    {
      _id: String,
      name: String,
      correlationKey: String,
      variables: { type: Schema.Types.Mixed, default: {} },
      expiresAt: Date,
      publishedAt: Date,
    },
    { ...opts, collection: 'engine_messages' },
  );
  message.index({ name: 1, correlationKey: 1 });

  return {
    Deployment: conn.model<DeploymentDoc>('EngineDeployment', deployment),
    Form: conn.model<FormDoc>('EngineForm', form),
    Instance: conn.model<InstanceDoc>('EngineInstance', instance),
    Job: conn.model<JobDoc>('EngineJob', job),
    UserTask: conn.model<UserTaskDoc>('EngineUserTask', userTask),
    UserTaskHistory: conn.model<UserTaskDoc>('EngineUserTaskHistory', userTaskHistory),
    Message: conn.model<MessageDoc>('EngineMessage', message),
    Timer: conn.model<TimerDoc>('EngineTimer', timer),
    Subscription: conn.model<SubscriptionDoc>('EngineSubscription', subscription),
    Outbox: conn.model<OutboxDoc>('EngineOutbox', outbox),
    Clock: conn.model<ClockDoc>('EngineClock', new Schema<ClockDoc>({ _id: String, frozenAt: Number, offsetMs: Number }, { ...opts, collection: 'engine_clock' })),
  };
}

/** An open task as engine_user_tasks stores it: variables and headers packed into one text field. */
/**
 * An open task as engine_user_tasks stores it: its key, state and assignee
 * (the fields written in place: assignUserTask) beside one JSON text of
 * everything else, variables and headers included. FerretDB decodes a
 * document field by field, and every open task is read at start-up:
 * measured on 20 000 task-shaped documents, 3 100–3 600 documents/s with 22
 * fields, 7 100/s packed like this.
 */
export function packTask(doc: UserTaskDoc): Pick<UserTaskDoc, '_id' | 'state' | 'assignee' | 'packed'> {
  const { _id, state, assignee, packed: _earlier, ...rest } = doc;
  return {
    _id,
    state,
    ...(assignee !== undefined ? { assignee } : {}),
    packed: JSON.stringify({ ...rest, variables: rest.variables ?? {}, customHeaders: rest.customHeaders ?? {} }),
  };
}

/** Whether a stored task carries all its fields in `packed` (packTask), not only variables and headers (earlier data). */
export function packedWhole(doc: Pick<UserTaskDoc, 'packed' | 'executionId'>): boolean {
  return typeof doc.packed === 'string' && doc.executionId === undefined;
}

const TASK_DATES = ['createdAt', 'completedAt', 'dueAt'] as const;

/** The inverse of packTask (documents written before packing, or packed in part by earlier versions, pass too). */
export function unpackTask<T extends UserTaskDoc | null | undefined>(doc: T): T {
  if (!doc || typeof doc.packed !== 'string') return doc;
  const { packed, ...top } = doc;
  const inner = JSON.parse(packed) as Record<string, unknown>;
  // Key, state and assignee are the stored document's (assignUserTask changes them in place).
  delete inner._id;
  delete inner.state;
  delete inner.assignee;
  const whole: Record<string, unknown> = { ...inner, ...top, variables: inner.variables ?? {}, customHeaders: inner.customHeaders ?? {} };
  for (const key of TASK_DATES) if (typeof whole[key] === 'string') whole[key] = new Date(whole[key] as string);
  return whole as T;
}
