/**
 * The embedded adapter of the engine port: bpmn-engine in this process,
 * durable in MongoDB.
 *
 * Every change to an instance runs under a per-instance lock as
 *   load (hot cache or recover) → apply → fire due timers → snapshot →
 *   save (revision-guarded, one document) → reconcile projections
 * so that after a crash the instance document alone says what is pending:
 * its jobs, user tasks, timers and message subscriptions.
 */
import { createHash, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Connection } from 'mongoose';
import { ControlledClock, parseIsoDuration, realNow } from '../clock.js';
import {
  EngineError,
  type Clock,
  type DeployResource,
  type DeployedProcess,
  type Incident,
  type InstanceFilter,
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
} from '../port.js';
import { ModelError, readModel, type ProcessModel } from './model.js';
import { InstanceRuntime, RuntimeError, type RuntimeSnapshot } from './runtime.js';
import { engineModels, subscriptionKey, type EngineModels, type InstanceDoc, type JobDoc, type UserTaskDoc } from './store.js';

export interface EmbeddedEngineOptions {
  connection: Connection;
  clock: Clock;
  /** Instances kept in memory between operations (≈ 1–2 MiB each). */
  cacheSize?: number;
  /** How often the timer scheduler looks for due timers, in real ms. */
  schedulerIntervalMs?: number;
  logger?: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
}

interface CacheEntry {
  runtime: InstanceRuntime;
  rev: number;
}

interface OperationContext {
  doc: InstanceDoc;
  incidents: Incident[];
  completions: { key: string; by?: string }[];
}

const MAX_RECENT_COMPLETIONS = 20;

function keyGenerator(): () => string {
  let seq = randomInt(0, 1000);
  return () => {
    seq = (seq + 1) % 1000;
    return String(BigInt(realNow()) * 1000n + BigInt(seq));
  };
}

function toDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' && !(value instanceof Date)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export class EmbeddedEngine implements ProcessEngine {
  readonly kind = 'embedded' as const;
  readonly clock: Clock;

  private readonly m: EngineModels;
  private readonly models = new Map<string, Promise<ProcessModel>>();
  private readonly cache = new Map<string, CacheEntry>();
  private readonly cacheSize: number;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly taskListeners: UserTaskListener[] = [];
  private readonly workers = new Set<InProcessWorker>();
  private readonly jobSignal = new EventEmitter();
  private readonly newKey = keyGenerator();
  private readonly logger: NonNullable<EmbeddedEngineOptions['logger']>;
  private readonly schedulerIntervalMs: number;
  private schedulerTimer: NodeJS.Timeout | undefined;
  private schedulerRunning: Promise<void> | undefined;
  private inflight = 0;
  private jobSeq = 0;
  private closed = false;

  constructor(private readonly options: EmbeddedEngineOptions) {
    this.clock = options.clock;
    this.m = engineModels(options.connection);
    this.cacheSize = options.cacheSize ?? 200;
    this.schedulerIntervalMs = options.schedulerIntervalMs ?? 250;
    this.logger = options.logger ?? { info() {}, warn() {}, error() {} };
    this.jobSignal.setMaxListeners(0);
  }

  /** Creates indexes, follows through interrupted writes, frees jobs of a dead process, starts the scheduler. */
  async start(): Promise<void> {
    await Promise.all(Object.values(this.m).map((model) => model.init()));
    this.jobSeq = realNow();
    // In a single-node runtime, a job still locked at start-up belonged to a process that is gone.
    await this.m.Job.updateMany({ state: 'activated' }, { $set: { state: 'activatable', availableAt: 0, lockedUntil: 0 } });
    const dirty = await this.m.Instance.find({ dirty: true }).lean<InstanceDoc[]>();
    for (const doc of dirty) {
      await this.lock(doc._id, () => this.reconcile(doc));
    }
    if (dirty.length) this.logger.info(`engine: followed through ${dirty.length} interrupted instance write(s)`);
    this.scheduleTick(0);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.schedulerTimer) clearTimeout(this.schedulerTimer);
    await Promise.all([...this.workers].map((w) => w.close()));
    await this.schedulerRunning;
    await Promise.allSettled([...this.locks.values()]);
    this.cache.clear();
  }

  /* ----------------------------------------------------------- deploying */

  async deploy(resources: DeployResource[]): Promise<DeployedProcess[]> {
    const results: DeployedProcess[] = [];
    const bpmn = resources.filter((r) => r.name.endsWith('.bpmn') || r.content.includes('<bpmn:definitions') || r.content.includes('<definitions'));
    const forms = resources.filter((r) => r.name.endsWith('.form'));
    const parsed: { resource: DeployResource; model: ProcessModel }[] = [];
    for (const resource of bpmn) {
      try {
        for (const model of await readModel(resource.content)) parsed.push({ resource, model });
      } catch (err) {
        if (err instanceof ModelError) throw new EngineError('INVALID', `${resource.name}: ${err.message}`, [{ path: resource.name, message: err.message }]);
        throw err;
      }
    }
    for (const form of forms) await this.deployForm(form);
    for (const { resource, model } of parsed) {
      const hash = createHash('sha256').update(resource.content).digest('hex');
      const latest = await this.m.Deployment.findOne({ bpmnProcessId: model.bpmnProcessId }).sort({ version: -1 }).lean();
      if (latest && latest.hash === hash) {
        results.push({ ...this.describe(latest), duplicate: true });
        continue;
      }
      const doc = {
        _id: this.newKey(),
        bpmnProcessId: model.bpmnProcessId,
        version: (latest?.version ?? 0) + 1,
        name: model.name,
        resourceName: resource.name,
        xml: resource.content,
        hash,
        deployedAt: this.clock.now(),
      };
      await this.m.Deployment.create(doc);
      this.models.set(doc._id, Promise.resolve(model));
      results.push(this.describe(doc));
    }
    return results;
  }

  private async deployForm(resource: DeployResource): Promise<void> {
    let formId: string;
    try {
      const parsed = JSON.parse(resource.content) as { id?: unknown };
      if (typeof parsed.id !== 'string' || !parsed.id) throw new Error('a form needs an "id"');
      formId = parsed.id;
    } catch (err) {
      throw new EngineError('INVALID', `${resource.name}: ${(err as Error).message}`, [{ path: resource.name, message: (err as Error).message }]);
    }
    const hash = createHash('sha256').update(resource.content).digest('hex');
    const latest = await this.m.Form.findOne({ formId }).sort({ version: -1 }).lean();
    if (latest?.hash === hash) return;
    const version = (latest?.version ?? 0) + 1;
    await this.m.Form.create({ _id: `${formId}:${version}`, formId, version, content: resource.content, hash, deployedAt: this.clock.now() });
  }

  /** The latest deployed version of a Camunda form (form-js JSON). */
  async getForm(formId: string): Promise<unknown | undefined> {
    const doc = await this.m.Form.findOne({ formId }).sort({ version: -1 }).lean();
    return doc ? (JSON.parse(doc.content) as unknown) : undefined;
  }

  private describe(doc: { _id: string; bpmnProcessId: string; version: number; name: string; deployedAt: Date }): DeployedProcess {
    return {
      bpmnProcessId: doc.bpmnProcessId,
      version: doc.version,
      name: doc.name,
      deployedAt: new Date(doc.deployedAt).toISOString(),
      processDefinitionKey: doc._id,
    };
  }

  async listProcesses(): Promise<DeployedProcess[]> {
    const docs = await this.m.Deployment.find({}, { xml: 0 }).sort({ bpmnProcessId: 1, version: 1 }).lean();
    return docs.map((d) => this.describe(d));
  }

  async getProcessXml(bpmnProcessId: string, version?: number): Promise<string | undefined> {
    const query = version === undefined ? { bpmnProcessId } : { bpmnProcessId, version };
    const doc = await this.m.Deployment.findOne(query).sort({ version: -1 }).lean();
    return doc?.xml;
  }

  private model(definitionKey: string): Promise<ProcessModel> {
    let p = this.models.get(definitionKey);
    if (!p) {
      p = (async () => {
        const doc = await this.m.Deployment.findById(definitionKey).lean();
        if (!doc) throw new EngineError('NOT_FOUND', `process definition ${definitionKey} not found`);
        const [model] = await readModel(doc.xml);
        return model as ProcessModel;
      })();
      p.catch(() => this.models.delete(definitionKey));
      this.models.set(definitionKey, p);
    }
    return p;
  }

  /* ----------------------------------------------------------- instances */

  async startInstance(bpmnProcessId: string, variables: Variables, options: StartOptions = {}): Promise<StartedInstance> {
    const query = options.version === undefined ? { bpmnProcessId } : { bpmnProcessId, version: options.version };
    const def = await this.m.Deployment.findOne(query, { xml: 0 }).sort({ version: -1 }).lean();
    if (!def) throw new EngineError('NOT_FOUND', `process '${bpmnProcessId}' is not deployed`);
    const model = await this.model(def._id);
    const key = this.newKey();
    await this.lock(key, async () => {
      const runtime = await InstanceRuntime.start(model, variables, () => this.clock.now().getTime());
      await runtime.fireDueTimers();
      const snap = await runtime.snapshot();
      const doc: InstanceDoc = {
        _id: key,
        bpmnProcessId: def.bpmnProcessId,
        version: def.version,
        definitionKey: def._id,
        ...(options.businessKey ? { businessKey: options.businessKey } : {}),
        ...this.persisted(snap, []),
        incidents: snap.state === 'incident' ? [this.engineIncident(snap)] : [],
        recentCompletions: [],
        dirty: true,
        rev: 1,
        startedAt: this.clock.now(),
        ...(snap.state === 'completed' ? { endedAt: this.clock.now() } : {}),
      };
      await this.m.Instance.create(doc);
      this.remember(key, runtime, 1, snap);
      await this.reconcile(doc);
    });
    return { processInstanceKey: key, bpmnProcessId: def.bpmnProcessId, version: def.version };
  }

  async cancelInstance(processInstanceKey: string): Promise<void> {
    await this.withInstance(processInstanceKey, async (runtime) => {
      if (runtime.state === 'completed' || runtime.state === 'canceled') {
        throw new EngineError('CONFLICT', `instance ${processInstanceKey} has already ended`);
      }
      await runtime.cancel();
    });
  }

  async getInstance(processInstanceKey: string): Promise<ProcessInstanceView | undefined> {
    const doc = await this.m.Instance.findById(processInstanceKey, { engineState: 0 }).lean<InstanceDoc>();
    return doc ? this.view(doc) : undefined;
  }

  async listInstances(filter: InstanceFilter): Promise<ProcessInstanceView[]> {
    const query: Record<string, unknown> = {};
    if (filter.bpmnProcessId) query.bpmnProcessId = filter.bpmnProcessId;
    if (filter.state) query.state = filter.state;
    if (filter.businessKey) query.businessKey = filter.businessKey;
    const docs = await this.m.Instance.find(query, { engineState: 0 })
      .sort({ startedAt: -1 })
      .limit(Math.min(filter.limit ?? 100, 1000))
      .lean<InstanceDoc[]>();
    return docs.map((d) => this.view(d));
  }

  private view(doc: InstanceDoc): ProcessInstanceView {
    return {
      key: doc._id,
      bpmnProcessId: doc.bpmnProcessId,
      version: doc.version,
      state: doc.state,
      activeElementIds: doc.activeElementIds ?? [],
      completedElementIds: doc.completedElementIds ?? [],
      incidents: doc.incidents ?? [],
      variables: doc.variables ?? {},
      ...(doc.businessKey ? { businessKey: doc.businessKey } : {}),
      startedAt: new Date(doc.startedAt).toISOString(),
      ...(doc.endedAt ? { endedAt: new Date(doc.endedAt).toISOString() } : {}),
    };
  }

  /** Clears an incident: the failed job gets `retries` again (Zeebe's update-retries + resolve). */
  async resolveIncident(processInstanceKey: string, incidentKey: string, retries = 1): Promise<void> {
    await this.withInstance(processInstanceKey, async (_runtime, ctx) => {
      const incident = ctx.incidents.find((i) => i.key === incidentKey);
      if (!incident) throw new EngineError('NOT_FOUND', `incident ${incidentKey} not found`);
      ctx.incidents = ctx.incidents.filter((i) => i.key !== incidentKey);
      if (incident.jobKey) {
        await this.m.Job.updateOne(
          { _id: incident.jobKey },
          { $set: { state: 'activatable', retries, availableAt: 0, lockedUntil: 0 }, $unset: { errorMessage: 1 } },
        );
      }
    });
    this.jobSignal.emit('job');
  }

  /* ------------------------------------------------------------ messages */

  async publishMessage(message: PublishMessage): Promise<void> {
    const ttlMs =
      typeof message.timeToLive === 'number' ? message.timeToLive : message.timeToLive ? parseIsoDuration(message.timeToLive) ?? 0 : 0;
    const delivered = await this.correlate(message.name, message.correlationKey, message.variables ?? {});
    if (delivered || ttlMs <= 0) return;
    const id = message.messageId ?? this.newKey();
    await this.m.Message.updateOne(
      { _id: id },
      {
        $setOnInsert: {
          name: message.name,
          correlationKey: message.correlationKey,
          variables: message.variables ?? {},
          publishedAt: this.clock.now(),
          expiresAt: new Date(this.clock.now().getTime() + ttlMs),
        },
      },
      { upsert: true },
    );
  }

  private async correlate(name: string, correlationKey: string, variables: Variables): Promise<boolean> {
    const docs = await this.m.Instance.find(
      { subscriptionKeys: subscriptionKey(name, correlationKey) },
      { _id: 1 },
    ).lean<{ _id: string }[]>();
    let delivered = false;
    for (const { _id } of docs) {
      await this.withInstance(_id, async (runtime, ctx) => {
        const sub = ctx.doc.subscriptions.find((s) => s.messageName === name && s.correlationKey === correlationKey);
        if (!sub) return;
        await runtime.correlate(sub.key, variables);
        delivered = true;
      }).catch((err: unknown) => {
        if (!(err instanceof RuntimeError)) throw err;
      });
    }
    return delivered;
  }

  /* ---------------------------------------------------------------- jobs */

  createWorker(type: string, handler: JobHandler, options: WorkerOptions = {}): JobWorker {
    const worker = new InProcessWorker(this, type, handler, options);
    this.workers.add(worker);
    worker.start();
    return worker;
  }

  /** @internal used by workers: atomically locks up to `max` jobs of a type. */
  async activateJobs(type: string, max: number, timeoutMs: number, workerName: string): Promise<Job[]> {
    const jobs: Job[] = [];
    for (let i = 0; i < max; i++) {
      const now = realNow();
      const doc = await this.m.Job.findOneAndUpdate(
        {
          type,
          $or: [
            { state: 'activatable', availableAt: { $lte: now } },
            { state: 'activated', lockedUntil: { $lte: now } },
          ],
        },
        { $set: { state: 'activated', lockedUntil: now + timeoutMs, worker: workerName }, $inc: { deliveries: 1 } },
        { sort: { seq: 1 }, returnDocument: 'after' },
      ).lean<JobDoc>();
      if (!doc) break;
      jobs.push({
        key: doc._id,
        type: doc.type,
        processInstanceKey: doc.instanceKey,
        bpmnProcessId: doc.bpmnProcessId,
        processDefinitionVersion: doc.version,
        elementId: doc.elementId,
        retries: doc.retries,
        deadline: doc.lockedUntil,
        customHeaders: doc.headers ?? {},
        variables: doc.variables ?? {},
      });
    }
    return jobs;
  }

  async completeJob(jobKey: string, variables: Variables): Promise<void> {
    const job = await this.m.Job.findById(jobKey).lean<JobDoc>();
    if (!job) throw new EngineError('NOT_FOUND', `job ${jobKey} not found (completed or canceled)`);
    try {
      await this.withInstance(job.instanceKey, (runtime) => runtime.completeJob(job.executionId, variables));
    } catch (err) {
      if (err instanceof RuntimeError) {
        await this.m.Job.deleteOne({ _id: jobKey });
        throw new EngineError('NOT_FOUND', `job ${jobKey} is no longer active`);
      }
      throw err;
    }
  }

  async failJob(jobKey: string, message: string, retries?: number, retryBackOffMs = 0): Promise<void> {
    const job = await this.m.Job.findById(jobKey).lean<JobDoc>();
    if (!job) throw new EngineError('NOT_FOUND', `job ${jobKey} not found`);
    const left = retries ?? job.retries - 1;
    if (left > 0) {
      await this.m.Job.updateOne(
        { _id: jobKey },
        { $set: { state: 'activatable', retries: left, availableAt: realNow() + retryBackOffMs, lockedUntil: 0, errorMessage: message } },
      );
      return;
    }
    await this.withInstance(job.instanceKey, async (_runtime, ctx) => {
      await this.m.Job.updateOne({ _id: jobKey }, { $set: { state: 'failed', retries: 0, errorMessage: message, lockedUntil: 0 } });
      if (!ctx.incidents.some((i) => i.jobKey === jobKey)) {
        ctx.incidents.push({
          key: this.newKey(),
          elementId: job.elementId,
          message: `${job.type}: ${message}`,
          jobKey,
          createdAt: this.clock.now().toISOString(),
        });
      }
    });
  }

  async throwJobError(jobKey: string, errorCode: string, message = '', variables: Variables = {}): Promise<void> {
    const job = await this.m.Job.findById(jobKey).lean<JobDoc>();
    if (!job) throw new EngineError('NOT_FOUND', `job ${jobKey} not found`);
    await this.withInstance(job.instanceKey, async (runtime, ctx) => {
      const caught = await runtime.throwError(job.executionId, errorCode, message, variables);
      if (!caught) {
        await this.m.Job.updateOne({ _id: jobKey }, { $set: { state: 'failed', retries: 0, errorMessage: message } });
        ctx.incidents.push({
          key: this.newKey(),
          elementId: job.elementId,
          message: `Unhandled BPMN error '${errorCode}'${message ? `: ${message}` : ''}`,
          jobKey,
          createdAt: this.clock.now().toISOString(),
        });
      }
    });
  }

  /* ---------------------------------------------------------- user tasks */

  onUserTaskEvent(listener: UserTaskListener): void {
    this.taskListeners.push(listener);
  }

  async searchUserTasks(filter: UserTaskFilter): Promise<UserTask[]> {
    const query: Record<string, unknown> = {};
    if (filter.state) query.state = filter.state;
    if (filter.processInstanceKey) query.processInstanceKey = filter.processInstanceKey;
    if (filter.businessKey) query.businessKey = filter.businessKey;
    if (filter.kind) query.kind = filter.kind;
    if (filter.assignee) query.assignee = filter.assignee;
    const or: Record<string, unknown>[] = [];
    if (filter.candidateGroupsAny?.length) or.push({ candidateGroups: { $in: filter.candidateGroupsAny } });
    if (filter.candidateUser) {
      or.push({ candidateUsers: filter.candidateUser });
      or.push({ assignee: filter.candidateUser });
    }
    if (or.length) query.$or = or;
    const docs = await this.m.UserTask.find(query)
      .sort({ createdAt: 1 })
      .limit(Math.min(filter.limit ?? 500, 5000))
      .lean<UserTaskDoc[]>();
    return docs.map(taskView);
  }

  async getUserTask(key: string): Promise<UserTask | undefined> {
    const doc = await this.m.UserTask.findById(key).lean<UserTaskDoc>();
    return doc ? taskView(doc) : undefined;
  }

  async assignUserTask(key: string, assignee: string | undefined): Promise<UserTask> {
    const update = assignee === undefined ? { $unset: { assignee: 1 } } : { $set: { assignee } };
    const doc = await this.m.UserTask.findOneAndUpdate({ _id: key, state: 'created' }, update, { returnDocument: 'after' }).lean<UserTaskDoc>();
    if (!doc) {
      const exists = await this.m.UserTask.exists({ _id: key });
      throw new EngineError(exists ? 'CONFLICT' : 'NOT_FOUND', exists ? `user task ${key} is not open` : `user task ${key} not found`);
    }
    return taskView(doc);
  }

  async completeUserTask(key: string, variables: Variables, completedBy?: string): Promise<void> {
    const task = await this.m.UserTask.findById(key).lean<UserTaskDoc>();
    if (!task) throw new EngineError('NOT_FOUND', `user task ${key} not found`);
    if (task.state !== 'created') throw new EngineError('CONFLICT', `user task ${key} is already ${task.state}`);
    await this.withInstance(task.processInstanceKey, async (runtime, ctx) => {
      if (!runtime.hasUserTask(task.executionId)) throw new EngineError('CONFLICT', `user task ${key} is no longer active`);
      await runtime.completeUserTask(task.executionId, variables);
      ctx.completions.push({ key, ...(completedBy ? { by: completedBy } : {}) });
    });
  }

  /* --------------------------------------------------------------- clock */

  async advanceClock(by: { addMs?: number; pin?: Date }): Promise<Date> {
    const clock = this.clock;
    if (!(clock instanceof ControlledClock)) throw new EngineError('NOT_FOUND', 'the clock is not controllable');
    try {
      if (by.pin) clock.pin(by.pin);
      if (by.addMs !== undefined) clock.add(by.addMs);
    } catch (err) {
      throw new EngineError('INVALID', (err as Error).message, [{ path: by.pin ? 'pin' : 'add', message: (err as Error).message }]);
    }
    await this.runDueTimers();
    return clock.now();
  }

  /** Fires every due timer (repeatedly, as firing can arm new due ones). */
  async runDueTimers(): Promise<number> {
    if (this.schedulerRunning) await this.schedulerRunning;
    let total = 0;
    const run = (async () => {
      for (let round = 0; round < 100; round++) {
        const due = await this.m.Instance.find(
          { nextDueAt: { $ne: null, $lte: this.clock.now() }, state: { $in: ['active', 'incident'] } },
          { _id: 1 },
        )
          .sort({ nextDueAt: 1 })
          .limit(500)
          .lean<{ _id: string }[]>();
        if (due.length === 0) break;
        for (const { _id } of due) {
          await this.withInstance(_id, async (runtime) => {
            total += await runtime.fireDueTimers();
          }).catch((err: unknown) => this.logger.error(`engine: timer of instance ${_id} failed: ${(err as Error).message}`));
        }
      }
    })();
    this.schedulerRunning = run.then(() => undefined);
    try {
      await run;
    } finally {
      this.schedulerRunning = undefined;
    }
    return total;
  }

  private scheduleTick(delay: number): void {
    if (this.closed) return;
    this.schedulerTimer = setTimeout(() => {
      void this.runDueTimers()
        .catch((err: unknown) => this.logger.error(`engine: scheduler: ${(err as Error).message}`))
        .finally(() => this.scheduleTick(this.schedulerIntervalMs));
    }, delay);
    this.schedulerTimer.unref();
  }

  async idle(timeoutMs = 30_000): Promise<void> {
    const until = realNow() + timeoutMs;
    let quietRounds = 0;
    while (realNow() < until) {
      await this.runDueTimers();
      const types = [...new Set([...this.workers].map((w) => w.type))];
      const now = realNow();
      const pendingJobs = types.length
        ? await this.m.Job.countDocuments({
            type: { $in: types },
            $or: [{ state: 'activatable', availableAt: { $lte: now } }, { state: 'activated' }],
          })
        : 0;
      const busy = this.inflight > 0 || this.locks.size > 0 || [...this.workers].some((w) => w.busy);
      if (pendingJobs === 0 && !busy) {
        if (++quietRounds >= 2) return;
      } else {
        quietRounds = 0;
        if (pendingJobs > 0) this.jobSignal.emit('job');
      }
      await new Promise((resolve) => setTimeout(resolve, pendingJobs > 0 || busy ? 5 : 1));
    }
    throw new EngineError('UNAVAILABLE', `engine not idle after ${timeoutMs} ms`);
  }

  /** @internal */
  waitForJobs(type: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.jobSignal.off('job', done);
        this.jobSignal.off(`job:${type}`, done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.jobSignal.on('job', done);
      this.jobSignal.on(`job:${type}`, done);
    });
  }

  /** @internal */
  trackInflight(delta: number): void {
    this.inflight += delta;
  }

  /* ------------------------------------------------------------ the core */

  private async lock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  private async withInstance(key: string, fn: (runtime: InstanceRuntime, ctx: OperationContext) => Promise<void>): Promise<void> {
    await this.lock(key, async () => {
      const doc = await this.m.Instance.findById(key).lean<InstanceDoc>();
      if (!doc) throw new EngineError('NOT_FOUND', `process instance ${key} not found`);
      let entry = this.cache.get(key);
      if (!entry || entry.rev !== doc.rev) {
        const model = await this.model(doc.definitionKey);
        const runtime = await InstanceRuntime.recover(
          model,
          {
            engineState: doc.engineState ? (JSON.parse(doc.engineState) as unknown) : null,
            variables: doc.variables ?? {},
            completedElementIds: doc.completedElementIds ?? [],
            state: doc.state === 'incident' ? 'active' : doc.state,
          },
          () => this.clock.now().getTime(),
        );
        entry = { runtime, rev: doc.rev };
      }
      const runtime = entry.runtime;
      const ctx: OperationContext = { doc, incidents: [...(doc.incidents ?? [])], completions: [] };
      try {
        await fn(runtime, ctx);
        await runtime.fireDueTimers();
      } catch (err) {
        // The runtime may be half-changed: drop it, the stored state stays as it was.
        this.cache.delete(key);
        throw err;
      }
      const snap = await runtime.snapshot();
      if (snap.state === 'incident' && !ctx.incidents.some((i) => !i.jobKey)) ctx.incidents.push(this.engineIncident(snap));
      const completions = [
        ...ctx.completions.map((c) => ({ ...c, at: this.clock.now() })),
        ...(doc.recentCompletions ?? []),
      ].slice(0, MAX_RECENT_COMPLETIONS);
      const ended = snap.state === 'completed' || snap.state === 'canceled';
      const update: Partial<InstanceDoc> = {
        ...this.persisted(snap, ctx.incidents),
        incidents: ctx.incidents,
        recentCompletions: completions,
        dirty: true,
        rev: doc.rev + 1,
        ...(ended && !doc.endedAt ? { endedAt: this.clock.now() } : {}),
      };
      const res = await this.m.Instance.updateOne({ _id: key, rev: doc.rev }, { $set: update });
      if (res.matchedCount !== 1) {
        this.cache.delete(key);
        throw new EngineError('CONFLICT', `process instance ${key} was changed concurrently`);
      }
      this.remember(key, runtime, doc.rev + 1, snap);
      await this.reconcile({ ...doc, ...update } as InstanceDoc);
    });
  }

  private engineIncident(snap: RuntimeSnapshot): Incident {
    return {
      key: this.newKey(),
      elementId: snap.activeElementIds[0] ?? '',
      message: snap.incidentMessage ?? 'engine error',
      createdAt: this.clock.now().toISOString(),
    };
  }

  private persisted(snap: RuntimeSnapshot, incidents: Incident[]) {
    const open = snap.state === 'active' || snap.state === 'incident';
    const state: InstanceDoc['state'] = open && incidents.length > 0 ? 'incident' : snap.state;
    const nextDueAt = open && snap.timers.length ? new Date(Math.min(...snap.timers.map((t) => t.dueAt))) : null;
    return {
      state,
      engineState: open && snap.engineState ? JSON.stringify(snap.engineState) : null,
      variables: snap.variables,
      jobs: snap.jobs,
      userTasks: snap.userTasks,
      timers: snap.timers,
      nextDueAt,
      subscriptions: snap.subscriptions,
      subscriptionKeys: snap.subscriptions.map((s) => subscriptionKey(s.messageName, s.correlationKey)),
      activeElementIds: snap.activeElementIds,
      completedElementIds: snap.completedElementIds,
    };
  }

  private remember(key: string, runtime: InstanceRuntime, rev: number, snap: RuntimeSnapshot): void {
    this.cache.delete(key);
    if (snap.state === 'completed' || snap.state === 'canceled' || this.cacheSize <= 0) return;
    this.cache.set(key, { runtime, rev });
    while (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }

  /** Brings jobs, user tasks and message buffers in line with the instance document. */
  private async reconcile(doc: InstanceDoc): Promise<void> {
    const key = doc._id;
    const open = doc.state === 'active' || doc.state === 'incident';
    const jobs = open ? doc.jobs : [];
    const tasks = open ? doc.userTasks : [];
    const now = this.clock.now();

    // Jobs
    const jobKeys = jobs.map((j) => `${key}-${j.key}`);
    await this.m.Job.deleteMany({ instanceKey: key, _id: { $nin: jobKeys } });
    let newJobs = false;
    for (const job of jobs) {
      const res = await this.m.Job.updateOne(
        { _id: `${key}-${job.key}` },
        {
          $setOnInsert: {
            instanceKey: key,
            executionId: job.key,
            type: job.type,
            elementId: job.elementId,
            bpmnProcessId: doc.bpmnProcessId,
            version: doc.version,
            retries: job.retries,
            headers: job.headers,
            variables: job.variables,
            state: 'activatable',
            availableAt: 0,
            lockedUntil: 0,
            deliveries: 0,
            seq: ++this.jobSeq,
          },
        },
        { upsert: true },
      );
      if (res.upsertedCount) {
        newJobs = true;
        this.jobSignal.emit(`job:${job.type}`);
      }
    }

    // User tasks
    const taskKeys = new Set(tasks.map((t) => `${key}-${t.key}`));
    const openDocs = await this.m.UserTask.find({ processInstanceKey: key, state: 'created' }).lean<UserTaskDoc[]>();
    const events: { type: 'created' | 'completed' | 'canceled'; doc: UserTaskDoc }[] = [];
    for (const t of openDocs) {
      if (taskKeys.has(t._id)) continue;
      const completion = (doc.recentCompletions ?? []).find((c) => c.key === t._id);
      const set = completion
        ? { state: 'completed', completedAt: completion.at ?? now, ...(completion.by ? { completedBy: completion.by } : {}) }
        : { state: 'canceled', completedAt: now };
      const updated = await this.m.UserTask.findOneAndUpdate({ _id: t._id, state: 'created' }, { $set: set }, { returnDocument: 'after' }).lean<UserTaskDoc>();
      if (updated) events.push({ type: completion ? 'completed' : 'canceled', doc: updated });
    }
    for (const t of tasks) {
      const dueAt = toDate(t.dueDate);
      const res = await this.m.UserTask.updateOne(
        { _id: `${key}-${t.key}` },
        {
          $setOnInsert: {
            executionId: t.key,
            processInstanceKey: key,
            bpmnProcessId: doc.bpmnProcessId,
            processDefinitionVersion: doc.version,
            elementId: t.elementId,
            name: t.name,
            kind: t.kind,
            candidateGroups: t.candidateGroups,
            candidateUsers: t.candidateUsers,
            ...(t.assignee ? { assignee: t.assignee } : {}),
            ...(t.formId ? { formId: t.formId } : {}),
            ...(t.dueDate ? { dueDate: dueAt ? dueAt.toISOString() : t.dueDate } : {}),
            ...(dueAt ? { dueAt } : {}),
            ...(t.followUpDate ? { followUpDate: t.followUpDate } : {}),
            customHeaders: t.headers,
            variables: t.variables,
            ...(doc.businessKey ? { businessKey: doc.businessKey } : {}),
            state: 'created',
            createdAt: now,
          },
        },
        { upsert: true },
      );
      if (res.upsertedCount) {
        const created = await this.m.UserTask.findById(`${key}-${t.key}`).lean<UserTaskDoc>();
        if (created) events.push({ type: 'created', doc: created });
      }
    }

    // Buffered messages for new subscriptions
    const pendingMessages: { name: string; correlationKey: string }[] = [];
    for (const sub of open ? doc.subscriptions : []) {
      const buffered = await this.m.Message.findOne({
        name: sub.messageName,
        correlationKey: sub.correlationKey,
        expiresAt: { $gt: now },
      }).lean();
      if (buffered) pendingMessages.push({ name: sub.messageName, correlationKey: sub.correlationKey });
    }

    await this.m.Instance.updateOne({ _id: key, rev: doc.rev }, { $set: { dirty: false } });

    for (const e of events) {
      for (const listener of this.taskListeners) {
        try {
          await listener({ type: e.type, task: taskView(e.doc) });
        } catch (err) {
          this.logger.error(`engine: user task listener failed: ${(err as Error).message}`);
        }
      }
    }
    if (newJobs) this.jobSignal.emit('job');
    for (const m of pendingMessages) {
      // Outside this instance's lock: deliver after the current operation.
      setImmediate(() => {
        void this.deliverBuffered(m.name, m.correlationKey);
      });
    }
  }

  private async deliverBuffered(name: string, correlationKey: string): Promise<void> {
    this.inflight++;
    try {
      const msg = await this.m.Message.findOneAndDelete({ name, correlationKey, expiresAt: { $gt: this.clock.now() } }).lean();
      if (!msg) return;
      const delivered = await this.correlate(name, correlationKey, msg.variables ?? {});
      if (!delivered) await this.m.Message.create(msg);
    } catch (err) {
      this.logger.error(`engine: buffered message ${name}: ${(err as Error).message}`);
    } finally {
      this.inflight--;
    }
  }
}

