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
import { deflateRawSync, inflateRawSync } from 'node:zlib';
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
  variableValueCandidates,
} from '../port.js';
import { Priority, PriorityGate } from './gate.js';
import { ModelError, readModel, type ProcessModel } from './model.js';
import { InstanceRuntime, RuntimeError, type RuntimeSnapshot } from './runtime.js';
import {
  engineModels,
  type DeploymentDoc,
  type EngineModels,
  type InstanceDoc,
  type JobDoc,
  type OutboxDoc,
  type SubscriptionDoc,
  type TaskClosing,
  type TimerDoc,
  type UserTaskDoc,
  packTask,
  packedWhole,
  unpackTask,
} from './store.js';

export interface EmbeddedEngineOptions {
  connection: Connection;
  clock: Clock;
  /**
   * How much of the instances is kept in memory between operations, counted in BPMN elements
   * of their models (bpmn-engine builds a message broker for each: ≈ 70 KB of heap per
   * element). Default DEFAULT_CACHE_ELEMENTS; 0 keeps none.
   */
  cacheElements?: number;
  /** How often the timer scheduler looks for due timers, in real ms. */
  schedulerIntervalMs?: number;
  /**
   * Instance operations run at once before the rest wait in order of urgency (gate.ts):
   * due timers first, then completions, then starts. Default DEFAULT_OPERATION_SLOTS.
   */
  operationSlots?: number;
  /** Longest wait for a slot before an operation goes ahead beside the others (default GATE_MAX_WAIT_MS). */
  gateMaxWaitMs?: number;
  /**
   * A connection of this process that only reads, for the start-up read of the armed timers
   * beside the open tasks' on `connection` (nothing else writes while the engine starts): on
   * FerretDB each connection carries one command at a time, and the two scans overlap.
   */
  startupReader?: Connection;
  logger?: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
}

/** Measurements for the benchmark and the health of a running engine (bounded samples). */
export class EngineMetrics {
  private static readonly MAX = 100_000;
  readonly jobActivationMs: number[] = [];
  readonly timerLatenessMs: number[] = [];
  jobsCompleted = 0;
  instancesStarted = 0;
  instancesRestored = 0;

  sample(into: number[], value: number): void {
    if (into.length < EngineMetrics.MAX) into.push(value);
    else into[Math.floor(Math.random() * EngineMetrics.MAX)] = value;
  }

  reset(): void {
    this.jobActivationMs.length = 0;
    this.timerLatenessMs.length = 0;
    this.jobsCompleted = 0;
    this.instancesStarted = 0;
    this.instancesRestored = 0;
  }
}

interface CacheEntry {
  runtime: InstanceRuntime;
  rev: number;
  /** The document as last written by this process. */
  doc: InstanceDoc;
}

interface OpenTaskEntry {
  /** Frozen, without `variables` and `customHeaders`: those stay one JSON text (`packed`), far smaller in memory than the parsed objects. */
  doc: Omit<UserTaskDoc, 'variables' | 'customHeaders' | 'packed'>;
  packed: string;
  /** createdAt in ms. */
  at: number;
}

/** Views of open tasks made (parsed) at most this many at a time; more are made again when asked for. */
const MAX_TASK_VIEWS = 5_000;

/** Freezes an object and everything in it (plain data: objects, arrays, dates). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

interface OperationContext {
  doc: InstanceDoc;
  incidents: Incident[];
  completions: { key: string; by?: string }[];
}

const MAX_RECENT_COMPLETIONS = 20;
/**
 * Hot instances are kept in memory up to this many BPMN elements of their models in all. A
 * bpmn-engine runtime of the repair model (105 elements) holds ≈ 7.5 MB of heap and costs
 * ≈ 50 ms of CPU to build again; 5 000 elements keep ≈ 48 repair instances (≈ 350 MB) or
 * many more of a small model warm. (A count of 200 took 1.5 GB when a burst of deadlines
 * filled it with repair instances; a count of 48 evicted small instances that were due a
 * second later.)
 */
const DEFAULT_CACHE_ELEMENTS = 5_000;
/** Instances whose due timers are fired at the same time (each under its own instance lock). */
const TIMER_CONCURRENCY = 8;
/**
 * Instance operations at once (gate.ts). Enough to overlap one operation's database round
 * trips with another's CPU work; few enough that a timer falling due waits for at most a
 * few operations ahead of it, not for every start asked for before it.
 */
