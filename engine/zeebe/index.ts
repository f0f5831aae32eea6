/**
 * The `zeebe` adapter of the engine port: the same models and workers on a
 * Camunda 8.8 cluster.
 *
 * - Commands go through the SDK's Zeebe gRPC client (@camunda8/sdk):
 *   deploy (models and forms), createProcessInstance, cancelProcessInstance,
 *   publishMessage, and job workers that complete / fail (retries, back-off)
 *   / throw BPMN errors. Rejected commands (back-pressure) are retried with
 *   back-off and end as EngineError('UNAVAILABLE') (errors.ts).
 * - User tasks, instance inspection, process definitions and the clock go
 *   through the 8.8 REST API (rest.ts).
 * - onUserTaskEvent: the broker pushes nothing to us, so an event source
 *   polls the user-task search every USER_TASK_POLL_INTERVAL_MS (1 s by
 *   default) once a listener is registered (user-task-events.ts).
 *
 * Differences from the embedded adapter, by design of Zeebe:
 * - a business key is a process variable (`businessKey`), as Zeebe has none;
 * - searches read the exporter's secondary store and lag the broker a little;
 * - `idle()` can only wait for this process (job handlers in flight, one task
 *   poll); what the broker still has to do is not observable.
 */
import { hostname } from 'node:os';
import { Auth, Zeebe } from '@camunda8/sdk';
import { parseIsoDuration, realNow } from '../clock.js';
import {
  EngineError,
  type DeployResource,
  type DeployedProcess,
  type Incident,
  type InstanceFilter,
  type InstanceState,
  type Job,
  type JobHandler,
  type JobOutcome,
  type JobWorker,
  type ProcessEngine,
  type ProcessInstanceView,
  type PublishMessage,
  type StartOptions,
  type StartedInstance,
  type UserTask,
  type UserTaskFilter,
  type UserTaskListener,
  type Variables,
  type WorkerOptions,
  variableValueCandidates,
} from '../port.js';
import { BrokerClock } from './clock.js';
import { loadZeebeConfig as loadZeebeConfigFrom, sdkConfiguration, type ZeebeConfig } from './config.js';
import { withRetry, type RetryPolicy } from './errors.js';
import { OrchestrationRest, RestError, type ProcessInstanceResult, type SearchRequest, type VariableResult } from './rest.js';
import { UserTaskEvents, UserTaskReader } from './user-tasks.js';

export { loadZeebeConfig, type ZeebeConfig } from './config.js';

/** Zeebe has no business key: the adapter keeps it in this process variable. */
export const BUSINESS_KEY_VARIABLE = 'businessKey';

export interface ZeebeEngineOptions {
  config: ZeebeConfig;
  /** The broker runs with ZEEBE_CLOCK_CONTROLLED=true (demo profile): advanceClock pins its clock. */
  clockControl?: boolean;
  /** Move this process's `Date` with the broker's clock (the composition root in demo mode). */
  installGlobalClock?: boolean;
  /** First pause before a rejected command is retried (doubles up to config.maxRetryDelayMs). */
  retryInitialDelayMs?: number;
  logger?: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
}

type Ack = typeof Zeebe.Types.JOB_ACTION_ACKNOWLEDGEMENT;

/** What the adapter reads of the SDK's activated job (variables and headers already parsed from JSON). */
interface SdkJob {
  readonly key: string;
  readonly type: string;
  readonly processInstanceKey: string;
  readonly bpmnProcessId: string;
  readonly processDefinitionVersion: number;
  readonly elementId: string;
  readonly retries: number;
  readonly deadline: string;
  readonly customHeaders: unknown;
  readonly variables: unknown;
  /** Tells the SDK's worker the job was settled elsewhere: frees its slot. */
  forward(): Ack;
}

/** Our variables as the SDK's JSON document type (they are JSON values; the port types them as unknown). */
type JsonDoc = NonNullable<Parameters<Zeebe.ZeebeGrpcClient['completeJob']>[0]['variables']>;
const json = <T>(variables: Variables): T => variables as unknown as T;

const OPEN_PROCESS_STATES = new Set(['ACTIVE']);

export class ZeebeEngine implements ProcessEngine {
  readonly kind = 'zeebe' as const;
  readonly clock: BrokerClock;

