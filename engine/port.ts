/**
 * The engine port: what the API, the workers and the UI may ask of a process
 * engine. Two adapters implement it: `embedded` (bpmn-engine in-process, state
 * in MongoDB) and `zeebe` (@camunda8/sdk against a Camunda 8 cluster).
 *
 * Shapes follow Camunda 8's own vocabulary (job, user task, process instance
 * key, correlation key) so that the Zeebe adapter is a thin mapping.
 */

export type Variables = Record<string, unknown>;

export interface DeployResource {
  /** File name, e.g. `repair.bpmn` or `forms/sign-off.form`. */
  name: string;
  content: string;
}

export interface DeployedProcess {
  bpmnProcessId: string;
  version: number;
  name: string;
  deployedAt: string;
  /** Key of the process definition (string, as Camunda's REST API gives it). */
  processDefinitionKey: string;
  /** True when the same XML was already deployed: no new version was made. */
  duplicate?: boolean;
}

export interface StartOptions {
  /** A business key kept beside the instance (the work order id). */
  businessKey?: string;
  /** A specific version; latest when omitted. */
  version?: number;
}

export interface StartedInstance {
  processInstanceKey: string;
  bpmnProcessId: string;
  version: number;
}

export interface PublishMessage {
  name: string;
  correlationKey: string;
  variables?: Variables;
  /** ISO duration or milliseconds; 0 = only to a waiting subscription. */
  timeToLive?: string | number;
  /** Optional message id for idempotent publishing. */
  messageId?: string;
}

export type InstanceState = 'active' | 'completed' | 'canceled' | 'incident';

export interface Incident {
  key: string;
  elementId: string;
  message: string;
  jobKey?: string;
  createdAt: string;
}

export interface ProcessInstanceView {
  key: string;
  bpmnProcessId: string;
  version: number;
  state: InstanceState;
  activeElementIds: string[];
  completedElementIds: string[];
  incidents: Incident[];
  variables: Variables;
  businessKey?: string;
  startedAt: string;
  endedAt?: string;
}

export interface InstanceFilter {
  bpmnProcessId?: string;
  state?: InstanceState;
  businessKey?: string;
  /** Any of these business keys (an empty list matches nothing). */
  businessKeys?: readonly string[];
  /**
   * Root variables equal to these values, as a query string spells them: "3"
   * also matches the number 3, "true" / "false" also the boolean.
   */
  variables?: Record<string, string>;
  /** A case-insensitive part of any of these root variables (the inspector's search box). */
  text?: { term: string; variables: readonly string[] };
  /** Newest first: skip this many, then at most `limit`. */
  offset?: number;
  limit?: number;
}

/** The values a query-string value may stand for in a variable: the string, and the number or boolean it spells. */
export function variableValueCandidates(value: string): (string | number | boolean)[] {
  const out: (string | number | boolean)[] = [value];
  if (value.trim() !== '' && Number.isFinite(Number(value))) out.push(Number(value));
  if (value === 'true' || value === 'false') out.push(value === 'true');
  return out;
}

/* ------------------------------------------------------------------ jobs */

export interface Job<V extends Variables = Variables> {
  key: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  elementId: string;
  retries: number;
  /** Epoch ms until which this worker holds the job. */
  deadline: number;
  customHeaders: Record<string, string>;
  variables: V;
}

/** What a job handler must end in: the type forces every path to decide. */
export type JobOutcome =
  | { readonly outcome: 'complete'; readonly variables: Variables }
  | { readonly outcome: 'fail'; readonly message: string; readonly retries?: number; readonly retryBackOffMs?: number }
  | { readonly outcome: 'error'; readonly errorCode: string; readonly message?: string; readonly variables?: Variables };

export const JobResult = {
  complete: (variables: Variables = {}): JobOutcome => ({ outcome: 'complete', variables }),
  fail: (message: string, opts: { retries?: number; retryBackOffMs?: number } = {}): JobOutcome => ({
    outcome: 'fail',
    message,
    ...opts,
  }),
  error: (errorCode: string, message?: string, variables?: Variables): JobOutcome => ({
    outcome: 'error',
    errorCode,
    ...(message !== undefined ? { message } : {}),
    ...(variables !== undefined ? { variables } : {}),
  }),
};