const DEFAULT_OPERATION_SLOTS = 4;
/** Longest wait for a slot: then an operation goes ahead beside the others (no deadlock, no starvation). */
const GATE_MAX_WAIT_MS = 1_000;

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
  readonly metrics = new EngineMetrics();

  private readonly m: EngineModels;
  private readonly models = new Map<string, Promise<ProcessModel>>();
  /**
   * Deployments and forms are immutable and deployed only through this engine (one engine per
   * database): the latest of each process (and each asked-for version) and each form's latest
   * content are kept after the first read instead of a collection scan per start.
   */
  private readonly deployments = new Map<string, Omit<DeploymentDoc, 'xml'>>();
  private readonly forms = new Map<string, string>();
  /** Each form's latest content parsed once, frozen (a task list asks for the form of every task). */
  private readonly parsedForms = new Map<string, unknown>();
  /** listProcesses() once read; dropped by every deployment. */
  private processList: Promise<DeployedProcess[]> | undefined;
  /**
   * Every open user task (this process is their only writer): loaded at start, kept with each
   * outbox and assignment, so that task lists and lookups do not scan engine_user_tasks.
   * Undefined until start() has loaded it (the database is read then).
   */
  private openTasks: Map<string, OpenTaskEntry> | undefined;
  /** Whether openTasks' insertion order is creation order (then a search stops at its limit, no sort). */
  private openTasksInOrder = true;
  private readonly taskViews = new Map<string, UserTask>();
  /** Bumped by every change to a user task or form (see userTasksVersion). */
  private taskVersion = 0;
  private lastOpenTaskMs = Number.NEGATIVE_INFINITY;
  /**
   * Armed timers once started (instance key → due time, ms): loaded at start, kept with every
   * outbox; this process is their only writer. The scheduler looks here instead of scanning
   * engine_timers every tick (a scan on FerretDB, 4 times a second).
   */
  private armedTimers: Map<string, number> | undefined;
  /**
   * Every job not yet done, by id (this process is their only writer): loaded at start, kept
   * with every outbox. A job's lock (activated, lockedUntil, worker, deliveries) lives only
   * here — in a single-process engine a restart frees every job anyway — so activating a job
   * costs no database call, and completing one needs no read.
   */
  private readonly liveJobs = new Map<string, JobDoc>();
  private readonly cache = new Map<string, CacheEntry>();
  private readonly cacheElements: number;
  /** BPMN elements of the cached runtimes' models, in all. */
  private cachedElements = 0;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly gate: PriorityGate;
  private readonly taskListeners: UserTaskListener[] = [];
  private readonly workers = new Set<InProcessWorker>();
  private readonly jobSignal = new EventEmitter();
  /** Jobs ready to activate, by type, oldest first. */
  private readonly ready = new Map<string, Set<string>>();
  private delayed = 0;
  private readonly newKey = keyGenerator();
  private readonly logger: NonNullable<EmbeddedEngineOptions['logger']>;
  private readonly schedulerIntervalMs: number;
  private schedulerTimer: NodeJS.Timeout | undefined;
  /** Real time (ms) the waiting scheduler wakes at. */
  private nextTickAt = Number.POSITIVE_INFINITY;
  private readonly appliedOutboxes: string[] = [];
  private outboxFlushTimer: NodeJS.Timeout | undefined;
  private purgeTimer: NodeJS.Timeout | undefined;
  private schedulerRunning: Promise<void> | undefined;
  private inflight = 0;
  private jobSeq = 0;
  private closed = false;

  constructor(private readonly options: EmbeddedEngineOptions) {
    this.clock = options.clock;
    this.m = engineModels(options.connection);
    this.cacheElements = options.cacheElements ?? DEFAULT_CACHE_ELEMENTS;
    this.gate = new PriorityGate(options.operationSlots ?? DEFAULT_OPERATION_SLOTS, options.gateMaxWaitMs ?? GATE_MAX_WAIT_MS);
    this.schedulerIntervalMs = options.schedulerIntervalMs ?? 250;
    this.logger = options.logger ?? { info() {}, warn() {}, error() {} };
    this.jobSignal.setMaxListeners(0);
  }

  /** Creates indexes, follows through interrupted writes, frees jobs of a dead process, starts the scheduler. */
  async start(): Promise<void> {
    const t0 = performance.now();
    const phases: string[] = [];
    const phase = (name: string, since: number): number => {
      const now = performance.now();
      phases.push(`${name} ${Math.round(now - since)} ms`);
      return now;
    };
    await Promise.all(Object.values(this.m).map((model) => model.init()));
    let t = phase('indexes', t0);
    this.jobSeq = realNow();
    if (this.clock instanceof ControlledClock) {
      const saved = await this.m.Clock.findById('clock').lean();
      if (saved) this.clock.restore(saved);
      await this.saveClock();
    }
    const pending = await this.m.Outbox.find({}).sort({ rev: 1 }).lean<OutboxDoc[]>();
    for (const outbox of pending) {
      await this.lock(outbox.instanceKey, async () => {
        const doc = await this.m.Instance.findById(outbox.instanceKey).lean<InstanceDoc>();
        // The instance write never happened: its projection changes must not either. Applied
        // outboxes are deleted in batches, so one found here may have been applied already, and
        // later ones of its instance may be gone: it is applied as far as the instance still agrees.
        if (doc && doc.rev >= outbox.rev) await this.applyOutbox(reconciled(outbox, doc), doc);
        else await this.m.Outbox.deleteOne({ _id: outbox._id });
      });
    }
    if (pending.length) this.logger.info(`engine: followed through ${pending.length} interrupted instance write(s)`);
    t = phase('outbox', t);
    // One read of each projection; entries an earlier version of this engine marked closed
    // (instead of deleting them) are deleted by id on the way.
    const leftovers: Promise<unknown>[] = [];
    // The armed timers are read meanwhile, through the start-up reader when there is one.
    const timersRead = (this.options.startupReader ? engineModels(this.options.startupReader) : this.m).Timer.find({}).lean<TimerDoc[]>().exec();
    // Not awaited before the tasks are read: a failure is taken up where it is awaited below.
    timersRead.catch(() => undefined);
    // Read through a cursor (one batch at a time, not every document in one array first).
    this.openTasks = new Map();
    const open: { t: UserTaskDoc; at: number }[] = [];
    for await (const stored of this.m.UserTask.find({}).lean<UserTaskDoc>().cursor()) {
      // Packed whole (packTask): the fields are read from its text; packed in part (earlier data): kept as it is.
      const t = packedWhole(stored) ? unpackTask(stored) : stored;
      if (t.state === 'created') open.push({ t, at: createdMs(t.createdAt) });
      else leftovers.push(this.m.UserTask.deleteOne({ _id: t._id }));
    }
    open.sort((a, b) => a.at - b.at);
    // Freshly read: kept as they are (frozen, still packed), no copy.
    for (const { t } of open) this.keepOpenTask(t, true);
    t = phase(`${this.openTasks.size} open tasks`, t);
    const timers = await timersRead;
    this.armedTimers = new Map();
    for (const t of timers) {
      if (t.dueAt) this.armedTimers.set(t._id, new Date(t.dueAt).getTime());
      else leftovers.push(this.m.Timer.deleteOne({ _id: t._id }));
    }
    t = phase(`${this.armedTimers.size} armed timers`, t);
    const jobs = await this.m.Job.find({}).sort({ seq: 1 }).lean<JobDoc[]>();
    for (const job of jobs) {
      if (job.state === 'done') {
        leftovers.push(this.m.Job.deleteOne({ _id: job._id }));
        continue;
      }
      if (this.liveJobs.has(job._id)) continue; // added by an interrupted write followed through above
      // In a single-node runtime, a job still locked at start-up belonged to a process that is gone.
      this.liveJobs.set(job._id, job.state === 'activated' ? { ...job, state: 'activatable', availableAt: 0, lockedUntil: 0 } : job);
    }
    t = phase(`${this.liveJobs.size} live jobs`, t);
    await Promise.all(leftovers);
    await this.flushAppliedOutboxes();
    await this.m.Subscription.deleteMany({ open: false });
    phase('leftovers', t);
    this.logger.info(`engine: started in ${Math.round(performance.now() - t0)} ms (${phases.join(', ')})`);
    this.sweepJobs();
    this.scheduleTick(0);
    this.purgeTimer = setInterval(() => {
      this.sweepJobs();
      void this.m.Message.deleteMany({ expiresAt: { $lte: this.clock.now() } }).catch((err: unknown) =>
        this.logger.warn(`engine: purge of expired messages: ${(err as Error).message}`),
      );
    }, 5_000);
    this.purgeTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.schedulerTimer) clearTimeout(this.schedulerTimer);
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await Promise.all([...this.workers].map((w) => w.close()));
    await this.schedulerRunning;
    await Promise.allSettled([...this.locks.values()]);
    await this.flushAppliedOutboxes().catch((err: unknown) => this.logger.warn(`engine: applied outboxes left to the next start: ${(err as Error).message}`));
    this.cache.clear();
    this.cachedElements = 0;
  }

  /**
   * Applied outboxes are deleted in batches (one deleteMany on the small outbox collection instead
   * of a deleteOne per instance write): the next start applies any left over again, reconciled
   * with its instance (see start()).
   */
  private outboxApplied(id: string): void {
    this.appliedOutboxes.push(id);
    if (this.appliedOutboxes.length >= 200) void this.flushAppliedOutboxes().catch(() => undefined);
    else if (!this.outboxFlushTimer) {
      this.outboxFlushTimer = setTimeout(() => void this.flushAppliedOutboxes().catch(() => undefined), 100);
      this.outboxFlushTimer.unref();
    }
  }

  private async flushAppliedOutboxes(): Promise<void> {
    if (this.outboxFlushTimer) clearTimeout(this.outboxFlushTimer);
    this.outboxFlushTimer = undefined;
    const ids = this.appliedOutboxes.splice(0);
    if (ids.length === 0) return;
    try {
      await this.m.Outbox.deleteMany({ _id: { $in: ids } });
    } catch (err) {
      this.appliedOutboxes.unshift(...ids);
      this.logger.warn(`engine: deleting applied outboxes: ${(err as Error).message}`);
      throw err;
    }
  }

  /** How many instances have a timer armed (for the benchmark and health). */
  get armedTimerCount(): number {
    return this.armedTimers?.size ?? 0;
  }

  /** How many instances have a timer due now and not yet fired (the scheduler's backlog). */
  get overdueTimerCount(): number {
    return this.timersDueBy(this.clock.now().getTime());
  }

  /** How many instances have a timer due at or before `ms` (engine time) and not yet fired. */
  timersDueBy(ms: number): number {
    if (!this.armedTimers) return 0;
    let n = 0;
    for (const due of this.armedTimers.values()) if (due <= ms) n++;
    return n;
  }

  /** Sizes of the engine's in-memory state (for the benchmark and diagnosing a slow engine). */
  get stats(): Record<string, number> {
    return {
      cachedInstances: this.cache.size,
      cachedElements: this.cachedElements,
      locks: this.locks.size,
      liveJobs: this.liveJobs.size,
      readyJobs: this.readyJobCount,
      openTasks: this.openTasks?.size ?? 0,
      taskViews: this.taskViews.size,
      armedTimers: this.armedTimerCount,
      overdueTimers: this.overdueTimerCount,
      inflight: this.inflight,
    };
  }

  /** Jobs waiting for a worker (activatable now), over all types. */
  get readyJobCount(): number {
    let n = 0;
    for (const queue of this.ready.values()) n += queue.size;
    return n;
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
      this.processList = undefined;
      const { xml: _xml, ...meta } = doc;
      this.deployments.set(doc.bpmnProcessId, meta);
      this.deployments.set(`${doc.bpmnProcessId}@${doc.version}`, meta);
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
    this.forms.set(formId, resource.content);
    this.parsedForms.delete(formId);
    this.taskVersion++;
  }

  /** The latest deployed version of a Camunda form (form-js JSON), frozen: the same object until the form is deployed again. */
  async getForm(formId: string): Promise<unknown | undefined> {
    const parsed = this.parsedForms.get(formId);
    if (parsed !== undefined) return parsed;
    let content = this.forms.get(formId);
    if (content === undefined) {
      const doc = await this.m.Form.findOne({ formId }).sort({ version: -1 }).lean();
      if (!doc) return undefined;
      content = doc.content;
      this.forms.set(formId, content);
    }
    const form = deepFreeze(JSON.parse(content) as unknown);
    if (this.forms.get(formId) === content) this.parsedForms.set(formId, form);
    return form;
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
    // Read once, then kept (deploy() drops it): every order creation asks whether its process is deployed.
    this.processList ??= this.m.Deployment.find({}, { xml: 0 })
      .sort({ bpmnProcessId: 1, version: 1 })
      .lean()
      .then((docs) => docs.map((d) => this.describe(d)));
    const list = this.processList;
    try {
      return (await list).map((p) => ({ ...p }));
    } catch (err) {
      if (this.processList === list) this.processList = undefined;
      throw err;
    }
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
    const cacheKey = options.version === undefined ? bpmnProcessId : `${bpmnProcessId}@${options.version}`;
    let def = this.deployments.get(cacheKey);
    if (!def) {
      const query = options.version === undefined ? { bpmnProcessId } : { bpmnProcessId, version: options.version };
      const found = await this.m.Deployment.findOne(query, { xml: 0 }).sort({ version: -1 }).lean<Omit<DeploymentDoc, 'xml'>>();
      if (!found) throw new EngineError('NOT_FOUND', `process '${bpmnProcessId}' is not deployed`);
      // A newer version deployed meanwhile has already replaced the latest (deploy sets it).
      if (!this.deployments.has(cacheKey)) this.deployments.set(cacheKey, found);
      def = this.deployments.get(cacheKey) as Omit<DeploymentDoc, 'xml'>;
    }
    const model = await this.model(def._id);
    const key = this.newKey();
    this.metrics.instancesStarted++;
    await this.lock(key, () => this.gate.run(Priority.start, async () => {
      const runtime = await InstanceRuntime.start(model, variables, () => this.clock.now().getTime());
      await runtime.fireDueTimers();
      runtime.takeTimeouts();
      const snap = await runtime.snapshot();
      const empty = { ...emptyDoc(), _id: key, rev: 0 } as InstanceDoc;
      const doc: InstanceDoc = {
        _id: key,
        bpmnProcessId: def.bpmnProcessId,
        version: def.version,
        definitionKey: def._id,
        ...(options.businessKey ? { businessKey: options.businessKey } : {}),
        ...this.persisted(snap, snap.state === 'incident' ? [this.engineIncident(snap)] : []),
        recentCompletions: [],
        rev: 1,
        startedAt: this.clock.now(),
        ...(snap.state === 'completed' ? { endedAt: this.clock.now() } : {}),
      };
      const outbox = this.outbox(empty, doc, []);
      await this.timerBefore(empty, doc);
      if (outbox) await this.m.Outbox.create(outbox);
      await this.m.Instance.create(doc);
      this.remember(key, runtime, doc, snap);
      await this.timerAfter(empty, doc);
      if (outbox) await this.applyOutbox(outbox, doc);
    }));
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
    // A projection would turn FerretDB's by-id lookup into a scan: read the whole document.
    const doc = await this.m.Instance.findById(processInstanceKey).lean<InstanceDoc>();
    return doc ? this.view(doc) : undefined;
  }

  async listInstances(filter: InstanceFilter): Promise<ProcessInstanceView[]> {
    const query: Record<string, unknown> = {};
    if (filter.bpmnProcessId) query.bpmnProcessId = filter.bpmnProcessId;
    if (filter.state) query.state = filter.state;
    if (filter.businessKey) query.businessKey = filter.businessKey;
    if (filter.businessKeys) {
      if (filter.businessKeys.length === 0) return [];
      query.businessKey = filter.businessKey ? (filter.businessKeys.includes(filter.businessKey) ? filter.businessKey : { $in: [] }) : { $in: [...filter.businessKeys] };
    }
    for (const [name, value] of Object.entries(filter.variables ?? {})) query[`variables.${name}`] = { $in: variableValueCandidates(value) };
    if (filter.text && filter.text.term && filter.text.variables.length) {
      const rx = { $regex: filter.text.term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' };
      query.$or = filter.text.variables.map((name) => ({ [`variables.${name}`]: rx }));
    }
    const docs = await this.m.Instance.find(query, { engineState: 0 })
      .sort({ startedAt: -1, _id: -1 })
      .skip(filter.offset ?? 0)
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
        const job = await this.m.Job.findOneAndUpdate(
          { _id: incident.jobKey },
          { $set: { state: 'activatable', retries, availableAt: 0, lockedUntil: 0 }, $unset: { errorMessage: 1 } },
          { returnDocument: 'after' },
        ).lean<JobDoc>();
        if (job) {
          this.liveJobs.set(job._id, job);
          this.enqueue(job.type, job._id);
        }
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
    const subs = await this.m.Subscription.find({ messageName: name, correlationKey, open: true }).lean<SubscriptionDoc[]>();
    let delivered = false;
    for (const sub of subs) {
      await this.withInstance(sub.instanceKey, async (runtime) => {
        await runtime.correlate(sub.executionId, variables);
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

  /**
   * @internal used by workers: locks up to `max` jobs of a type. Ready jobs are
   * queued in memory as they are created (no collection scan per poll), and
   * the lock is taken in memory (see liveJobs): a job closed or locked in
   * between is skipped.
   */
  async activateJobs(type: string, max: number, timeoutMs: number, workerName: string): Promise<Job[]> {
    const jobs: Job[] = [];
    const queue = this.ready.get(type);
    while (queue && queue.size > 0 && jobs.length < max) {
      const id = queue.values().next().value as string;
      queue.delete(id);
      const now = realNow();
      const before = this.liveJobs.get(id);
      if (!before) continue;
      const free =
        (before.state === 'activatable' && before.availableAt <= now) || (before.state === 'activated' && before.lockedUntil <= now);
      if (!free) {
        if (before.state === 'activatable') this.enqueueLater(type, id, before.availableAt - now);
        continue;
      }
      if (before.deliveries === 0 && before.createdAtMs) this.metrics.sample(this.metrics.jobActivationMs, now - before.createdAtMs);
      before.state = 'activated';
      before.lockedUntil = now + timeoutMs;
      before.worker = workerName;
      before.deliveries = (before.deliveries ?? 0) + 1;
      jobs.push({
        key: before._id,
        type: before.type,
        processInstanceKey: before.instanceKey,
        bpmnProcessId: before.bpmnProcessId,
        processDefinitionVersion: before.version,
        elementId: before.elementId,
        retries: before.retries,
        deadline: now + timeoutMs,
        customHeaders: before.headers ?? {},
        variables: before.variables ?? {},
      });
    }
    return jobs;
  }

  private enqueue(type: string, id: string): void {
    let queue = this.ready.get(type);
    if (!queue) this.ready.set(type, (queue = new Set()));
    queue.add(id);
    this.jobSignal.emit(`job:${type}`);
  }

  private enqueueLater(type: string, id: string, delayMs: number): void {
    if (delayMs <= 0) return this.enqueue(type, id);
    this.delayed++;
    const t = setTimeout(() => {
      this.delayed--;
      if (!this.closed) this.enqueue(type, id);
    }, delayMs);
    t.unref();
  }

  /** Queues every live job that is free: at start-up, and every few seconds for lock time-outs. */
  private sweepJobs(): void {
    const now = realNow();
    for (const job of this.liveJobs.values()) {
      if (job.state !== 'activatable' && !(job.state === 'activated' && job.lockedUntil <= now)) continue;
      if (this.ready.get(job.type)?.has(job._id)) continue;
      if (job.state === 'activatable' && job.availableAt > now) continue; // its back-off timer queues it
      this.enqueue(job.type, job._id);
    }
  }

  /** A job not yet done: from memory (the collection only for one this process has not seen). */
  private async liveJob(jobKey: string): Promise<JobDoc | undefined> {
    const live = this.liveJobs.get(jobKey);
    if (live) return live;
    const stored = await this.m.Job.findById(jobKey).lean<JobDoc>();
    return stored && stored.state !== 'done' ? stored : undefined;
  }

  /** Forgets a job and deletes its document (by id). */
  private async dropJob(jobKey: string): Promise<JobDoc | undefined> {
    const live = this.liveJobs.get(jobKey);
    this.liveJobs.delete(jobKey);
    if (live) this.ready.get(live.type)?.delete(jobKey);
    await this.m.Job.deleteOne({ _id: jobKey });
    return live;
  }

  async completeJob(jobKey: string, variables: Variables): Promise<void> {
    const job = await this.liveJob(jobKey);
    if (!job) throw new EngineError('NOT_FOUND', `job ${jobKey} not found (completed or canceled)`);
    try {
      await this.withInstance(job.instanceKey, (runtime) => runtime.completeJob(job.executionId, variables));
      this.metrics.jobsCompleted++;
    } catch (err) {
      if (err instanceof RuntimeError) {
        await this.dropJob(jobKey);
        throw new EngineError('NOT_FOUND', `job ${jobKey} is no longer active`);
      }
      throw err;
    }
  }

  async failJob(jobKey: string, message: string, retries?: number, retryBackOffMs = 0): Promise<void> {
    const job = await this.liveJob(jobKey);
    if (!job) throw new EngineError('NOT_FOUND', `job ${jobKey} not found`);
    const left = retries ?? job.retries - 1;
    if (left > 0) {
      const set = { state: 'activatable' as const, retries: left, availableAt: realNow() + retryBackOffMs, lockedUntil: 0, errorMessage: message };
      // The retry count is durable (a restart must not reset it); the back-off is real time.
      await this.m.Job.findOneAndUpdate({ _id: jobKey }, { $set: set });
      if (this.liveJobs.has(jobKey)) this.liveJobs.set(jobKey, { ...job, ...set });
      this.enqueueLater(job.type, jobKey, retryBackOffMs);
      return;
    }
    await this.withInstance(job.instanceKey, async (_runtime, ctx) => {
      const set = { state: 'failed' as const, retries: 0, errorMessage: message, lockedUntil: 0 };
      await this.m.Job.findOneAndUpdate({ _id: jobKey }, { $set: set });
      if (this.liveJobs.has(jobKey)) this.liveJobs.set(jobKey, { ...job, ...set });
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
    const job = await this.liveJob(jobKey);
    if (!job) throw new EngineError('NOT_FOUND', `job ${jobKey} not found`);
    await this.withInstance(job.instanceKey, async (runtime, ctx) => {
      const caught = await runtime.throwError(job.executionId, errorCode, message, variables);
      if (!caught) {
        const set = { state: 'failed' as const, retries: 0, errorMessage: message };
        await this.m.Job.findOneAndUpdate({ _id: jobKey }, { $set: set });
        if (this.liveJobs.has(jobKey)) this.liveJobs.set(jobKey, { ...job, ...set });
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
    const limit = Math.min(filter.limit ?? 500, 5000);
    const open = filter.state === undefined || filter.state === 'created';
    const closed = filter.state === undefined || filter.state !== 'created';
    const results: UserTaskDoc[] = [];
    const views: UserTask[] = [];
    if (open && this.openTasks) views.push(...this.searchOpenTasks(filter, limit));
    else if (open) {
      // Not started (no tasks in memory): the stored open tasks keep their fields in a JSON text (packTask), so they are matched here.
      const stored = (await this.m.UserTask.find({ state: 'created' }).lean<UserTaskDoc[]>()).map(unpackTask);
      const groups = filter.candidateGroupsAny?.length ? new Set(filter.candidateGroupsAny) : undefined;
      results.push(...stored.filter((t) => taskMatches(t, filter, groups)).sort((a, b) => createdMs(a.createdAt) - createdMs(b.createdAt)).slice(0, limit));
    }
    if (closed && views.length + results.length < limit) {
      const q = filter.state && filter.state !== 'created' ? { ...query, state: filter.state } : query;
      results.push(...(await this.m.UserTaskHistory.find(q).sort({ createdAt: 1 }).limit(limit).lean<UserTaskDoc[]>()));
    }
    views.push(...results.slice(0, limit - views.length).map(taskView));
    return views;
  }

  /**
   * Keeps an open task in memory (packed or not: as stored, or as the outbox has it): its fields
   * frozen, its variables and headers as JSON text. A search hands out frozen views, made once and
   * kept for the most recently asked-for tasks (cloning every match per search was most of
   * GET /api/tasks' CPU; parsed variables of every open task, most of the memory at 100 000).
   */
  private keepOpenTask(stored: UserTaskDoc, owned = false): void {
    if (!this.openTasks) return;
    const doc = packedWhole(stored) ? unpackTask(stored) : stored;
    const { variables, customHeaders, packed, ...fields } = doc;
    const frozen = deepFreeze(owned ? fields : structuredClone(fields));
    const at = createdMs(frozen.createdAt);
    if (!this.openTasks.has(frozen._id)) {
      if (at < this.lastOpenTaskMs) this.openTasksInOrder = false;
      else this.lastOpenTaskMs = at;
    }
    const text = typeof packed === 'string' ? packed : JSON.stringify({ variables: variables ?? {}, customHeaders: customHeaders ?? {} });
    this.openTasks.set(frozen._id, { doc: frozen, packed: text, at });
    this.taskViews.delete(frozen._id);
    this.taskVersion++;
  }

  private forgetOpenTask(key: string): void {
    this.openTasks?.delete(key);
    this.taskViews.delete(key);
    this.taskVersion++;
  }

  /** The whole open task (a fresh object). */
  private static openTaskDoc(e: OpenTaskEntry): UserTaskDoc {
    return unpackTask({ ...e.doc, packed: e.packed } as UserTaskDoc);
  }

  /** The frozen view of an open task, from the bounded set of views made last. */
  private openTaskView(e: OpenTaskEntry): UserTask {
    let view = this.taskViews.get(e.doc._id);
    if (view) {
      this.taskViews.delete(e.doc._id);
    } else {
      view = deepFreeze(taskView(EmbeddedEngine.openTaskDoc(e)));
      if (this.taskViews.size >= MAX_TASK_VIEWS) this.taskViews.delete(this.taskViews.keys().next().value as string);
    }
    this.taskViews.set(e.doc._id, view);
    return view;
  }

  userTasksVersion(): number | undefined {
    return this.openTasks ? this.taskVersion : undefined;
  }

  /**
   * The open-task part of searchUserTasks, from memory: the same filter, order (createdAt) and limit
   * as the query. The views are shared and frozen.
   */
  private searchOpenTasks(filter: UserTaskFilter, limit: number): UserTask[] {
    const groups = filter.candidateGroupsAny?.length ? new Set(filter.candidateGroupsAny) : undefined;
    const found: OpenTaskEntry[] = [];
    for (const e of (this.openTasks as Map<string, OpenTaskEntry>).values()) {
      if (!taskMatches(e.doc, filter, groups)) continue;
      found.push(e);
      // In creation order already: the first `limit` matches are the answer.
      if (this.openTasksInOrder && found.length >= limit) break;
    }
    if (!this.openTasksInOrder) found.sort((a, b) => a.at - b.at);
    return found.slice(0, limit).map((e) => this.openTaskView(e));
  }

  /** An open task by key: from memory once started (absent = not open), else from the collection. */
  private async openTask(key: string): Promise<UserTaskDoc | null> {
    if (this.openTasks) {
      const e = this.openTasks.get(key);
      return e ? EmbeddedEngine.openTaskDoc(e) : null;
    }
    return unpackTask(await this.m.UserTask.findById(key).lean<UserTaskDoc>());
  }

  async getUserTask(key: string): Promise<UserTask | undefined> {
    const open = await this.openTask(key);
    if (open && open.state !== 'moved') return taskView(open);
    const closed = await this.m.UserTaskHistory.findById(key).lean<UserTaskDoc>();
    return closed ? taskView(closed) : undefined;
  }

  async assignUserTask(key: string, assignee: string | undefined): Promise<UserTask> {
    const current = await this.openTask(key);
    if (!current || current.state !== 'created') {
      const exists = current || (await this.m.UserTaskHistory.findById(key).lean<UserTaskDoc>());
      throw new EngineError(exists ? 'CONFLICT' : 'NOT_FOUND', exists ? `user task ${key} is not open` : `user task ${key} not found`);
    }
    const update = assignee === undefined ? { $unset: { assignee: 1 } } : { $set: { assignee } };
    const doc = unpackTask(await this.m.UserTask.findOneAndUpdate({ _id: key }, update, { returnDocument: 'after' }).lean<UserTaskDoc>());
    if (doc && doc.state === 'created') this.keepOpenTask(doc);
    return taskView(doc as UserTaskDoc);
  }

  async completeUserTask(key: string, variables: Variables, completedBy?: string): Promise<void> {
    const task = await this.openTask(key);
    if (!task || task.state !== 'created') {
      const closed = await this.m.UserTaskHistory.findById(key).lean<UserTaskDoc>();
      if (closed) throw new EngineError('CONFLICT', `user task ${key} is already ${closed.state}`);
      throw new EngineError('NOT_FOUND', `user task ${key} not found`);
    }
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
    await this.saveClock();
    await this.runDueTimers();
    return clock.now();
  }

  private async saveClock(): Promise<void> {
    if (!(this.clock instanceof ControlledClock)) return;
    const snap = this.clock.snapshot();
    const set = snap.mode === 'frozen' ? { frozenAt: snap.frozenAt } : { offsetMs: snap.offsetMs };
    const unset = snap.mode === 'frozen' ? { offsetMs: 1 } : { frozenAt: 1 };
    if (!(await insertOnce(this.m.Clock, { _id: 'clock', ...set }))) {
      await this.m.Clock.findOneAndUpdate({ _id: 'clock' }, { $set: set, $unset: unset });
    }
  }

  /** Fires every due timer (repeatedly, as firing can arm new due ones). */
  async runDueTimers(): Promise<number> {
    if (this.schedulerRunning) await this.schedulerRunning;
    let total = 0;
    const run = (async () => {
      for (let round = 0; round < 100 && !this.closed; round++) {
        const due = this.armedTimers
          ? this.dueFromMemory(this.clock.now().getTime(), 500)
          : await this.m.Timer.find({ dueAt: { $ne: null, $lte: this.clock.now() } })
              .sort({ dueAt: 1 })
              .limit(500)
              .lean<TimerDoc[]>();
        if (due.length === 0) break;
        // Instances are independent (each under its own lock): several at once, so that one
        // instance's database round trips overlap another's CPU work (load, recover, snapshot).
        let next = 0;
        const fireNext = async (): Promise<void> => {
          // Closing stops between instances: a backlog left over is fired by the next start.
          while (next < due.length && !this.closed) {
            const { _id, dueAt } = due[next++]!;
            await this.withInstance(_id, async (runtime) => {
              // An instance recovered from the database fires an overdue timer while it resumes: counted too.
              await runtime.fireDueTimers();
              const fired = runtime.takeTimeouts();
              total += fired;
              if (fired > 0 && dueAt) this.metrics.sample(this.metrics.timerLatenessMs, this.clock.now().getTime() - new Date(dueAt).getTime());
            }, Priority.timer).catch((err: unknown) => this.logger.error(`engine: timer of instance ${_id} failed: ${(err as Error).message}`));
          }
        };
        await Promise.all(Array.from({ length: Math.min(TIMER_CONCURRENCY, due.length) }, fireNext));
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

  /** The due part of armedTimers, the same order and limit as the query on engine_timers. */
  private dueFromMemory(now: number, limit: number): TimerDoc[] {
    const due: [string, number][] = [];
    for (const entry of (this.armedTimers as Map<string, number>).entries()) if (entry[1] <= now) due.push(entry);
    due.sort((a, b) => a[1] - b[1]);
    return due.slice(0, limit).map(([_id, dueAt]) => ({ _id, dueAt: new Date(dueAt) }) as TimerDoc);
  }

  private scheduleTick(delay: number): void {
    if (this.closed) return;
    this.nextTickAt = realNow() + delay;
    this.schedulerTimer = setTimeout(() => {
      this.schedulerTimer = undefined;
      void this.runDueTimers()
        .catch((err: unknown) => this.logger.error(`engine: scheduler: ${(err as Error).message}`))
        .finally(() => this.scheduleTick(this.untilNextDue(this.schedulerIntervalMs)));
    }, delay);
    this.schedulerTimer.unref();
  }

  /**
   * Real ms until the earliest armed timer falls due, at most `max`: the scheduler wakes for it
   * instead of at its next poll (a poll every 250 ms alone made timers ≈ 125 ms late on average).
   * A frozen clock does not move by itself: there it is `max`.
   */
  private untilNextDue(max: number): number {
    if (!this.armedTimers || this.clockFrozen) return max;
    let earliest = Number.POSITIVE_INFINITY;
    for (const due of this.armedTimers.values()) if (due < earliest) earliest = due;
    return Math.max(0, Math.min(max, earliest - this.clock.now().getTime()));
  }

  /** A frozen controlled clock (tests) moves only when told: waking for a due time would find nothing due. */
  private get clockFrozen(): boolean {
    return this.clock instanceof ControlledClock && this.clock.mode === 'frozen';
  }

  /** Keeps the in-memory timer index and wakes the waiting scheduler earlier when this timer is due before its next poll. */
  private armTimer(key: string, dueMs: number | null): void {
    if (!this.armedTimers) return;
    if (dueMs === null) {
      this.armedTimers.delete(key);
      return;
    }
    this.armedTimers.set(key, dueMs);
    if (!this.schedulerTimer || this.closed || this.clockFrozen) return;
    const wait = Math.max(0, dueMs - this.clock.now().getTime());
    if (realNow() + wait < this.nextTickAt) {
      clearTimeout(this.schedulerTimer);
      this.scheduleTick(wait);
    }
  }

  async idle(timeoutMs = 30_000): Promise<void> {
    const until = realNow() + timeoutMs;
    let quietRounds = 0;
    while (realNow() < until) {
      await this.runDueTimers();
      const types = new Set([...this.workers].map((w) => w.type));
      let pendingJobs = 0;
      for (const [type, queue] of this.ready) if (types.has(type)) pendingJobs += queue.size;
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

  private async withInstance(
    key: string,
    fn: (runtime: InstanceRuntime, ctx: OperationContext) => Promise<void>,
    priority: Priority = Priority.completion,
  ): Promise<void> {
    // The slot is taken under the instance's lock: waiting for the lock holds no slot.
    await this.lock(key, () => this.gate.run(priority, async () => {
      // This process is the only writer of its instances (one embedded engine per database), so
      // a hot instance's last written document is current: no read needed.
      let entry = this.cache.get(key);
      const doc = entry?.doc ?? (await this.m.Instance.findById(key).lean<InstanceDoc>());
      if (!doc) throw new EngineError('NOT_FOUND', `process instance ${key} not found`);
      if (!entry || entry.rev !== doc.rev) {
        const model = await this.model(doc.definitionKey);
        const runtime = await InstanceRuntime.recover(
          model,
          {
            engineState: doc.engineState ? unpackState(doc.engineState) : null,
            variables: doc.variables ?? {},
            completedElementIds: doc.completedElementIds ?? [],
            state: doc.state === 'incident' ? 'active' : doc.state,
          },
          () => this.clock.now().getTime(),
        );
        entry = { runtime, rev: doc.rev, doc };
        this.metrics.instancesRestored++;
      }
      const runtime = entry.runtime;
      const ctx: OperationContext = { doc, incidents: [...(doc.incidents ?? [])], completions: [] };
      try {
        await fn(runtime, ctx);
        await runtime.fireDueTimers();
        runtime.takeTimeouts();
      } catch (err) {
        // The runtime may be half-changed: drop it, the stored state stays as it was.
        this.uncache(key);
        throw err;
      }
      const snap = await runtime.snapshot();
      if (snap.state === 'incident' && !ctx.incidents.some((i) => !i.jobKey)) ctx.incidents.push(this.engineIncident(snap));
      const now = this.clock.now();
      const completions = [...ctx.completions.map((c) => ({ ...c, at: now })), ...(doc.recentCompletions ?? [])].slice(
        0,
        MAX_RECENT_COMPLETIONS,
      );
      const ended = snap.state === 'completed' || snap.state === 'canceled';
      const update: Partial<InstanceDoc> = {
        ...this.persisted(snap, ctx.incidents),
        recentCompletions: completions,
        rev: doc.rev + 1,
        ...(ended && !doc.endedAt ? { endedAt: now } : {}),
      };
      const next = { ...doc, ...update } as InstanceDoc;
      const outbox = this.outbox(doc, next, ctx.completions.map((c) => ({ ...c, at: now })));
      await this.timerBefore(doc, next);
      if (outbox) await this.m.Outbox.create(outbox);
      // Filter on _id alone (FerretDB pushes only that down); the previous revision is checked on what comes back.
      const before = await this.m.Instance.findOneAndUpdate({ _id: key }, { $set: update }, { returnDocument: 'before' }).lean<InstanceDoc>();
      if (!before || before.rev !== doc.rev) {
        this.uncache(key);
        throw new EngineError('CONFLICT', `process instance ${key} was changed by another writer (rev ${before?.rev} ≠ ${doc.rev})`);
      }
      this.remember(key, runtime, next, snap);
      await this.timerAfter(doc, next);
      if (outbox) await this.applyOutbox(outbox, next);
    }));
  }

  /*
   * The timer index (engine_timers: an instance's earliest due time) is kept without the outbox:
   * an entry that is too early is harmless — the scheduler fires the instance, nothing is due, and
   * that write sets the right time — while one too late or missing would lose a deadline. So a
   * due time that moves earlier is written before the instance write, one that moves later or
   * goes away after it. An instance write that only moves its timer then costs two commands.
   */
  private async timerBefore(prev: InstanceDoc, next: InstanceDoc): Promise<void> {
    const [before, after] = [this.indexedDue(prev), dueOf(next)];
    if (after !== null && (before === null || after < before)) await this.writeTimer(next._id, after);
  }

  private async timerAfter(prev: InstanceDoc, next: InstanceDoc): Promise<void> {
    const [before, after] = [this.indexedDue(prev), dueOf(next)];
    if (before === after) return;
    if (after === null) await this.m.Timer.deleteOne({ _id: next._id });
    else if (before !== null && after > before) await this.writeTimer(next._id, after);
    this.armTimer(next._id, after);
  }

  /**
   * The instance's entry in the timer index as it stands: from memory once started (it may be
   * earlier than the instance's own timers after a crash, and is then corrected), else the
   * instance's earliest timer.
   */
  private indexedDue(doc: InstanceDoc): number | null {
    return this.armedTimers ? (this.armedTimers.get(doc._id) ?? null) : dueOf(doc);
  }

  /** One command: insert when this process has no entry armed for the instance, else update by _id. */
  private async writeTimer(key: string, dueMs: number): Promise<void> {
    const dueAt = new Date(dueMs);
    if (this.armedTimers?.has(key)) await this.m.Timer.updateOne({ _id: key }, { $set: { dueAt } }, { upsert: true });
    else if (!(await insertOnce(this.m.Timer, { _id: key, dueAt }))) await this.m.Timer.updateOne({ _id: key }, { $set: { dueAt } });
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
    return {
      state,
      engineState: open && snap.engineState ? packState(snap.engineState) : null,
      variables: snap.variables,
      jobs: open ? snap.jobs : [],
      userTasks: open ? snap.userTasks : [],
      timers: open ? snap.timers : [],
      subscriptions: open ? snap.subscriptions : [],
      incidents,
      activeElementIds: snap.activeElementIds,
      completedElementIds: snap.completedElementIds,
    };
  }

  /** What a cached runtime counts against the budget: its model's BPMN elements (what its memory grows with). */
  private static weight(runtime: InstanceRuntime): number {
    return Math.max(1, runtime.model.elements.size);
  }

  private uncache(key: string): void {
    const entry = this.cache.get(key);
    if (!entry) return;
    this.cache.delete(key);
    this.cachedElements -= EmbeddedEngine.weight(entry.runtime);
  }

  private remember(key: string, runtime: InstanceRuntime, doc: InstanceDoc, snap: RuntimeSnapshot): void {
    this.uncache(key);
    if (snap.state === 'completed' || snap.state === 'canceled' || this.cacheElements <= 0) return;
    this.cache.set(key, { runtime, rev: doc.rev, doc });
    this.cachedElements += EmbeddedEngine.weight(runtime);
    while (this.cachedElements > this.cacheElements && this.cache.size > 0) {
      const oldest = this.cache.keys().next().value as string;
      this.uncache(oldest);
    }
  }

  /** The projection changes from one instance document to the next; undefined when there are none. */
  private outbox(prev: InstanceDoc, next: InstanceDoc, closings: { key: string; by?: string; at: Date }[]): OutboxDoc | undefined {
    const key = next._id;
    const prevJobs = new Set((prev.jobs ?? []).map((j) => j.key));
    const nextJobs = new Set((next.jobs ?? []).map((j) => j.key));
    const prevTasks = new Set((prev.userTasks ?? []).map((t) => t.key));
    const nextTasks = new Set((next.userTasks ?? []).map((t) => t.key));
    const prevSubs = new Set((prev.subscriptions ?? []).map((t) => t.key));
    const nextSubs = new Set((next.subscriptions ?? []).map((t) => t.key));
    const now = this.clock.now();

    const jobsAdded: JobDoc[] = next.jobs
      .filter((j) => !prevJobs.has(j.key))
      .map((j) => ({
        _id: `${key}-${j.key}`,
        instanceKey: key,
        executionId: j.key,
        type: j.type,
        elementId: j.elementId,
        bpmnProcessId: next.bpmnProcessId,
        version: next.version,
        retries: j.retries,
        headers: j.headers,
        variables: j.variables,
        state: 'activatable',
        availableAt: 0,
        lockedUntil: 0,
        deliveries: 0,
        seq: ++this.jobSeq,
        createdAtMs: realNow(),
      }));
    const jobsRemoved = [...prevJobs].filter((k) => !nextJobs.has(k)).map((k) => `${key}-${k}`);
    const tasksAdded: UserTaskDoc[] = next.userTasks
      .filter((t) => !prevTasks.has(t.key))
      .map((t) => {
        const dueAt = toDate(t.dueDate);
        return {
          _id: `${key}-${t.key}`,
          executionId: t.key,
          processInstanceKey: key,
          bpmnProcessId: next.bpmnProcessId,
          processDefinitionVersion: next.version,
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
          ...(next.businessKey ? { businessKey: next.businessKey } : {}),
          state: 'created',
          createdAt: now,
        };
      });
    const tasksClosed: TaskClosing[] = [...prevTasks]
      .filter((k) => !nextTasks.has(k))
      .map((k) => {
        const id = `${key}-${k}`;
        const done = closings.find((c) => c.key === id);
        return done ? { ...done, state: 'completed' as const } : { key: id, state: 'canceled' as const, at: now };
      });
    const subscriptionsAdded: SubscriptionDoc[] = next.subscriptions
      .filter((s) => !prevSubs.has(s.key))
      .map((s) => ({
        _id: `${key}-${s.key}`,
        instanceKey: key,
        executionId: s.key,
        messageName: s.messageName,
        correlationKey: s.correlationKey,
        open: true,
      }));
    const subscriptionsRemoved = [...prevSubs].filter((k) => !nextSubs.has(k)).map((k) => `${key}-${k}`);
    if (
      !jobsAdded.length &&
      !jobsRemoved.length &&
      !tasksAdded.length &&
      !tasksClosed.length &&
      !subscriptionsAdded.length &&
      !subscriptionsRemoved.length
    ) {
      return undefined;
    }
    return {
      _id: `${key}:${next.rev}`,
      instanceKey: key,
      rev: next.rev,
      jobsAdded,
      jobsRemoved,
      tasksAdded,
      tasksClosed,
      subscriptionsAdded,
      subscriptionsRemoved,
      // The timer index is written outside the outbox (see timerBefore); older outboxes may carry a change.
      timer: { changed: false, dueAt: null },
    };
  }

  /** Applies an outbox (idempotently: it may run again after a crash), then deletes it. */
  private async applyOutbox(outbox: OutboxDoc, doc: InstanceDoc): Promise<void> {
    const events: { type: 'created' | 'completed' | 'canceled'; doc: UserTaskDoc }[] = [];
    const newJobTypes = new Set<string>();
    for (const job of outbox.jobsAdded) {
      if (await insertOnce(this.m.Job, job)) {
        this.liveJobs.set(job._id, { ...job });
        newJobTypes.add(job.type);
        this.enqueue(job.type, job._id);
      }
    }
    for (const id of outbox.jobsRemoved) await this.dropJob(id);
    for (const closing of outbox.tasksClosed) {
      const open = await this.openTask(closing.key);
      if (!open || open.state !== 'created') continue;
      const closed: UserTaskDoc = {
        ...open,
        state: closing.state,
        completedAt: closing.at,
        ...(closing.by ? { completedBy: closing.by } : {}),
      };
      await insertOnce(this.m.UserTaskHistory, closed);
      await this.m.UserTask.deleteOne({ _id: closing.key });
      this.forgetOpenTask(closing.key);
      events.push({ type: closing.state, doc: closed });
    }
    for (const task of outbox.tasksAdded) {
      const stored = packTask(task) as UserTaskDoc;
      if (await insertOnce(this.m.UserTask, stored)) {
        // Kept from the task itself (its stored text holds every field: no parse of what was just made).
        this.keepOpenTask(task);
        events.push({ type: 'created', doc: task });
      }
    }
    for (const sub of outbox.subscriptionsAdded) await insertOnce(this.m.Subscription, sub);
    for (const id of outbox.subscriptionsRemoved) await this.m.Subscription.deleteOne({ _id: id });
    if (outbox.timer.changed) {
      const dueAt = outbox.timer.dueAt ? new Date(outbox.timer.dueAt) : null;
      if (dueAt === null) await this.m.Timer.deleteOne({ _id: doc._id });
      else await this.writeTimer(doc._id, dueAt.getTime());
      this.armTimer(doc._id, dueAt === null ? null : dueAt.getTime());
    }
    this.outboxApplied(outbox._id);

    for (const e of events) {
      for (const listener of this.taskListeners) {
        try {
          await listener({ type: e.type, task: taskView(e.doc) });
        } catch (err) {
          this.logger.error(`engine: user task listener failed: ${(err as Error).message}`);
        }
      }
    }
    for (const type of newJobTypes) this.jobSignal.emit(`job:${type}`);
    if (newJobTypes.size) this.jobSignal.emit('job');
    const now = this.clock.now();
    for (const sub of outbox.subscriptionsAdded) {
      const buffered = await this.m.Message.findOne({ name: sub.messageName, correlationKey: sub.correlationKey, expiresAt: { $gt: now } }).lean();
      if (!buffered) continue;
      // Outside this instance's lock: deliver after the current operation.
      this.inflight++;
      setImmediate(() => {
        void this.deliverBuffered(sub.messageName, sub.correlationKey).finally(() => this.inflight--);
      });
    }
  }

  private async deliverBuffered(name: string, correlationKey: string): Promise<void> {
    try {
      const msg = await this.m.Message.findOneAndDelete({ name, correlationKey, expiresAt: { $gt: this.clock.now() } }).lean();
      if (!msg) return;
      const delivered = await this.correlate(name, correlationKey, msg.variables ?? {});
      if (!delivered) await this.m.Message.create(msg);
    } catch (err) {
      this.logger.error(`engine: buffered message ${name}: ${(err as Error).message}`);
    }
  }
}

/** The earliest pending timer of an open instance (ms), or null. */
function dueOf(doc: InstanceDoc): number | null {
  return doc.timers?.length && (doc.state === 'active' || doc.state === 'incident') ? Math.min(...doc.timers.map((t) => t.dueAt)) : null;
}

/**
 * An outbox found at start-up, cut to what its instance still has: entries it added that a later
 * write removed are not added again, and the timer is the instance's own earliest.
 */
function reconciled(outbox: OutboxDoc, doc: InstanceDoc): OutboxDoc {
  const key = doc._id;
  const jobs = new Set((doc.jobs ?? []).map((j) => `${key}-${j.key}`));
  const tasks = new Set((doc.userTasks ?? []).map((t) => `${key}-${t.key}`));
  const subscriptions = new Set((doc.subscriptions ?? []).map((s) => `${key}-${s.key}`));
  const due = dueOf(doc);
  return {
    ...outbox,
    jobsAdded: outbox.jobsAdded.filter((j) => jobs.has(j._id)),
    tasksAdded: outbox.tasksAdded.filter((t) => tasks.has(t._id)),
    subscriptionsAdded: outbox.subscriptionsAdded.filter((s) => subscriptions.has(s._id)),
    timer: { changed: true, dueAt: due === null ? null : new Date(due) },
  };
}

/** bpmn-engine state, deflated: ≈ 15 KB of JSON becomes ≈ 2 KB, which the database handles far faster. */
function packState(state: unknown): Buffer {
  return deflateRawSync(JSON.stringify(state), { level: 1 });
}

function unpackState(data: Buffer | { buffer: Uint8Array } | string): unknown {
  if (typeof data === 'string') return JSON.parse(data) as unknown;
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer);
  return JSON.parse(inflateRawSync(bytes).toString('utf8')) as unknown;
}

/** Inserts a document unless one with its _id exists; true when inserted. */
async function insertOnce<T>(model: import('mongoose').Model<T>, doc: T): Promise<boolean> {
  try {
    await model.collection.insertOne(doc as never);
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return false;
    throw err;
  }
}

function emptyDoc(): Pick<InstanceDoc, 'jobs' | 'userTasks' | 'subscriptions' | 'timers' | 'state'> {
  return { jobs: [], userTasks: [], subscriptions: [], timers: [], state: 'active' };
}

/** Whether an open task matches a search (searchUserTasks): the same conditions as its query on the history. */
function taskMatches(t: Omit<UserTaskDoc, 'variables' | 'customHeaders' | 'packed'>, filter: UserTaskFilter, groups: Set<string> | undefined): boolean {
  const user = filter.candidateUser;
  if (filter.processInstanceKey && t.processInstanceKey !== filter.processInstanceKey) return false;
  if (filter.businessKey && t.businessKey !== filter.businessKey) return false;
  if (filter.kind && t.kind !== filter.kind) return false;
  if (filter.assignee && t.assignee !== filter.assignee) return false;
  if (groups || user) {
    return (
      (groups !== undefined && (t.candidateGroups ?? []).some((g) => groups.has(g))) ||
      (user !== undefined && ((t.candidateUsers ?? []).includes(user) || t.assignee === user))
    );
  }
  return true;
}

function createdMs(at: Date | string | number): number {
  return at instanceof Date ? at.getTime() : new Date(at).getTime();
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
    state: doc.state === 'moved' ? 'completed' : doc.state,
    createdAt: (doc.createdAt instanceof Date ? doc.createdAt : new Date(doc.createdAt)).toISOString(),
    ...(doc.completedAt ? { completedAt: new Date(doc.completedAt).toISOString() } : {}),
    ...(doc.completedBy ? { completedBy: doc.completedBy } : {}),
  };
}

/** A job worker inside this process: polls the job collection, woken early when jobs of its type appear. */
class InProcessWorker implements JobWorker {
  private running = true;
  private active = 0;
  private activating = false;
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
    return this.active > 0 || this.activating;
  }

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const capacity = this.max - this.active;
      let jobs: Job[] = [];
      if (capacity > 0) {
        this.activating = true;
        try {
          jobs = await this.engine.activateJobs(this.type, capacity, this.timeoutMs, this.name);
        } catch (err) {
          if (!this.running) return;
          jobs = [];
          await new Promise((r) => setTimeout(r, this.pollMs));
          void err;
        }
      }
      // Handlers count as active from here: no gap in which idle() sees nothing.
      for (const _ of jobs) this.active++;
      this.activating = false;
      for (const job of jobs) {
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