function taskView(doc: UserTaskDoc): UserTask {
  return {
    key: doc._id,
    processInstanceKey: doc.processInstanceKey,
    bpmnProcessId: doc.bpmnProcessId,
    processDefinitionVersion: doc.processDefinitionVersion,
    elementId: doc.elementId,
    name: doc.name,
    kind: doc.kind,
    candidateGroups: doc.candidateGroups ?? [],
    candidateUsers: doc.candidateUsers ?? [],
    ...(doc.assignee ? { assignee: doc.assignee } : {}),
    ...(doc.formId ? { formId: doc.formId } : {}),
    ...(doc.dueDate ? { dueDate: doc.dueDate } : {}),
    ...(doc.followUpDate ? { followUpDate: doc.followUpDate } : {}),
    customHeaders: doc.customHeaders ?? {},
    variables: doc.variables ?? {},
    ...(doc.businessKey ? { businessKey: doc.businessKey } : {}),
    state: doc.state,
    createdAt: new Date(doc.createdAt).toISOString(),
    ...(doc.completedAt ? { completedAt: new Date(doc.completedAt).toISOString() } : {}),
    ...(doc.completedBy ? { completedBy: doc.completedBy } : {}),
  };
}

/** A job worker inside this process: polls the job collection, woken early when jobs of its type appear. */
class InProcessWorker implements JobWorker {
  private running = true;
  private active = 0;
  private loop: Promise<void> | undefined;
  private readonly timeoutMs: number;
  private readonly max: number;
  private readonly pollMs: number;
  private readonly name: string;

