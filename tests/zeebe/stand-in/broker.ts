/**
 * A stand-in for the broker behind the gateway and REST stand-ins: it does
 * not read BPMN. A test gives it, per process id, the path through the model
 * (the elements an instance passes, with what the broker would do at each:
 * a job, a user task, a message subscription, an error boundary). It then
 * keeps the state a Zeebe cluster exposes — jobs with retries, back-off and
 * lock time-outs, incidents, user tasks, message subscriptions and buffered
 * messages with a time to live, element instances, variables — in Zeebe's own
 * terms (states, error types, keys as strings), so that the adapter's mapping
 * to the port is exercised on the cluster's vocabulary.
 */
import { EventEmitter } from 'node:events';

export type Variables = Record<string, unknown>;

export type PathElement =
  | { id: string; type: 'START_EVENT' | 'EXCLUSIVE_GATEWAY' | 'BOUNDARY_EVENT' | 'END_EVENT' }
  | {
      id: string;
      type: 'SERVICE_TASK';
      job: { type: string; retries: number; headers?: Record<string, string> };
      /** Local input variables the job sees (what the model's input mappings evaluate to). */
      inputs?: Variables;
      /** Output mappings, target ← job variable; without them every job variable is merged (Zeebe's rule). */
      outputs?: Record<string, string>;
      /** BPMN error code → the path taken from the boundary error event on. */
      errors?: Record<string, PathElement[]>;
    }
  | {
      id: string;
      type: 'USER_TASK';
      name: string;
      headers?: Record<string, string>;
      candidateGroups?: string[];
      candidateUsers?: string[];
      formId?: string;
      dueDate?: string;
    }
  | { id: string; type: 'INTERMEDIATE_CATCH_EVENT'; message: { name: string; correlationKeyVariable: string } };

export interface Definition {
  key: string;
  bpmnProcessId: string;
  version: number;
  name: string;
  resourceName: string;
  xml: string;
}

export interface ElementInstance {
  elementInstanceKey: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  elementId: string;
  elementName: string;
  type: string;
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
  hasIncident: boolean;
  startDate: string;
  endDate?: string;
  tenantId: string;
}

export interface Instance {
  key: string;
  definition: Definition;
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
  variables: Variables;
  startDate: string;
  endDate?: string;
  path: PathElement[];
  cursor: number;
  /** The element instance the instance waits in. */
  waiting?: ElementInstance;
}

export interface JobState {
  key: string;
  type: string;
  instance: Instance;
  element: ElementInstance;
  path: Extract<PathElement, { type: 'SERVICE_TASK' }>;
  retries: number;
  state: 'ACTIVATABLE' | 'ACTIVATED' | 'FAILED' | 'DONE';
  availableAt: number;
  lockedUntil: number;
  worker?: string;
  deliveries: number;
  variables: Variables;
}

export interface IncidentState {
  incidentKey: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  elementId: string;
  elementInstanceKey: string;
  errorType: 'JOB_NO_RETRIES' | 'UNHANDLED_ERROR_EVENT';
  errorMessage: string;
  state: 'ACTIVE' | 'RESOLVED';
  jobKey?: string;
  creationTime: string;
  tenantId: string;
}

export interface UserTaskState {
  userTaskKey: string;
  instance: Instance;
  element: ElementInstance;
  path: Extract<PathElement, { type: 'USER_TASK' }>;
  state: 'CREATED' | 'COMPLETED' | 'CANCELED';
  assignee?: string;
  formKey?: string;
  creationDate: string;
  completionDate?: string;
}

interface Subscription {
  instance: Instance;
  element: ElementInstance;
  name: string;
  correlationKey: string;
}

interface BufferedMessage {
  key: string;
  name: string;
  correlationKey: string;
  variables: Variables;
  expiresAt: number;
  messageId?: string;
}

export class BrokerError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const Status = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, UNAVAILABLE: 14 } as const;

export class StandInBroker {
  readonly definitions: Definition[] = [];
  readonly forms: { formKey: string; formId: string; version: number; schema: string; resourceName: string }[] = [];
  readonly instances = new Map<string, Instance>();
  readonly elements: ElementInstance[] = [];
  readonly jobs = new Map<string, JobState>();
  readonly incidents: IncidentState[] = [];
  readonly userTasks = new Map<string, UserTaskState>();
  readonly subscriptions: Subscription[] = [];
  readonly messages: BufferedMessage[] = [];
  /** Signals: 'jobs' when a job may have become activatable. */
  readonly signal = new EventEmitter();
  private readonly paths = new Map<string, PathElement[]>();
  private seq = 2251799813685248n;
  pinnedClock: number | undefined;
  clockResets = 0;

  constructor() {
    this.signal.setMaxListeners(0);
  }

