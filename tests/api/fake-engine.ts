/**
 * A small in-memory ProcessEngine for the API tests. It knows no BPMN: a
 * process's human steps are scripted (`script(bpmnProcessId, ...)`) so that
 * the same HTTP scenarios can later run against the real embedded engine
 * and the repair model. `repairScript` mimics the repair chain's user tasks
 * closely enough for the API's rules (sign-off → contact → arrival → result
 * → return visit; extensions counted in instance variables; unsigned orders
 * go to the second unit when the sign-off deadline passes).
 */
import {
  EngineError,
  type Clock,
  type DeployedProcess,
  type DeployResource,
  type InstanceFilter,
  type JobHandler,
  type JobWorker,
  type ProcessEngine,
  type ProcessInstanceView,
  type PublishMessage,
  type StartedInstance,
  type StartOptions,
  type UserTask,
  type UserTaskFilter,
  type UserTaskListener,
  type Variables,
  variableValueCandidates,
} from '../../engine/port.js';

export class FakeClock implements Clock {
  readonly controllable = true;
  constructor(private ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

export interface TaskSpec {
  elementId: string;
  kind: string;
  name?: string;
  candidateGroups?: string[];
  candidateUsers?: string[];
  formId?: string;
  /** Due after this many ms from creation. */
  dueInMs?: number;
  customHeaders?: Record<string, string>;
  /** When the due time passes, the task is canceled (an interrupting boundary timer) and this runs. */
  onDue?: (engine: FakeEngine, instance: ProcessInstanceView) => Promise<void>;
}

export interface Script {
  onStart(engine: FakeEngine, instance: ProcessInstanceView): Promise<void>;
  onComplete?(engine: FakeEngine, instance: ProcessInstanceView, task: UserTask, variables: Variables): Promise<void>;
}

interface Deployment extends DeployedProcess {
  xml: string;
}

const MIN = 60_000;

export class FakeEngine implements ProcessEngine {
  readonly kind = 'embedded' as const;
  readonly clock: FakeClock;
  readonly deployments: Deployment[] = [];
  readonly instances = new Map<string, ProcessInstanceView>();
  readonly tasks = new Map<string, UserTask>();
  private readonly dueHandlers = new Map<string, TaskSpec['onDue']>();
  private readonly listeners: UserTaskListener[] = [];
  private readonly scripts = new Map<string, Script>();
  private seq = 1000;
  /** Makes the next startInstance fail with this error (then clears it). */
  failNextStart: Error | undefined;

  constructor(start = new Date('2026-11-23T10:00:00+08:00')) {
    this.clock = new FakeClock(start.getTime());
  }

  private key(): string {
    this.seq += 1;
    return String(2251799813685248 + this.seq);
  }

  script(bpmnProcessId: string, script: Script): this {
    this.scripts.set(bpmnProcessId, script);
    return this;
  }

  /** Deploys a minimal executable process with this id (for tests that need "a deployed model"). */
  async deployProcess(bpmnProcessId: string, name = bpmnProcessId): Promise<DeployedProcess> {
    const [p] = await this.deploy([{ name: `${bpmnProcessId}.bpmn`, content: minimalBpmn(bpmnProcessId, name) }]);
    return p;
  }

  async deploy(resources: DeployResource[]): Promise<DeployedProcess[]> {
    const out: DeployedProcess[] = [];
    for (const r of resources.filter((x) => x.name.endsWith('.bpmn'))) {
      const processes = [...r.content.matchAll(/<(?:bpmn:)?process\b([^>]*)>/g)].map((m) => m[1]);
      if (!/<(?:bpmn:)?definitions\b/.test(r.content)) throw new EngineError('INVALID', `${r.name}: not BPMN XML`, [{ path: r.name, message: 'not BPMN XML' }]);
      for (const attrs of processes) {
        const id = /\bid="([^"]+)"/.exec(attrs)?.[1];
        if (!id || !/isExecutable="true"/.test(attrs)) continue;
        const name = /\bname="([^"]*)"/.exec(attrs)?.[1] ?? id;
        const latest = this.latest(id);
        if (latest && latest.xml === r.content) {
          out.push({ ...strip(latest), duplicate: true });
          continue;
        }
        const d: Deployment = {
          bpmnProcessId: id,
          version: (latest?.version ?? 0) + 1,
          name,
          deployedAt: this.clock.now().toISOString(),
          processDefinitionKey: this.key(),
          xml: r.content,
        };
        this.deployments.push(d);
        out.push(strip(d));
      }
    }
    return out;
  }

  private latest(id: string): Deployment | undefined {
    return this.deployments.filter((d) => d.bpmnProcessId === id).sort((a, b) => b.version - a.version)[0];
  }

  async listProcesses(): Promise<DeployedProcess[]> {
    return this.deployments.map(strip);
  }

  async getProcessXml(bpmnProcessId: string, version?: number): Promise<string | undefined> {
    const d = version === undefined ? this.latest(bpmnProcessId) : this.deployments.find((x) => x.bpmnProcessId === bpmnProcessId && x.version === version);
    return d?.xml;
  }

  async startInstance(bpmnProcessId: string, variables: Variables, options: StartOptions = {}): Promise<StartedInstance> {
    if (this.failNextStart) {
      const err = this.failNextStart;
      this.failNextStart = undefined;
      throw err;
    }
    const d = options.version === undefined ? this.latest(bpmnProcessId) : this.deployments.find((x) => x.bpmnProcessId === bpmnProcessId && x.version === options.version);
    if (!d) throw new EngineError('NOT_FOUND', `no process ${bpmnProcessId} deployed`);
    const instance: ProcessInstanceView = {
      key: this.key(),
      bpmnProcessId,
      version: d.version,
      state: 'active',
      activeElementIds: ['start'],
      completedElementIds: [],
      incidents: [],
      variables: { ...variables },
      ...(options.businessKey ? { businessKey: options.businessKey } : {}),
      startedAt: this.clock.now().toISOString(),
    };
    this.instances.set(instance.key, instance);
    await this.scripts.get(bpmnProcessId)?.onStart(this, instance);
    return { processInstanceKey: instance.key, bpmnProcessId, version: d.version };
  }

  async cancelInstance(processInstanceKey: string): Promise<void> {
    const instance = this.instances.get(processInstanceKey);
    if (!instance) throw new EngineError('NOT_FOUND', `no instance ${processInstanceKey}`);
    if (instance.state !== 'active') throw new EngineError('NOT_FOUND', `instance ${processInstanceKey} is ${instance.state}`);
    for (const t of this.tasks.values()) {
      if (t.processInstanceKey === processInstanceKey && t.state === 'created') await this.endTask(t, 'canceled');
    }
    instance.state = 'canceled';
    instance.activeElementIds = [];
    instance.endedAt = this.clock.now().toISOString();
  }

  async publishMessage(_message: PublishMessage): Promise<void> {}

  async getInstance(key: string): Promise<ProcessInstanceView | undefined> {
    const i = this.instances.get(key);
    return i ? structuredClone(i) : undefined;
  }

  async listInstances(filter: InstanceFilter): Promise<ProcessInstanceView[]> {
    return [...this.instances.values()]
      .filter((i) => (!filter.bpmnProcessId || i.bpmnProcessId === filter.bpmnProcessId) && (!filter.state || i.state === filter.state))
      .filter((i) => !filter.businessKey || i.businessKey === filter.businessKey)
      .filter((i) => !filter.businessKeys || (i.businessKey !== undefined && filter.businessKeys.includes(i.businessKey)))
      .filter((i) => Object.entries(filter.variables ?? {}).every(([k, v]) => variableValueCandidates(v).includes(i.variables[k] as string)))
      .filter((i) => !filter.text?.term || filter.text.variables.some((k) => String(i.variables[k] ?? '').toLowerCase().includes(filter.text!.term.toLowerCase())))
      .slice(filter.offset ?? 0, (filter.offset ?? 0) + (filter.limit ?? 100))
      .map((i) => structuredClone(i));
  }

  createWorker(type: string, _handler: JobHandler): JobWorker {
    return { type, close: async () => {} };
  }

  /** Opens a user task on an instance (what a BPMN user task does when reached). */
  async openTask(instance: ProcessInstanceView, spec: TaskSpec): Promise<UserTask> {
    const now = this.clock.now();
    const task: UserTask = {
      key: this.key(),
      processInstanceKey: instance.key,
      bpmnProcessId: instance.bpmnProcessId,
      processDefinitionVersion: instance.version,
      elementId: spec.elementId,
      name: spec.name ?? spec.kind,
      kind: spec.kind,
      candidateGroups: spec.candidateGroups ?? [],
      candidateUsers: spec.candidateUsers ?? [],
      ...(spec.formId ? { formId: spec.formId } : {}),
      ...(spec.dueInMs !== undefined ? { dueDate: new Date(now.getTime() + spec.dueInMs).toISOString() } : {}),
      customHeaders: { kind: spec.kind, ...(spec.customHeaders ?? {}) },
      variables: { ...instance.variables },
      ...(instance.businessKey ? { businessKey: instance.businessKey } : {}),
      state: 'created',
      createdAt: now.toISOString(),
    };
    this.tasks.set(task.key, task);
    if (spec.onDue) this.dueHandlers.set(task.key, spec.onDue);
    instance.activeElementIds = [...instance.activeElementIds.filter((e) => e !== 'start'), spec.elementId];
    await this.emit({ type: 'created', task: structuredClone(task) });
    return task;
  }

  /** Ends the instance (an end event). */
  finish(instance: ProcessInstanceView): void {
    instance.state = 'completed';
    instance.activeElementIds = [];
    instance.endedAt = this.clock.now().toISOString();
  }

  async searchUserTasks(filter: UserTaskFilter): Promise<UserTask[]> {
    return [...this.tasks.values()]
      .filter((t) => !filter.state || t.state === filter.state)
      .filter((t) => !filter.processInstanceKey || t.processInstanceKey === filter.processInstanceKey)
      .filter((t) => !filter.businessKey || t.businessKey === filter.businessKey)
      .filter((t) => !filter.kind || t.kind === filter.kind)
      .filter((t) => !filter.assignee || t.assignee === filter.assignee)
      .filter((t) => {
        if (!filter.candidateGroupsAny && !filter.candidateUser) return true;
        const byGroup = (filter.candidateGroupsAny ?? []).some((g) => t.candidateGroups.includes(g));
        const byUser = filter.candidateUser !== undefined && t.candidateUsers.includes(filter.candidateUser);
        return byGroup || byUser;
      })
      .slice(0, filter.limit ?? 1000)
      .map((t) => structuredClone(t));
  }

  async getUserTask(key: string): Promise<UserTask | undefined> {
    const t = this.tasks.get(key);
    return t ? structuredClone(t) : undefined;
  }

  async assignUserTask(key: string, assignee: string | undefined): Promise<UserTask> {
    const t = this.tasks.get(key);
    if (!t) throw new EngineError('NOT_FOUND', `no task ${key}`);
    if (t.state !== 'created') throw new EngineError('CONFLICT', `task ${key} is ${t.state}`);
    if (assignee === undefined) delete t.assignee;
    else t.assignee = assignee;
    return structuredClone(t);
  }

  async completeUserTask(key: string, variables: Variables, completedBy?: string): Promise<void> {
    const t = this.tasks.get(key);
    if (!t) throw new EngineError('NOT_FOUND', `no task ${key}`);
    if (t.state !== 'created') throw new EngineError('CONFLICT', `task ${key} is ${t.state}`);
    const instance = this.instances.get(t.processInstanceKey);
    if (!instance) throw new EngineError('NOT_FOUND', `no instance ${t.processInstanceKey}`);
    Object.assign(instance.variables, variables);
    if (completedBy) t.completedBy = completedBy;
    await this.endTask(t, 'completed');
    await this.scripts.get(instance.bpmnProcessId)?.onComplete?.(this, instance, structuredClone(t), variables);
  }

  private async endTask(t: UserTask, state: 'completed' | 'canceled'): Promise<void> {
    t.state = state;
    t.completedAt = this.clock.now().toISOString();
    this.dueHandlers.delete(t.key);
    const instance = this.instances.get(t.processInstanceKey);
    if (instance) {
      instance.activeElementIds = instance.activeElementIds.filter((e) => e !== t.elementId);
      instance.completedElementIds.push(t.elementId);
    }
    await this.emit({ type: state, task: structuredClone(t) } as Parameters<UserTaskListener>[0]);
  }

  onUserTaskEvent(listener: UserTaskListener): void {
    this.listeners.push(listener);
  }

  private async emit(event: Parameters<UserTaskListener>[0]): Promise<void> {
    for (const l of this.listeners) await l(event);
  }

  async advanceClock(by: { addMs?: number; pin?: Date }): Promise<Date> {
    const now = this.clock.now().getTime();
    const target = by.pin ? by.pin.getTime() : now + (by.addMs ?? 0);
    if (target < now) throw new RangeError('the clock only moves forward');
    // Fire due "boundary timers" in due order, each at its own time.
    for (;;) {
      const due = [...this.tasks.values()]
        .filter((t) => t.state === 'created' && t.dueDate && this.dueHandlers.has(t.key) && Date.parse(t.dueDate) <= target)
        .sort((a, b) => Date.parse(a.dueDate as string) - Date.parse(b.dueDate as string))[0];
      if (!due) break;
      this.clock.set(Math.max(this.clock.now().getTime(), Date.parse(due.dueDate as string)));
      const handler = this.dueHandlers.get(due.key);
      await this.endTask(due, 'canceled');
      const instance = this.instances.get(due.processInstanceKey);
      if (handler && instance) await handler(this, instance);
    }
    this.clock.set(target);
    return this.clock.now();
  }

  async idle(): Promise<void> {}

  async close(): Promise<void> {}
}