export type JobHandler = (job: Job) => Promise<JobOutcome>;

export interface WorkerOptions {
  /** Lock timeout in ms (Zeebe's job timeout). */
  timeoutMs?: number;
  maxJobsToActivate?: number;
  /** Long-poll / poll interval in ms. */
  pollIntervalMs?: number;
  workerName?: string;
}

export interface JobWorker {
  readonly type: string;
  close(): Promise<void>;
}

/* ------------------------------------------------------------ user tasks */

export type UserTaskState = 'created' | 'completed' | 'canceled';

export interface UserTask {
  key: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  elementId: string;
  name: string;
  /** Task header `kind`: the stable domain name of the step. */
  kind: string;
  candidateGroups: string[];
  candidateUsers: string[];
  assignee?: string;
  /** Form id (zeebe:formDefinition formId). */
  formId?: string;
  dueDate?: string;
  followUpDate?: string;
  customHeaders: Record<string, string>;
  /** Process variables as they were when the task was created. */
  variables: Variables;
  businessKey?: string;
  state: UserTaskState;
  createdAt: string;
  completedAt?: string;
  /** Who completed it (when known). */
  completedBy?: string;
}

export interface UserTaskFilter {
  state?: UserTaskState;
  processInstanceKey?: string;
  businessKey?: string;
  kind?: string;
  assignee?: string;
  /** Tasks whose candidateGroups contain at least one of these, or candidateUsers contain `candidateUser`. */
  candidateGroupsAny?: string[];
  candidateUser?: string;
  limit?: number;
}

/** Life-cycle events of user tasks, for deadlines and the timeline. At-least-once. */
export type UserTaskEvent =
  | { type: 'created'; task: UserTask }
  | { type: 'completed'; task: UserTask }
  | { type: 'canceled'; task: UserTask };

export type UserTaskListener = (event: UserTaskEvent) => Promise<void>;

/* ------------------------------------------------------------------ clock */

export interface Clock {
  now(): Date;
  /** True when time can be moved (demo and test mode). */
  readonly controllable: boolean;
}

/* ------------------------------------------------------------------- port */

export class EngineError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'UNAVAILABLE',
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface ProcessEngine {
  readonly kind: 'embedded' | 'zeebe';

  deploy(resources: DeployResource[]): Promise<DeployedProcess[]>;
  listProcesses(): Promise<DeployedProcess[]>;
  getProcessXml(bpmnProcessId: string, version?: number): Promise<string | undefined>;

  startInstance(bpmnProcessId: string, variables: Variables, options?: StartOptions): Promise<StartedInstance>;
  cancelInstance(processInstanceKey: string): Promise<void>;
  publishMessage(message: PublishMessage): Promise<void>;

  getInstance(processInstanceKey: string): Promise<ProcessInstanceView | undefined>;
  listInstances(filter: InstanceFilter): Promise<ProcessInstanceView[]>;

  createWorker(type: string, handler: JobHandler, options?: WorkerOptions): JobWorker;

  searchUserTasks(filter: UserTaskFilter): Promise<UserTask[]>;
  getUserTask(key: string): Promise<UserTask | undefined>;
  /** Assign (claim) or unassign (`undefined`). */
  assignUserTask(key: string, assignee: string | undefined): Promise<UserTask>;
  completeUserTask(key: string, variables: Variables, completedBy?: string): Promise<void>;
  onUserTaskEvent(listener: UserTaskListener): void;
  /**
   * Optional: a number that changes whenever any user task or form changes (created, assigned,
   * closed, deployed) — lets the API reuse a task list while it is unchanged. Undefined: unknown.
   */
  userTasksVersion?(): number | undefined;

  readonly clock: Clock;
  /** Move a controllable clock; fires every due timer before it resolves. */
  advanceClock(by: { addMs?: number; pin?: Date }): Promise<Date>;
  /** Wait until no job, timer or event is due or in flight (tests, clock moves). */
  idle(timeoutMs?: number): Promise<void>;

  close(): Promise<void>;
}