  private readonly zbc: Zeebe.ZeebeGrpcClient;
  private readonly rest: OrchestrationRest;
  private readonly retry: RetryPolicy;
  private readonly logger: NonNullable<ZeebeEngineOptions['logger']>;
  private readonly tasks: UserTaskReader;
  private readonly events: UserTaskEvents;
  private readonly workers = new Set<{ type: string; close(): Promise<void> }>();
  /** Forms deployed through this adapter, by form id (the API validates task input against them). */
  private readonly forms = new Map<string, unknown>();
  /** When this process first saw a definition (the REST API does not say when it was deployed). */
  private readonly firstSeen = new Map<string, string>();
  private inflight = 0;
  private closing = false;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: ZeebeEngineOptions) {
    const { config } = options;
    this.logger = options.logger ?? { info() {}, warn() {}, error() {} };
    this.clock = new BrokerClock(options.clockControl ?? false, options.installGlobalClock ?? false);
    this.retry = { maxRetries: config.maxRetries, initialDelayMs: options.retryInitialDelayMs ?? 200, maxDelayMs: config.maxRetryDelayMs };
    const sdkConfig = sdkConfiguration(config);
    const auth = authProvider(config, sdkConfig);
    this.zbc = new Zeebe.ZeebeGrpcClient({ config: sdkConfig, oAuthProvider: auth });
    this.rest = new OrchestrationRest(config.restAddress, {
      timeoutMs: config.restTimeoutMs,
      retry: this.retry,
      stopped: () => this.closing,
      headers: async () => {
        const headers = (await auth.getHeaders('ZEEBE')) as Record<string, string>;
        return Object.fromEntries(Object.entries(headers).filter(([, v]) => typeof v === 'string' && v !== ''));
      },
    });
    this.tasks = new UserTaskReader(this.rest, BUSINESS_KEY_VARIABLE);
    this.events = new UserTaskEvents(this.tasks, config.userTaskPollIntervalMs, this.logger);
  }

  /** Checks the gateway answers; with clock control, puts the broker's clock back on the system time. */
  async start(): Promise<void> {
    await this.grpc('topology', () => this.zbc.topology());
    if (this.clock.controllable) {
      try {
        await this.rest.resetClock();
      } catch (err) {
        throw new EngineError(
          'UNAVAILABLE',
          `clock control is on, but the cluster refuses to move its clock (${(err as Error).message}): ` +
            'start the broker with ZEEBE_CLOCK_CONTROLLED=true (compose profile "demo"), or set CLOCK_CONTROL=false',
        );
      }
      this.clock.reset();
    }
  }

  async close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      await this.events.stop();
      await Promise.all([...this.workers].map((w) => w.close()));
      await this.zbc.close();
    })();
    return this.closed;
  }

  /* ----------------------------------------------------------- deploying */

  async deploy(resources: DeployResource[]): Promise<DeployedProcess[]> {
    const models = resources.filter((r) => r.name.endsWith('.bpmn') || /<([\w-]+:)?definitions[\s>]/.test(r.content));
    const forms = resources.filter((r) => r.name.endsWith('.form'));
    if (models.length + forms.length === 0) return [];
    const processes = models.flatMap((r) => processesOf(r.content));
    const before = await this.latestDefinitionKeys(processes.map((p) => p.id));
    const response = await this.grpc('deployResources', () =>
      this.zbc.deployResources([
        ...models.map((r) => ({ process: Buffer.from(r.content, 'utf8'), name: r.name })),
        ...forms.map((r) => ({ form: Buffer.from(r.content, 'utf8'), name: r.name })),
      ]),
    );
    for (const form of forms) {
      const json = safeJson(form.content) as { id?: unknown } | undefined;
      if (json && typeof json.id === 'string') this.forms.set(json.id, json);
    }
    const now = this.clock.now().toISOString();
    const deployed: DeployedProcess[] = [];
    for (const d of response.deployments ?? []) {
      const p = (d as { process?: { bpmnProcessId: string; version: number; processDefinitionKey: string } }).process;
      if (!p) continue;
      const key = String(p.processDefinitionKey);
      const duplicate = before.get(p.bpmnProcessId) === key;
      if (!this.firstSeen.has(key)) this.firstSeen.set(key, now);
      deployed.push({
        bpmnProcessId: p.bpmnProcessId,
        version: Number(p.version),
        name: processes.find((x) => x.id === p.bpmnProcessId)?.name ?? p.bpmnProcessId,
        deployedAt: this.firstSeen.get(key) as string,
        processDefinitionKey: key,
        ...(duplicate ? { duplicate: true } : {}),
      });
    }
    return deployed;
  }

  /** The latest known definition key per process id, before a deployment (best effort: a redeploy of the same XML keeps its key). */
  private async latestDefinitionKeys(ids: string[]): Promise<Map<string, string>> {
    const latest = new Map<string, string>();
    await Promise.all(
      [...new Set(ids)].map(async (id) => {
        try {
          const { items } = await this.rest.searchProcessDefinitions({
            filter: { processDefinitionId: id },
            sort: [{ field: 'version', order: 'DESC' }],
            page: { from: 0, limit: 1 },
          });
          if (items[0]) latest.set(id, items[0].processDefinitionKey);
        } catch (err) {
          this.logger.warn(`zeebe: cannot tell whether ${id} is a redeploy: ${(err as Error).message}`);
        }
      }),
    );
    return latest;
  }

  /** A Camunda form deployed through this adapter (form-js JSON). */
  async getForm(formId: string): Promise<unknown> {
    return this.forms.get(formId) ?? this.tasks.formSchema(formId);
  }

  async listProcesses(): Promise<DeployedProcess[]> {
    const items = await searchAll(
      (page) =>
        this.rest.searchProcessDefinitions({
          sort: [
            { field: 'processDefinitionId', order: 'ASC' },
            { field: 'version', order: 'ASC' },
          ],
          page,
        }),
      10_000,
    );
    const now = this.clock.now().toISOString();
    return items.map((d) => {
      if (!this.firstSeen.has(d.processDefinitionKey)) this.firstSeen.set(d.processDefinitionKey, now);
      return {
        bpmnProcessId: d.processDefinitionId,
        version: d.version,
        name: d.name ?? d.processDefinitionId,
        deployedAt: this.firstSeen.get(d.processDefinitionKey) as string,
        processDefinitionKey: d.processDefinitionKey,
      };
    });
  }

  async getProcessXml(bpmnProcessId: string, version?: number): Promise<string | undefined> {
    const { items } = await this.rest.searchProcessDefinitions({
      filter: { processDefinitionId: bpmnProcessId, ...(version !== undefined ? { version } : {}) },
      sort: [{ field: 'version', order: 'DESC' }],
      page: { from: 0, limit: 1 },
    });
    const definition = items[0];
    return definition ? this.rest.getProcessDefinitionXml(definition.processDefinitionKey) : undefined;
  }

  /* ----------------------------------------------------------- instances */

  async startInstance(bpmnProcessId: string, variables: Variables, options: StartOptions = {}): Promise<StartedInstance> {
    const vars = options.businessKey !== undefined ? { ...variables, [BUSINESS_KEY_VARIABLE]: options.businessKey } : variables;
    const res = await this.grpc('createProcessInstance', () =>
      this.zbc.createProcessInstance({ bpmnProcessId, variables: json<JsonDoc>(vars), ...(options.version !== undefined ? { version: options.version } : {}) }),
    );
    return { processInstanceKey: String(res.processInstanceKey), bpmnProcessId: res.bpmnProcessId, version: Number(res.version) };
  }

  async cancelInstance(processInstanceKey: string): Promise<void> {
    try {
      await this.grpc('cancelProcessInstance', () => this.zbc.cancelProcessInstance(processInstanceKey));
    } catch (err) {
      if (!(err instanceof EngineError && err.code === 'NOT_FOUND')) throw err;
      // Zeebe forgets ended instances: the search store tells "ended" (409) from "never existed" (404).
      const known = await this.rest.getProcessInstance(processInstanceKey);
      if (known && !OPEN_PROCESS_STATES.has(known.state)) {
        throw new EngineError('CONFLICT', `instance ${processInstanceKey} has already ended`);
      }
      throw err;
    }
  }

  async getInstance(processInstanceKey: string): Promise<ProcessInstanceView | undefined> {
    const instance = await this.rest.getProcessInstance(processInstanceKey);
    return instance ? this.view(instance) : undefined;
  }

  async listInstances(filter: InstanceFilter): Promise<ProcessInstanceView[]> {
    const query: Record<string, unknown> = {};
    if (filter.bpmnProcessId) query.processDefinitionId = filter.bpmnProcessId;
    if (filter.state === 'active') Object.assign(query, { state: 'ACTIVE', hasIncident: false });
    if (filter.state === 'incident') Object.assign(query, { state: 'ACTIVE', hasIncident: true });
    if (filter.state === 'completed') query.state = 'COMPLETED';
    if (filter.state === 'canceled') query.state = 'TERMINATED';
    // Variable values are JSON in Zeebe's search: "3" matches the string "3" or the number 3.
    const variables: { name: string; value: unknown }[] = [];
    if (filter.businessKey) variables.push({ name: BUSINESS_KEY_VARIABLE, value: JSON.stringify(filter.businessKey) });
    if (filter.businessKeys) {
      if (filter.businessKeys.length === 0) return [];
      variables.push({ name: BUSINESS_KEY_VARIABLE, value: { $in: filter.businessKeys.map((k) => JSON.stringify(k)) } });
    }
    for (const [name, value] of Object.entries(filter.variables ?? {})) {
      variables.push({ name, value: { $in: variableValueCandidates(value).map((v) => JSON.stringify(v)) } });
    }
    const offset = filter.offset ?? 0;
    const limit = Math.min(filter.limit ?? 100, 1000);
    const search = (extra: { name: string; value: unknown }[]) => {
      const all = [...variables, ...extra];
      const f = all.length ? { ...query, variables: all } : query;
      return searchAll((page) => this.rest.searchProcessInstances({ filter: f, sort: [{ field: 'startDate', order: 'DESC' }], page }), offset + limit);
    };
    let items: ProcessInstanceResult[];
    if (filter.text && filter.text.term && filter.text.variables.length) {
      // The search has no "or" across variables: one search per variable, merged newest first.
      const pattern = `*${filter.text.term.replace(/[*?\\]/g, '')}*`;
      const byKey = new Map<string, ProcessInstanceResult>();
      for (const name of filter.text.variables) for (const i of await search([{ name, value: { $like: pattern } }])) byKey.set(i.processInstanceKey, i);
      items = [...byKey.values()].sort((a, b) => String(b.startDate ?? '').localeCompare(String(a.startDate ?? '')));
    } else {
      items = await search([]);
    }
    return mapLimit(items.slice(offset, offset + limit), 8, (instance) => this.view(instance));
  }

  /** Three searches per instance: element instances, open incidents, root-scope variables. */
  private async view(instance: ProcessInstanceResult): Promise<ProcessInstanceView> {
    const key = instance.processInstanceKey;
    const [elements, incidents, variables] = await Promise.all([
      searchAll((page) => this.rest.searchElementInstances({ filter: { processInstanceKey: key }, sort: [{ field: 'startDate', order: 'ASC' }], page }), 10_000),
      searchAll((page) => this.rest.searchIncidents({ filter: { processInstanceKey: key, state: 'ACTIVE' }, page }), 1000),
      searchAll((page) => this.rest.searchVariables({ filter: { processInstanceKey: key, scopeKey: key }, page }), 10_000),
    ]);
    const flowElements = elements.filter((e) => e.type !== 'PROCESS' && e.type !== 'SEQUENCE_FLOW');
    const vars = await this.decodeVariables(variables);
    const businessKey = vars[BUSINESS_KEY_VARIABLE];
    delete vars[BUSINESS_KEY_VARIABLE];
    const openIncidents: Incident[] = incidents.map((i) => ({
      key: i.incidentKey,
      elementId: i.elementId ?? '',
      message: i.errorMessage ?? i.errorType ?? '',
      ...(i.jobKey ? { jobKey: i.jobKey } : {}),
      createdAt: isoOr(i.creationTime, ''),
    }));
    const state: InstanceState =
      instance.state === 'COMPLETED'
        ? 'completed'
        : instance.state === 'TERMINATED'
          ? 'canceled'
          : instance.hasIncident || openIncidents.length > 0
            ? 'incident'
            : 'active';
    return {
      key,
      bpmnProcessId: instance.processDefinitionId,
      version: instance.processDefinitionVersion,
      state,
      activeElementIds: unique(flowElements.filter((e) => e.state === 'ACTIVE').map((e) => e.elementId)),
      completedElementIds: unique(flowElements.filter((e) => e.state === 'COMPLETED').map((e) => e.elementId)),
      incidents: openIncidents,
      variables: vars,
      ...(typeof businessKey === 'string' ? { businessKey } : {}),
      startedAt: isoOr(instance.startDate, instance.startDate),
      ...(instance.endDate ? { endedAt: isoOr(instance.endDate, instance.endDate) } : {}),
    };
  }

  private async decodeVariables(items: VariableResult[]): Promise<Variables> {
    const vars: Variables = {};
    for (const v of items) {
      let raw = v.value;
      if (v.isTruncated && v.variableKey) raw = (await this.rest.getVariable(v.variableKey))?.value ?? raw;
      vars[v.name] = safeJson(raw) ?? raw;
    }
    return vars;
  }

  /* ------------------------------------------------------------ messages */

  async publishMessage(message: PublishMessage): Promise<void> {
    const ttl =
      typeof message.timeToLive === 'number' ? message.timeToLive : message.timeToLive ? parseIsoDuration(message.timeToLive) : 0;
    if (ttl === undefined || !Number.isFinite(ttl) || ttl < 0) {
      throw new EngineError('INVALID', `message time-to-live '${String(message.timeToLive)}' is not a duration`, [
        { path: 'timeToLive', message: 'must be milliseconds or an ISO-8601 duration' },
      ]);
    }
    await this.grpc('publishMessage', () =>
      this.zbc.publishMessage({
        name: message.name,
        correlationKey: message.correlationKey,
        variables: json(message.variables ?? {}),
        timeToLive: ttl,
        ...(message.messageId !== undefined ? { messageId: message.messageId } : {}),
      }),
    );
  }

  /* ---------------------------------------------------------------- jobs */

  createWorker(type: string, handler: JobHandler, options: WorkerOptions = {}): JobWorker {
    if (this.closing) throw new EngineError('UNAVAILABLE', 'the engine is closing');
    const sdkWorker = this.zbc.createWorker({
      taskType: type,
      id: options.workerName ?? `${hostname()}-${process.pid}-${type}`,
      timeout: options.timeoutMs ?? 30_000,
      maxJobsToActivate: options.maxJobsToActivate ?? 32,
      longPoll: this.options.config.longPollMs,
      pollInterval: options.pollIntervalMs ?? this.options.config.workerPollIntervalMs,
      loglevel: this.options.config.logLevel,
      taskHandler: (job) => this.runJob(handler, job as unknown as SdkJob),
    });
    let closing: Promise<void> | undefined;
    const worker = {
      type,
      close: (): Promise<void> =>
        (closing ??= (async () => {
          // SDK 8.8.13: close() cancels the open activation stream, but the stream's client-side
          // time-out (long poll + 1 s) is cleared only on 'end', which a canceled stream never
          // emits: it would keep the process alive that long after close. End it ourselves.
          const stream = (sdkWorker as unknown as { jobStream?: { emit(event: 'end'): boolean } }).jobStream;
          await sdkWorker.close();
          stream?.emit('end');
          this.workers.delete(worker);
        })()),
    };
    this.workers.add(worker);
    return worker;
  }

  /**
   * One activated job: the handler decides, the adapter sends the decision.
   * A decision that cannot be delivered (the job was canceled meanwhile, or
   * the cluster stays overloaded) is logged; Zeebe hands the job out again
   * when its time-out passes (at-least-once, as the workers expect).
   */
  private async runJob(handler: JobHandler, sdkJob: SdkJob): Promise<Ack> {
    this.inflight++;
    try {
      const job = toJob(sdkJob);
      let outcome: JobOutcome;
      try {
        outcome = await handler(job);
      } catch (err) {
        outcome = { outcome: 'fail', message: (err as Error)?.message ?? String(err) };
      }
      try {
        await this.settle(job, outcome);
      } catch (err) {
        if (!(err instanceof EngineError && err.code === 'NOT_FOUND')) {
          this.logger.warn(`zeebe: job ${job.key} (${job.type}): ${outcome.outcome} not delivered: ${(err as Error).message}`);
        }
      }
    } finally {
      this.inflight--;
    }
    // The decision went through our own (retrying) calls: release the worker's capacity.
    return sdkJob.forward();
  }

  private async settle(job: Job, outcome: JobOutcome): Promise<void> {
    switch (outcome.outcome) {
      case 'complete':
        await this.grpc('completeJob', () => this.zbc.completeJob({ jobKey: job.key, variables: json(outcome.variables) }));
        return;
      case 'fail':
        await this.grpc('failJob', () =>
          this.zbc.failJob({
            jobKey: job.key,
            // Zeebe's incident carries the last failure message; say which job type failed, as the embedded adapter does.
            errorMessage: `${job.type}: ${outcome.message}`,
            retries: outcome.retries ?? Math.max(0, job.retries - 1),
            retryBackOff: outcome.retryBackOffMs ?? 0,
          }),
        );
        return;
      case 'error':
        await this.grpc('throwError', () =>
          this.zbc.throwError({
            jobKey: job.key,
            errorCode: outcome.errorCode,
            errorMessage: outcome.message ?? '',
            variables: json(outcome.variables ?? {}),
          }),
        );
        return;
    }
  }

  /* ---------------------------------------------------------- user tasks */

  onUserTaskEvent(listener: UserTaskListener): void {
    this.events.add(listener);
  }

  searchUserTasks(filter: UserTaskFilter): Promise<UserTask[]> {
    return this.tasks.search(filter);
  }

  getUserTask(key: string): Promise<UserTask | undefined> {
    return this.tasks.get(key);
  }

  async assignUserTask(key: string, assignee: string | undefined): Promise<UserTask> {
    const task = await this.openTask(key);
    try {
      if (assignee === undefined) await this.rest.unassignUserTask(key);
      else await this.rest.assignUserTask(key, assignee);
    } catch (err) {
      throw await this.taskCommandError(key, err);
    }
    // The search store catches up later; answer with what the command did.
    const { assignee: _previous, ...rest } = task;
    return assignee === undefined ? rest : { ...rest, assignee };
  }

  async completeUserTask(key: string, variables: Variables, completedBy?: string): Promise<void> {
    try {
      await this.rest.completeUserTask(key, variables);
    } catch (err) {
      throw await this.taskCommandError(key, err);
    }
    this.tasks.completedBy(key, completedBy);
  }

  private async openTask(key: string): Promise<UserTask> {
    const task = await this.tasks.get(key);
    if (!task) throw new EngineError('NOT_FOUND', `user task ${key} not found`);
    if (task.state !== 'created') throw new EngineError('CONFLICT', `user task ${key} is ${task.state}`);
    return task;
  }

  /** 404 from a command: Zeebe forgets closed tasks, the search store still knows them (409). */
  private async taskCommandError(key: string, err: unknown): Promise<EngineError> {
    if (!(err instanceof RestError) || err.code !== 'NOT_FOUND') return err instanceof EngineError ? err : new EngineError('UNAVAILABLE', String(err));
    const known = await this.tasks.get(key).catch(() => undefined);
    if (known && known.state !== 'created') return new EngineError('CONFLICT', `user task ${key} is already ${known.state}`);
    return new EngineError('NOT_FOUND', `user task ${key} not found`);
  }

  /* --------------------------------------------------------------- clock */

  async advanceClock(by: { addMs?: number; pin?: Date }): Promise<Date> {
    if (!this.clock.controllable) throw new EngineError('NOT_FOUND', 'the clock is not controllable (broker without ZEEBE_CLOCK_CONTROLLED)');
    const target = by.pin ? by.pin.getTime() : this.clock.now().getTime() + (by.addMs ?? 0);
    if (!Number.isFinite(target) || target < this.clock.now().getTime()) {
      const path = by.pin ? 'pin' : 'add';
      throw new EngineError('INVALID', 'the clock only moves forward', [{ path, message: 'must not be earlier than the current engine time' }]);
    }
    await this.rest.pinClock(target);
    this.clock.pinnedAt(new Date(target));
    return this.clock.now();
  }

  /**
   * Waits until this process has no job handler in flight and, when task
   * events are listened to, one more poll of the user tasks has run. The
   * broker's own pending work (timers due after a pin, jobs not yet
   * activated) is not observable from here.
   */
  async idle(timeoutMs = 30_000): Promise<void> {
    const until = realNow() + timeoutMs;
    while (this.inflight > 0) {
      if (realNow() > until) throw new EngineError('UNAVAILABLE', `engine not idle after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await this.events.pollNow();
  }

  /* ------------------------------------------------------------ plumbing */

  private async grpc<T>(operation: string, call: () => Promise<T>): Promise<NonNullable<T>> {
    if (this.closing && operation !== 'completeJob' && operation !== 'failJob' && operation !== 'throwError') {
      throw new EngineError('UNAVAILABLE', `${operation}: the engine is closing`);
    }
    const result = await withRetry(operation, this.retry, call, {
      stopped: () => this.closing,
      onRetry: (attempt, delayMs, err) =>
        this.logger.warn(`zeebe: ${operation} rejected (${(err as Error).message}); retry ${attempt}/${this.retry.maxRetries} in ${delayMs} ms`),
    });
    // The SDK answers null instead of failing when its client is closing.
    if (result === null || result === undefined) throw new EngineError('UNAVAILABLE', `${operation}: the engine is closing`);
    return result as NonNullable<T>;
  }
}

/* ---------------------------------------------------------------- helpers */

function authProvider(config: ZeebeConfig, sdkConfig: Record<string, unknown>): Auth.IHeadersProvider {
  switch (config.auth.strategy) {
    case 'BASIC':
      return new Auth.BasicAuthProvider({ config: sdkConfig });
    case 'OAUTH':
      return new Auth.OAuthProvider({ config: sdkConfig });
    default:
      return new Auth.NullAuthProvider();
  }
}

function toJob(job: SdkJob): Job {
  return {
    key: String(job.key),
    type: job.type,
    processInstanceKey: String(job.processInstanceKey),
    bpmnProcessId: job.bpmnProcessId,
    processDefinitionVersion: Number(job.processDefinitionVersion),
    elementId: job.elementId,
    retries: Number(job.retries),
    deadline: Number(job.deadline),
    customHeaders: { ...(job.customHeaders as Record<string, string>) },
    variables: { ...(job.variables as Variables) },
  };
}

/** The executable processes of a BPMN document: id and name. */
export function processesOf(xml: string): { id: string; name?: string }[] {
  const found: { id: string; name?: string }[] = [];
  for (const m of xml.matchAll(/<(?:[\w-]+:)?process\s([^>]*)>/g)) {
    const attrs = m[1] as string;
    const id = /\bid="([^"]*)"/.exec(attrs)?.[1];
    const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
    if (id) found.push({ id, ...(name !== undefined ? { name: decodeXml(name) } : {}) });
  }
  return found;
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[\da-f]+);/gi, (all, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()] as string;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) ? String.fromCodePoint(code) : all;
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isoOr(value: string | null | undefined, fallback: string): string {
  if (!value) return fallback;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Pages through a search until `limit` items or the end. */
export async function searchAll<T>(
  search: (page: NonNullable<SearchRequest['page']>) => Promise<{ items: T[]; page?: { totalItems?: number | null } | null }>,
  limit: number,
  pageSize = 1000,
): Promise<T[]> {
  const items: T[] = [];
  while (items.length < limit) {
    const size = Math.min(pageSize, limit - items.length);
    const res = await search({ from: items.length, limit: size });
    items.push(...res.items);
    const total = res.page?.totalItems;
    if (res.items.length < size || (typeof total === 'number' && items.length >= total)) break;
  }
  return items.slice(0, limit);
}

/** `fn` over `items`, at most `concurrency` at a time, results in order. */
export async function mapLimit<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i] as T);
      }
    }),
  );
  return results;
}

/**
 * The adapter as the composition root builds it: configuration from the
 * environment (loadZeebeConfig, failing fast), the app's clock-control switch,
 * and its logger. With clock control the broker must run with
 * ZEEBE_CLOCK_CONTROLLED=true (the compose file's demo profile).
 */
export function createZeebeEngine(options: {
  clockControl: boolean;
  logger?: ZeebeEngineOptions['logger'];
  env?: Record<string, string | undefined>;
}): ZeebeEngine {
  return new ZeebeEngine({
    config: loadZeebeConfigFrom(options.env ?? process.env),
    clockControl: options.clockControl,
    installGlobalClock: options.clockControl,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