  now(): number {
    return this.pinnedClock ?? Date.now();
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  nextKey(): string {
    this.seq += 1n;
    return this.seq.toString();
  }

  /** The path instances of `bpmnProcessId` take (the stand-in's replacement for executing BPMN). */
  route(bpmnProcessId: string, path: PathElement[]): void {
    this.paths.set(bpmnProcessId, path);
  }

  /* ------------------------------------------------------------- deploy */

  deploy(resources: { name: string; content: Buffer }[]): { processes: Definition[]; forms: StandInBroker['forms'] } {
    const processes: Definition[] = [];
    const forms: StandInBroker['forms'] = [];
    for (const r of resources) {
      const text = r.content.toString('utf8');
      if (r.name.endsWith('.form')) {
        let id: unknown;
        try {
          id = (JSON.parse(text) as { id?: unknown }).id;
        } catch {
          throw new BrokerError(Status.INVALID_ARGUMENT, `Command 'CREATE' rejected with code 'INVALID_ARGUMENT': '${r.name}' is not valid JSON`);
        }
        if (typeof id !== 'string') throw new BrokerError(Status.INVALID_ARGUMENT, `'${r.name}': a form needs an id`);
        const latest = this.forms.filter((f) => f.formId === id).at(-1);
        if (latest && latest.schema === text) {
          forms.push(latest);
          continue;
        }
        const form = { formKey: this.nextKey(), formId: id, version: (latest?.version ?? 0) + 1, schema: text, resourceName: r.name };
        this.forms.push(form);
        forms.push(form);
        continue;
      }
      const ids = [...text.matchAll(/<(?:[\w-]+:)?process\s[^>]*?\bid="([^"]+)"[^>]*>/g)];
      if (!text.includes('definitions') || ids.length === 0) {
        throw new BrokerError(Status.INVALID_ARGUMENT, `Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected to deploy new resources, but encountered the following errors:\n'${r.name}': the resource is not a BPMN model`);
      }
      for (const m of ids) {
        const bpmnProcessId = m[1] as string;
        const name = /\bname="([^"]*)"/.exec(m[0])?.[1] ?? bpmnProcessId;
        const latest = this.definitions.filter((d) => d.bpmnProcessId === bpmnProcessId).at(-1);
        if (latest && latest.xml === text) {
          processes.push(latest);
          continue;
        }
        const def: Definition = { key: this.nextKey(), bpmnProcessId, version: (latest?.version ?? 0) + 1, name, resourceName: r.name, xml: text };
        this.definitions.push(def);
        processes.push(def);
      }
    }
    return { processes, forms };
  }

  /* ---------------------------------------------------------- instances */

  createInstance(bpmnProcessId: string, version: number, variables: Variables): Instance {
    const candidates = this.definitions.filter((d) => d.bpmnProcessId === bpmnProcessId && (version < 0 || d.version === version));
    const definition = candidates.at(-1);
    if (!definition) {
      throw new BrokerError(
        Status.NOT_FOUND,
        `Command 'CREATE' rejected with code 'NOT_FOUND': Expected to find process definition with process ID '${bpmnProcessId}', but none found`,
      );
    }
    const path = this.paths.get(bpmnProcessId);
    if (!path) throw new Error(`stand-in: no path routed for ${bpmnProcessId}`);
    const instance: Instance = { key: this.nextKey(), definition, state: 'ACTIVE', variables: { ...variables }, startDate: this.iso(), path, cursor: 0 };
    this.instances.set(instance.key, instance);
    this.element(instance, { id: bpmnProcessId, type: 'PROCESS' }, 'ACTIVE');
    this.run(instance);
    return instance;
  }

  cancel(processInstanceKey: string): void {
    const instance = this.instances.get(processInstanceKey);
    if (!instance || instance.state !== 'ACTIVE') {
      throw new BrokerError(
        Status.NOT_FOUND,
        `Command 'CANCEL' rejected with code 'NOT_FOUND': Expected to cancel a process instance with key '${processInstanceKey}', but no such process was found`,
      );
    }
    this.end(instance, 'TERMINATED');
  }

  private element(instance: Instance, el: { id: string; type: string; name?: string }, state: ElementInstance['state']): ElementInstance {
    const record: ElementInstance = {
      elementInstanceKey: this.nextKey(),
      processInstanceKey: instance.key,
      processDefinitionKey: instance.definition.key,
      processDefinitionId: instance.definition.bpmnProcessId,
      elementId: el.id,
      elementName: el.name ?? el.id,
      type: el.type,
      state,
      hasIncident: false,
      startDate: this.iso(),
      ...(state !== 'ACTIVE' ? { endDate: this.iso() } : {}),
      tenantId: '<default>',
    };
    this.elements.push(record);
    return record;
  }

  private close(record: ElementInstance, state: 'COMPLETED' | 'TERMINATED'): void {
    record.state = state;
    record.endDate = this.iso();
  }

  private end(instance: Instance, state: 'COMPLETED' | 'TERMINATED'): void {
    instance.state = state;
    instance.endDate = this.iso();
    for (const e of this.elements) if (e.processInstanceKey === instance.key && e.state === 'ACTIVE') this.close(e, state === 'COMPLETED' ? 'COMPLETED' : 'TERMINATED');
    for (const job of this.jobs.values()) if (job.instance === instance && job.state !== 'DONE') job.state = 'DONE';
    for (const task of this.userTasks.values()) {
      if (task.instance === instance && task.state === 'CREATED') {
        task.state = 'CANCELED';
        task.completionDate = this.iso();
      }
    }
    for (const i of this.incidents) if (i.processInstanceKey === instance.key) i.state = 'RESOLVED';
    instance.waiting = undefined;
  }

  /** Walks the path from the cursor until the instance waits or ends. */
  private run(instance: Instance): void {
    while (instance.state === 'ACTIVE' && instance.cursor < instance.path.length) {
      const el = instance.path[instance.cursor] as PathElement;
      switch (el.type) {
        case 'START_EVENT':
        case 'EXCLUSIVE_GATEWAY':
        case 'BOUNDARY_EVENT':
          this.element(instance, el, 'COMPLETED');
          instance.cursor++;
          break;
        case 'END_EVENT':
          this.element(instance, el, 'COMPLETED');
          instance.cursor++;
          this.end(instance, 'COMPLETED');
          return;
        case 'SERVICE_TASK': {
          const record = this.element(instance, el, 'ACTIVE');
          instance.waiting = record;
          const job: JobState = {
            key: this.nextKey(),
            type: el.job.type,
            instance,
            element: record,
            path: el,
            retries: el.job.retries,
            state: 'ACTIVATABLE',
            availableAt: 0,
            lockedUntil: 0,
            deliveries: 0,
            variables: { ...instance.variables, ...(el.inputs ?? {}) },
          };
          this.jobs.set(job.key, job);
          this.signal.emit('jobs');
          return;
        }
        case 'USER_TASK': {
          const record = this.element(instance, { ...el, name: el.name }, 'ACTIVE');
          instance.waiting = record;
          const form = el.formId ? this.forms.filter((f) => f.formId === el.formId).at(-1) : undefined;
          const task: UserTaskState = {
            userTaskKey: this.nextKey(),
            instance,
            element: record,
            path: el,
            state: 'CREATED',
            ...(form ? { formKey: form.formKey } : {}),
            creationDate: this.iso(),
          };
          this.userTasks.set(task.userTaskKey, task);
          return;
        }
        case 'INTERMEDIATE_CATCH_EVENT': {
          const record = this.element(instance, el, 'ACTIVE');
          instance.waiting = record;
          const correlationKey = String(instance.variables[el.message.correlationKeyVariable]);
          const buffered = this.messages.find(
            (m) => m.name === el.message.name && m.correlationKey === correlationKey && m.expiresAt > this.now(),
          );
          if (buffered) {
            this.messages.splice(this.messages.indexOf(buffered), 1);
            this.proceed(instance, record, buffered.variables);
            continue;
          }
          this.subscriptions.push({ instance, element: record, name: el.message.name, correlationKey });
          return;
        }
      }
    }
  }

  private proceed(instance: Instance, record: ElementInstance, variables: Variables): void {
    Object.assign(instance.variables, variables);
    this.close(record, 'COMPLETED');
    instance.waiting = undefined;
    instance.cursor++;
  }

  /* --------------------------------------------------------------- jobs */

  activate(type: string, max: number, timeoutMs: number, worker: string): JobState[] {
    const now = Date.now();
    const out: JobState[] = [];
    for (const job of this.jobs.values()) {
      if (out.length >= max) break;
      if (job.type !== type) continue;
      const free = (job.state === 'ACTIVATABLE' && job.availableAt <= now) || (job.state === 'ACTIVATED' && job.lockedUntil <= now);
      if (!free) continue;
      job.state = 'ACTIVATED';
      job.lockedUntil = now + timeoutMs;
      job.worker = worker;
      job.deliveries++;
      out.push(job);
    }
    return out;
  }

  /** When the next back-off of a job of `type` ends (ms from now), if one is pending. */
  nextAvailable(type: string): number | undefined {
    const now = Date.now();
    let next: number | undefined;
    for (const job of this.jobs.values()) {
      if (job.type !== type || job.state !== 'ACTIVATABLE' || job.availableAt <= now) continue;
      next = Math.min(next ?? Infinity, job.availableAt - now);
    }
    return next;
  }

  private activeJob(jobKey: string, command: string): JobState {
    const job = this.jobs.get(jobKey);
    if (!job || job.state === 'DONE') {
      throw new BrokerError(
        Status.NOT_FOUND,
        `Command '${command}' rejected with code 'NOT_FOUND': Expected to ${command.toLowerCase()} job with key '${jobKey}', but no such job was found`,
      );
    }
    if (job.state !== 'ACTIVATED') {
      throw new BrokerError(Status.FAILED_PRECONDITION, `Command '${command}' rejected with code 'INVALID_STATE': job '${jobKey}' is not activated`);
    }
    return job;
  }

  completeJob(jobKey: string, variables: Variables): void {
    const job = this.activeJob(jobKey, 'COMPLETE');
    job.state = 'DONE';
    const out = job.path.outputs
      ? Object.fromEntries(Object.entries(job.path.outputs).map(([target, source]) => [target, variables[source] ?? null]))
      : variables;
    this.proceed(job.instance, job.element, out);
    this.run(job.instance);
  }

  failJob(jobKey: string, retries: number, errorMessage: string, retryBackOffMs: number): void {
    const job = this.activeJob(jobKey, 'FAIL');
    job.retries = retries;
    if (retries > 0) {
      job.state = 'ACTIVATABLE';
      job.availableAt = Date.now() + retryBackOffMs;
      job.lockedUntil = 0;
      setTimeout(() => this.signal.emit('jobs'), retryBackOffMs + 1).unref();
      return;
    }
    job.state = 'FAILED';
    this.incident(job.instance, job.element, 'JOB_NO_RETRIES', errorMessage, job.key);
  }

  throwError(jobKey: string, errorCode: string, errorMessage: string, variables: Variables): void {
    const job = this.activeJob(jobKey, 'THROW_ERROR');
    job.state = 'DONE';
    const branch = job.path.errors?.[errorCode];
    if (!branch) {
      this.incident(
        job.instance,
        job.element,
        'UNHANDLED_ERROR_EVENT',
        `Expected to throw an error event with the code '${errorCode}' with message '${errorMessage}', but it was not caught. No error events are available in the scope.`,
        job.key,
      );
      return;
    }
    Object.assign(job.instance.variables, variables);
    this.close(job.element, 'TERMINATED');
    job.instance.waiting = undefined;
    job.instance.path = branch;
    job.instance.cursor = 0;
    this.run(job.instance);
  }

  private incident(instance: Instance, element: ElementInstance, errorType: IncidentState['errorType'], errorMessage: string, jobKey?: string): void {
    element.hasIncident = true;
    this.incidents.push({
      incidentKey: this.nextKey(),
      processInstanceKey: instance.key,
      processDefinitionKey: instance.definition.key,
      processDefinitionId: instance.definition.bpmnProcessId,
      elementId: element.elementId,
      elementInstanceKey: element.elementInstanceKey,
      errorType,
      errorMessage,
      state: 'ACTIVE',
      ...(jobKey ? { jobKey } : {}),
      creationTime: this.iso(),
      tenantId: '<default>',
    });
  }

  hasIncident(instance: Instance): boolean {
    return this.incidents.some((i) => i.processInstanceKey === instance.key && i.state === 'ACTIVE');
  }

  /* ----------------------------------------------------------- messages */

  publish(message: { name: string; correlationKey: string; timeToLive: number; variables: Variables; messageId?: string }): string {
    if (message.messageId && this.messages.some((m) => m.messageId === message.messageId && m.expiresAt > this.now())) {
      throw new BrokerError(
        Status.ALREADY_EXISTS,
        `Command 'PUBLISH' rejected with code 'ALREADY_EXISTS': Expected to publish a new message with id '${message.messageId}', but a message with that id was already published`,
      );
    }
    const key = this.nextKey();
    const subs = this.subscriptions.filter((s) => s.name === message.name && s.correlationKey === message.correlationKey);
    for (const sub of subs) {
      this.subscriptions.splice(this.subscriptions.indexOf(sub), 1);
      this.proceed(sub.instance, sub.element, message.variables);
      this.run(sub.instance);
    }
    if (message.timeToLive > 0) {
      this.messages.push({
        key,
        name: message.name,
        correlationKey: message.correlationKey,
        variables: message.variables,
        expiresAt: this.now() + message.timeToLive,
        ...(message.messageId ? { messageId: message.messageId } : {}),
      });
    }
    return key;
  }

  /* --------------------------------------------------------- user tasks */

  completeUserTask(userTaskKey: string, variables: Variables): void {
    const task = this.userTasks.get(userTaskKey);
    if (!task || task.state !== 'CREATED') throw new BrokerError(Status.NOT_FOUND, `user task ${userTaskKey} not found`);
    task.state = 'COMPLETED';
    task.completionDate = this.iso();
    this.proceed(task.instance, task.element, variables);
    this.run(task.instance);
  }
}