function strip(d: Deployment): DeployedProcess {
  return { bpmnProcessId: d.bpmnProcessId, version: d.version, name: d.name, deployedAt: d.deployedAt, processDefinitionKey: d.processDefinitionKey };
}

export function minimalBpmn(id: string, name = id): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" name="${name}" isExecutable="true">
    <bpmn:startEvent id="start" />
  </bpmn:process>
</bpmn:definitions>`;
}

/**
 * The repair chain's human steps, as the repair model is specified
 * (R-REP-1..12): sign-off by the first unit in 8 min, else the second unit,
 * else manual supervision; contact, arrival, result (extensions counted),
 * return visit.
 */
export const repairScript: Script = {
  async onStart(engine, instance) {
    const first = String(instance.variables.firstUnitId);
    const second = instance.variables.secondUnitId ? String(instance.variables.secondUnitId) : undefined;
    const supervision = async (e: FakeEngine, i: ProcessInstanceView) => {
      await e.openTask(i, { elementId: 'manualSupervision', kind: 'manual-supervision', candidateGroups: ['supervisor'], formId: 'manual-supervision' });
    };
    await engine.openTask(instance, {
      elementId: 'signOff',
      kind: 'sign-off',
      name: '签收 Sign off',
      candidateGroups: [`unit:${first}`],
      formId: 'sign-off',
      dueInMs: 8 * MIN,
      onDue: second
        ? async (e, i) => {
            i.variables.assignedUnitId = second;
            await e.openTask(i, {
              elementId: 'signOffSecond',
              kind: 'sign-off',
              name: '签收 Sign off (second unit)',
              candidateGroups: [`unit:${second}`],
              formId: 'sign-off',
              dueInMs: 8 * MIN,
              onDue: supervision,
            });
          }
        : supervision,
    });
  },
  async onComplete(engine, instance, task, variables) {
    const unit = task.candidateGroups.find((g) => g.startsWith('unit:')) ?? `unit:${String(instance.variables.firstUnitId)}`;
    switch (task.kind) {
      case 'sign-off':
        await engine.openTask(instance, { elementId: 'contactResident', kind: 'contact-resident', candidateGroups: [unit], formId: 'contact-resident', dueInMs: 60 * MIN });
        return;
      case 'contact-resident':
        await engine.openTask(instance, { elementId: 'confirmArrival', kind: 'confirm-arrival', candidateGroups: [unit, 'technician'], dueInMs: 60 * MIN });
        return;
      case 'confirm-arrival':
        await openReportResult(engine, instance, unit);
        return;
      case 'report-result':
        if (variables.result === 'extension') {
          instance.variables.extensionCount = Number(instance.variables.extensionCount ?? 0) + 1;
          instance.variables.extensionDaysTotal = Number(instance.variables.extensionDaysTotal ?? 0) + Number(variables.extensionDays ?? 0);
          await openReportResult(engine, instance, unit);
        } else if (variables.result === 'repaired') {
          await engine.openTask(instance, { elementId: 'returnVisit', kind: 'return-visit', candidateGroups: ['dispatcher'], formId: 'return-visit' });
        } else engine.finish(instance);
        return;
      case 'return-visit':
        if (variables.satisfied === false) await this.onStart(engine, instance);
        else engine.finish(instance);
        return;
      default:
        engine.finish(instance);
    }
  },
};

async function openReportResult(engine: FakeEngine, instance: ProcessInstanceView, unit: string): Promise<void> {
  await engine.openTask(instance, {
    elementId: 'reportResult',
    kind: 'report-result',
    candidateGroups: [unit],
    formId: 'report-result',
    dueInMs: 4 * 24 * 60 * MIN,
    customHeaders: { maxExtensions: '2', maxExtensionDays: '14' },
  });
}
