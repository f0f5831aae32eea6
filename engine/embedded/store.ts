/**
 * The embedded engine's collections. Each instance is one document (state,
 * variables, pending jobs/tasks/timers/subscriptions), written with a
 * revision guard; jobs, user tasks and buffered messages are projections of
 * it that are reconciled after every write, and again at start-up for any
 * instance whose write was not followed through (`dirty`).
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
  /** bpmn-engine state as JSON text (its keys are not all valid BSON field names). */
  engineState: string | null;
  variables: Variables;
  incidents: Incident[];
  jobs: PendingJob[];
  userTasks: PendingUserTask[];
  timers: PendingTimer[];
  nextDueAt: Date | null;
  subscriptions: PendingSubscription[];
  /** `subscriptionKey(name, correlationKey)` of each subscription: FerretDB 1.x has no $elemMatch on subdocuments. */
  subscriptionKeys: string[];
  activeElementIds: string[];
  completedElementIds: string[];
  recentCompletions: CompletionRecord[];
  dirty: boolean;
  rev: number;
  startedAt: Date;
  endedAt?: Date;
}

export type JobState = 'activatable' | 'activated' | 'failed';

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
}

export type UserTaskDoc = Omit<UserTask, 'key' | 'createdAt' | 'completedAt'> & {
  _id: string;
  executionId: string;
  createdAt: Date;
  completedAt?: Date;
  dueAt?: Date;
};

export interface MessageDoc {
  _id: string;
  name: string;
  correlationKey: string;
  variables: Variables;
  expiresAt: Date;
  publishedAt: Date;
}

export function subscriptionKey(messageName: string, correlationKey: string): string {
  return JSON.stringify([messageName, correlationKey]);
}

export interface EngineModels {
  Deployment: Model<DeploymentDoc>;
  Form: Model<FormDoc>;
  Instance: Model<InstanceDoc>;
  Job: Model<JobDoc>;
  UserTask: Model<UserTaskDoc>;
  Message: Model<MessageDoc>;
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
      Message: conn.models.EngineMessage,
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
      engineState: { type: String, default: null },
      variables: { type: Schema.Types.Mixed, default: {} },
      incidents: { type: Schema.Types.Mixed, default: [] },
      jobs: { type: Schema.Types.Mixed, default: [] },
      userTasks: { type: Schema.Types.Mixed, default: [] },
      timers: { type: Schema.Types.Mixed, default: [] },
      nextDueAt: { type: Date, default: null },
      subscriptions: { type: Schema.Types.Mixed, default: [] },
      subscriptionKeys: { type: [String], default: [] },
      activeElementIds: { type: [String], default: [] },
      completedElementIds: { type: [String], default: [] },
      recentCompletions: { type: Schema.Types.Mixed, default: [] },
      dirty: { type: Boolean, default: false },
      rev: { type: Number, default: 0 },
      startedAt: Date,
      endedAt: Date,
    },
    { ...opts, collection: 'engine_instances' },
  );
  instance.index({ nextDueAt: 1 });
  instance.index({ dirty: 1 });
  instance.index({ bpmnProcessId: 1, state: 1 });
  instance.index({ businessKey: 1 });
  instance.index({ subscriptionKeys: 1 });

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
    },
    { ...opts, collection: 'engine_jobs' },
  );
  job.index({ type: 1, state: 1, availableAt: 1 });
  job.index({ instanceKey: 1 });

  const userTask = new Schema<UserTaskDoc>(
    {
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
      businessKey: String,
      state: String,
      createdAt: Date,
      completedAt: Date,
      completedBy: String,
    },
    { ...opts, collection: 'engine_user_tasks' },
  );
  userTask.index({ processInstanceKey: 1, state: 1 });
  userTask.index({ state: 1, candidateGroups: 1 });
  userTask.index({ businessKey: 1 });

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
    Message: conn.model<MessageDoc>('EngineMessage', message),
  };
}