  constructor(
    private readonly engine: EmbeddedEngine,
    readonly type: string,
    private readonly handler: JobHandler,
    options: WorkerOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.max = options.maxJobsToActivate ?? 8;
    this.pollMs = options.pollIntervalMs ?? 500;
    this.name = options.workerName ?? `worker-${type}`;
  }

  get busy(): boolean {
    return this.active > 0;
  }

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const capacity = this.max - this.active;
      let jobs: Job[] = [];
      if (capacity > 0) {
        try {
          jobs = await this.engine.activateJobs(this.type, capacity, this.timeoutMs, this.name);
        } catch (err) {
          if (!this.running) return;
          jobs = [];
          await new Promise((r) => setTimeout(r, this.pollMs));
          void err;
        }
      }
      for (const job of jobs) {
        this.active++;
        this.engine.trackInflight(1);
        void this.handle(job).finally(() => {
          this.active--;
          this.engine.trackInflight(-1);
        });
      }
      if (jobs.length === 0 || this.active >= this.max) await this.engine.waitForJobs(this.type, this.pollMs);
    }
  }

  private async handle(job: Job): Promise<void> {
    let outcome: JobOutcome;
    try {
      outcome = await this.handler(job);
    } catch (err) {
      outcome = { outcome: 'fail', message: (err as Error).message ?? String(err) };
    }
    try {
      switch (outcome.outcome) {
        case 'complete':
          await this.engine.completeJob(job.key, outcome.variables);
          break;
        case 'fail':
          await this.engine.failJob(job.key, outcome.message, outcome.retries, outcome.retryBackOffMs ?? 0);
          break;
        case 'error':
          await this.engine.throwJobError(job.key, outcome.errorCode, outcome.message, outcome.variables);
          break;
      }
    } catch (err) {
      // NOT_FOUND: the job was canceled meanwhile (e.g. an interrupting timer) — nothing to do.
      if (!(err instanceof EngineError && err.code === 'NOT_FOUND')) {
        await this.engine.failJob(job.key, (err as Error).message, undefined, 1000).catch(() => undefined);
      }
    }
  }

  async close(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

export function createEmbeddedEngine(options: EmbeddedEngineOptions): EmbeddedEngine {
  return new EmbeddedEngine(options);
}
