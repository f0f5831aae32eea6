/**
 * The ledger: creating an order (and starting its process), reading and
 * listing with resident scoping and masking, the CSV export, cancellation.
 */
import { DateTime } from 'luxon';
import { Types, type Connection } from 'mongoose';
import { EngineError, type ProcessEngine, type Variables } from '../../engine/port.js';
import { getModels, type Models } from '../../domain/models.js';
import type { TimelineDoc } from '../../domain/timeline.model.js';
import { MongoDirectory } from '../../domain/services/directory.js';
import { OutboxNotifier } from '../../domain/services/notifier.js';
import { RetentionHoldError, RetentionSweeper } from '../../domain/services/retention.js';
import { isDuplicateKey, isObjectIdLike, MongoOrderStore, OrderNotFoundError } from '../../domain/services/order-store.js';
import { nextOrderNumber } from '../../domain/services/numbers.js';
import type { Channel, OrderKind, WorkOrderDoc } from '../../domain/work-order.model.js';
import type { AuthUser } from '../auth/service.js';
import { Conflict, Forbidden, NotFound, ServiceUnavailable, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { maskName, maskPhone, maskPhonesInText } from '../masking.js';
import { ledgerCsv } from '../reports/ledger.js';
import { ledgerIndexOf, timelineCacheOf, type IndexedOrder, type LedgerEntry } from './ledger-index.js';
import { canCancel, canReadOrder, canSeeReporter, isStaff } from './policy.js';
import type { CreateWorkOrderBody, ExportWorkOrdersQuery, ListWorkOrdersQuery } from './schemas.js';

/** The BPMN process each kind of order starts (process id = file name in processes/). */
export const PROCESS_OF_KIND: Record<OrderKind, string> = {
  repair: 'repair',
  'urgent-appeal': 'urgent-appeal',
  'paid-service': 'paid-service',
  quality: 'quality',
  complaint: 'complaint',
  compensation: 'compensation',
  consultation: 'consultation',
};

/** Statuses before sign-off (签收), in which an order may still be canceled. */
const CANCELABLE = new Set(['reported', 'dispatched']);

const DEFAULT_ZONE = 'Asia/Shanghai';

type OrderRecord = WorkOrderDoc & { _id: unknown };

export interface WorkOrderView {
  id: string;
  number: string;
  kind: OrderKind;
  status: string;
  processInstanceKey: string | null;
  bpmnProcessId: string | null;
  processVersion: number | null;
  communityId: string;
  address: string;
  description: string;
  faultType: string | null;
  symptom: string | null;
  part: string | null;
  priority: number | null;
  repairClass: string | null;
  responsibility: string | null;
  reporter: { name: string; phone: string } | null;
  reporterMasked: boolean;
  reporterUserId: string | null;
  reportedBy: string;
  channel: Channel;
  reportedAt: string;
  desiredTime: string | null;
  catalogueItemId: string | null;
  claimAmount: number | null;
  attachments: string[];
  assignedUnitId: string | null;
  technicianId: string | null;
  signedAt: string | null;
  closedAt: string | null;
  cancelReason: string | null;
  deadlines: { name: string; dueAt: string; metAt: string | null; breached: boolean; canceledAt: string | null; taskKey?: string }[];
  timeline?: { at: string; type: string; actor: string; note: string; elementId: string | null }[];
  fees: Record<string, unknown> | null;
  rating: Record<string, unknown> | null;
  fields: Record<string, unknown>;
  /** Orders of other procedures this one opened (`follow-up`) or came from (`origin`). */
  links: { workOrderId: string; number: string; kind: string; relation: string; reason: string | null; at: string }[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export interface WorkOrderServiceDeps {
  conn: Connection;
  engine: ProcessEngine;
  logger: Logger;
  processOfKind?: Record<OrderKind, string>;
  /**
   * Serve the ledger list and export from the in-process index of work orders
   * (ledger-index.ts; default true). Off (LEDGER_INDEX=off) when another
   * process writes the same database.
   */
  ledgerIndex?: boolean;
}

export class WorkOrderService {
  private readonly models: Models;
  private readonly directory: MongoDirectory;
  private readonly orders: MongoOrderStore;
  private readonly retention: RetentionSweeper;
  private readonly processOfKind: Record<OrderKind, string>;

  constructor(private readonly deps: WorkOrderServiceDeps) {
    this.models = getModels(deps.conn);
    this.directory = new MongoDirectory(deps.conn);
    const now = () => deps.engine.clock.now();
    // R-NOTE-1: a cancellation is a status change the resident is told of, like every other.
    this.orders = new MongoOrderStore(deps.conn, now, { statusNotifier: new OutboxNotifier(deps.conn, now) });
    this.retention = new RetentionSweeper(deps.conn, now);
    this.processOfKind = deps.processOfKind ?? PROCESS_OF_KIND;
  }

  /* ------------------------------------------------------------- create */

  /**
   * `idempotencyKey`: the client's Idempotency-Key header. A creation retried
   * with the same key by the same user (its answer lost to a dropped
   * connection or a crash) answers the order the first one created, once.
   */
  async create(user: AuthUser, body: CreateWorkOrderBody, idempotencyKey?: string): Promise<WorkOrderView> {
    const scopedKey = idempotencyKey !== undefined ? `${user.id}:${idempotencyKey}` : undefined;
    // A key whose request left no order (it failed, or a crash cut it off) is taken over below.
    let orphanKey = false;
    if (scopedKey) {
      const earlier = await this.models.IdempotencyKey.findById(scopedKey).lean();
      const answered = earlier ? await this.orderOfEarlierRequest(user, earlier.orderId) : undefined;
      if (answered) return answered;
      orphanKey = earlier !== null;
    }
    const community = await this.directory.community(body.communityId);
    if (!community) throw new ValidationError('The request is invalid.', [{ path: 'communityId', message: 'unknown community' }]);
    // R-PAID-3: a paid service names an item of the fee catalogue, or none (then it is assessed).
    const catalogueItem = body.kind === 'paid-service' && body.catalogueItemId !== undefined ? await this.catalogueItem(body.catalogueItemId) : undefined;

    const staff = isStaff(user);
    if (!staff) {
      // A resident may only create orders for their own flat.
      const flat = user.flat;
      if (!flat || flat.communityId !== body.communityId || normalizeAddress(flat.address) !== normalizeAddress(body.address)) {
        throw new Forbidden('A resident may only report for their own flat.', 'NOT_OWN_FLAT');
      }
    }
    const channel: Channel = body.channel ?? (staff ? 'phone' : 'app');
    const reporter = body.reporter ?? (!staff ? { name: user.name, phone: user.phone ?? '' } : undefined);
    if (!reporter && channel !== 'sensor') {
      throw new ValidationError('The request is invalid.', [{ path: 'reporter', message: 'is required (name and phone of who reports)' }]);
    }
    const reporterUserId = !staff ? user.id : await this.residentIdFor(body.communityId, body.address);

    const bpmnProcessId = this.processOfKind[body.kind];
    await this.ensureDeployed(bpmnProcessId);

    const now = this.deps.engine.clock.now();
    const number = await nextOrderNumber(this.deps.conn, body.kind, now, community.timeZone);
    const priority = body.priority;
    const id = new Types.ObjectId().toHexString();
    const variables: Variables = {
      workOrderId: id,
      orderNumber: number,
      communityId: body.communityId,
      kind: body.kind,
      ...(priority !== undefined ? { priority } : {}),
      ...(body.responsibility !== undefined ? { responsibility: body.responsibility } : {}),
      ...(body.faultType !== undefined ? { faultType: body.faultType } : {}),
      ...(body.symptom !== undefined ? { symptom: body.symptom } : {}),
      ...(body.part !== undefined ? { part: body.part } : {}),
      description: body.description,
      address: body.address,
      channel,
      reportedBy: user.username,
      ...(reporterUserId ? { reporterUserId } : {}),
      reportedAt: now.toISOString(),
      ...(body.desiredTime !== undefined ? { desiredTime: body.desiredTime } : {}),
      ...(body.catalogueItemId !== undefined ? { catalogueItemId: body.catalogueItemId } : {}),
      ...(body.claimAmount !== undefined ? { claimAmount: body.claimAmount } : {}),
      // The catalogue entry as it is now: the order keeps the price it was registered with.
      ...(catalogueItem
        ? { serviceItem: catalogueItem.name, catalogueFee: catalogueItem.price, catalogueUnit: catalogueItem.unit, serviceCategory: catalogueItem.category }
        : {}),
      firstUnitId: community.firstUnitId,
      secondUnitId: community.secondUnitId ?? null,
    };
    const doc: Omit<WorkOrderDoc, 'createdAt' | 'updatedAt'> = {
      number,
      kind: body.kind,
      status: 'reported',
      communityId: body.communityId,
      address: body.address,
      description: body.description,
      ...(body.faultType !== undefined ? { faultType: body.faultType } : {}),
      ...(body.symptom !== undefined ? { symptom: body.symptom } : {}),
      ...(body.part !== undefined ? { part: body.part } : {}),
      ...(priority !== undefined ? { priority, repairClass: priority <= 2 ? 'emergency' : 'routine' } : {}),
      ...(body.responsibility !== undefined ? { responsibility: body.responsibility } : {}),
      ...(reporter ? { reporter } : {}),
      ...(reporterUserId ? { reporterUserId } : {}),
      createdByUserId: user.id,
      createdByUsername: user.username,
      channel,
      reportedAt: now,
      ...(body.desiredTime !== undefined ? { desiredTime: new Date(body.desiredTime) } : {}),
      ...(body.catalogueItemId !== undefined ? { catalogueItemId: body.catalogueItemId } : {}),
      ...(body.claimAmount !== undefined ? { claimAmount: body.claimAmount } : {}),
      attachments: body.attachments ?? [],
      assignedUnitId: null,
      technicianId: null,
      processInstanceKey: null,
      bpmnProcessId,
      deadlines: [],
      fees: null,
      rating: null,
      fields: {},
      signedAt: null,
      closedAt: null,
      appliedKeys: [],
      version: 0,
    };
    // The start variables are written with the order: a crash before its process has started is
    // finished at the next start-up (recoverPendingStarts).
    if (scopedKey) {
      // Claimed by inserting on the primary key: of two requests with one key, one inserts, the other answers its order.
      let takeOver = orphanKey;
      if (!takeOver) {
        try {
          await this.models.IdempotencyKey.create({ _id: scopedKey, orderId: id, createdAt: now });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const earlier = await this.models.IdempotencyKey.findById(scopedKey).lean();
          const answered = earlier ? await this.orderOfEarlierRequest(user, earlier.orderId) : undefined;
          if (answered) return answered;
          takeOver = true;
        }
      }
      if (takeOver) await this.models.IdempotencyKey.findOneAndUpdate({ _id: scopedKey }, { $set: { orderId: id, createdAt: now } }, { upsert: true });
    }
    // The marker first: a crash after the order's write leaves it, and start-up finishes the start.
    await this.models.PendingStart.create({ _id: id, createdAt: now });
    await this.models.WorkOrder.create({ _id: id, ...doc, timelineIds: [], timelineIndexed: true, pendingStart: variables });


    try {
      await this.orders.addTimeline(id, {
        key: 'reported',
        type: 'reported',
        actor: user.username,
        note: `${body.kind} reported via ${channel}`,
        at: now,
      });
      const started = await this.deps.engine.startInstance(bpmnProcessId, variables, { businessKey: id });
      await this.recordStart(id, started);
    } catch (err) {
      // A rejected request changes nothing: remove what this request wrote.
      await this.removeOrder(id).catch((cleanupErr: unknown) =>
        this.deps.logger.error('could not remove the order of a failed start', { orderId: id, error: cleanupErr }),
      );
      throw this.startError(err, bpmnProcessId);
    }
    return this.get(user, id);
  }

  /** An active item of the fee catalogue (维修项目收费标准), else 400 naming catalogueItemId. */
  private async catalogueItem(id: string): Promise<{ name: string; price: number; unit: string; category: string }> {
    const item = await this.models.FeeCatalogueItem.findOne({ _id: id, active: true }).lean();
    if (!item) {
      throw new ValidationError('The request is invalid.', [{ path: 'catalogueItemId', message: 'is not an active item of the fee catalogue' }]);
    }
    return { name: item.name, price: item.price, unit: item.unit, category: item.category };
  }

  private async ensureDeployed(bpmnProcessId: string): Promise<void> {
    let deployed: boolean;
    try {
      deployed = (await this.deps.engine.listProcesses()).some((p) => p.bpmnProcessId === bpmnProcessId);
    } catch (err) {
      throw this.startError(err, bpmnProcessId);
    }
    if (!deployed) throw notDeployed(bpmnProcessId);
  }

  private startError(err: unknown, bpmnProcessId: string): unknown {
    if (err instanceof EngineError) {
      if (err.code === 'NOT_FOUND') return notDeployed(bpmnProcessId);
      if (err.code === 'UNAVAILABLE') return new ServiceUnavailable(`The process engine is not available: ${err.message}`, 'ENGINE_UNAVAILABLE');
      if (err.code === 'INVALID') return new Conflict(`The process ${bpmnProcessId} could not start: ${err.message}`, 'PROCESS_START_FAILED', err.details);
    }
    return err;
  }

  /**
   * The order a request with the same Idempotency-Key created; it may still be
   * on its way (written a moment later), so a few short waits; undefined when
   * that request left no order (failed, or cut off by a crash).
   */
  private async orderOfEarlierRequest(user: AuthUser, orderId: string): Promise<WorkOrderView | undefined> {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (await this.models.WorkOrder.findById(orderId).lean()) return this.get(user, orderId);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  }

  private async recordStart(id: string, started: { processInstanceKey: string; bpmnProcessId: string; version: number }): Promise<void> {
    await this.models.WorkOrder.findOneAndUpdate(
      { _id: id },
      {
        $set: { processInstanceKey: started.processInstanceKey, bpmnProcessId: started.bpmnProcessId, processVersion: started.version, pendingStart: null },
        $inc: { version: 1 },
      },
    );
    await this.models.PendingStart.deleteOne({ _id: id });
  }

  /**
   * At start-up, before requests are served: orders whose process start was
   * cut off by a crash. An instance that did start (found by its business
   * key) is recorded; otherwise the process is started now with the variables
   * kept on the order. Returns how many were finished.
   */
  async recoverPendingStarts(): Promise<number> {
    // The markers (a small collection), not a search of every order (a scan on FerretDB, growing with the ledger).
    const markers = await this.models.PendingStart.find({}).lean();
    let finished = 0;
    for (const marker of markers) {
      const id = marker._id;
      const order = await this.models.WorkOrder.findById(id).lean();
      if (!order || !order.pendingStart) {
        // Cut off before the order was written, or after its start was recorded.
        await this.models.PendingStart.deleteOne({ _id: id });
        continue;
      }
      const vars = (order.pendingStart ?? {}) as Record<string, unknown>;
      // The report on the timeline (keyed: written once, whether or not the crash came before it).
      await this.orders.addTimeline(id, {
        key: 'reported',
        type: 'reported',
        actor: typeof vars.reportedBy === 'string' ? vars.reportedBy : 'system',
        note: `${order.kind} reported via ${order.channel ?? 'web'}`,
        at: order.createdAt ?? this.deps.engine.clock.now(),
      });
      const [existing] = await this.deps.engine.listInstances({ businessKey: id, limit: 1 });
      const started = existing
        ? { processInstanceKey: existing.key, bpmnProcessId: existing.bpmnProcessId, version: existing.version }
        : await this.deps.engine.startInstance(order.bpmnProcessId ?? this.processOfKind[order.kind], order.pendingStart ?? {}, { businessKey: id });
      await this.recordStart(id, started);
      this.deps.logger.warn('finished the process start of an order cut off by a crash', { orderId: id, started: !existing });
      finished++;
    }
    return finished;
  }

  private async removeOrder(id: string): Promise<void> {
    await this.models.Timeline.deleteMany({ workOrderId: id });
    await this.models.Notification.deleteMany({ workOrderId: id });
    await this.models.WorkOrder.deleteOne({ _id: id });
    await this.models.PendingStart.deleteOne({ _id: id });
    // A failed creation frees its Idempotency-Key at once: the client may retry with it without waiting.
    await this.models.IdempotencyKey.deleteMany({ orderId: id });
  }

  /** Staff reporting for a registered resident's flat: link the order to that resident. */
  private async residentIdFor(communityId: string, address: string): Promise<string | undefined> {
    const residents = await this.models.User.find({ roles: 'resident', 'flat.communityId': communityId }, { _id: 1, flat: 1 }).lean();
    const match = residents.filter((r) => r.flat && normalizeAddress(r.flat.address) === normalizeAddress(address));
    return match.length === 1 ? match[0]._id : undefined;
  }

  /* --------------------------------------------------------------- read */

  async get(user: AuthUser, id: string): Promise<WorkOrderView> {
    // The ledger index's entry when it is known current (no database read), else by id.
    const indexed = this.deps.ledgerIndex === false ? undefined : ledgerIndexOf(this.deps.conn).peek(id);
    const doc = indexed ?? (await this.load(id));
    if (!canReadOrder(user, doc)) throw new NotFound(`Work order ${id} not found.`, 'WORK_ORDER_NOT_FOUND');
    return toView(doc, user, await this.timelineOf(id, doc));
  }

  /**
   * The order's timeline, oldest first. Orders that list their entries' ids
   * (timelineIndexed) are read by id, one indexed read per entry; on FerretDB
   * a find by workOrderId scans the whole timeline collection. Older orders: by workOrderId.
   */
  private async timelineOf(id: string, doc: IndexedOrder): Promise<TimelineDoc[]> {
    if (doc.timelineIndexed !== true || !Array.isArray(doc.timelineIds)) {
      return this.models.Timeline.find({ workOrderId: id }).sort({ at: 1, _id: 1 }).lean<TimelineDoc[]>();
    }
    const ids = [...new Set(doc.timelineIds.map(String))];
    // Entries never change once written: kept in memory beside the ledger index (unless it is off).
    const cache = this.deps.ledgerIndex === false ? undefined : timelineCacheOf(this.deps.conn);
    const found = await Promise.all(
      ids.map((t) => (cache ? cache.get(t) : this.models.Timeline.findById(t).lean<TimelineDoc & { _id: unknown }>())),
    );
    return found
      .filter((t): t is TimelineDoc & { _id: unknown } => t !== null && t.workOrderId === id)
      .sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime() || (String(a._id) < String(b._id) ? -1 : String(a._id) > String(b._id) ? 1 : 0));
  }

  async list(user: AuthUser, query: ListWorkOrdersQuery): Promise<{ items: WorkOrderView[]; total: number; limit: number; offset: number }> {
    const indexed = await this.fromIndex(user, query);
    if (indexed) {
      const page = indexed.slice(query.offset, query.offset + query.limit);
      return { items: page.map((e) => toView(e.doc, user)), total: indexed.length, limit: query.limit, offset: query.offset };
    }
    const filter = this.filterFor(user, query);
    const [total, docs] = await Promise.all([
      this.models.WorkOrder.countDocuments(filter),
      this.models.WorkOrder.find(filter).sort({ reportedAt: -1, _id: -1 }).skip(query.offset).limit(query.limit).lean<OrderRecord[]>(),
    ]);
    return { items: docs.map((d) => toView(d, user)), total, limit: query.limit, offset: query.offset };
  }

  /** The ledger as CSV (UTF-8 with BOM for spreadsheet programs); reporter masked unless the caller may see it. */
  async exportCsv(user: AuthUser, query: ExportWorkOrdersQuery): Promise<string> {
    const indexed = await this.fromIndex(user, query);
    const docs: IndexedOrder[] = indexed
      ? indexed.slice(0, 50_000).map((e) => e.doc)
      : await this.models.WorkOrder.find(this.filterFor(user, query)).sort({ reportedAt: -1, _id: -1 }).limit(50_000).lean<OrderRecord[]>();
    // R-LED-1..3: columns, masking of free text and retention are the ledger's (api/reports/ledger.ts).
    const views = docs.map((d) => toView(d, user));
    return ledgerCsv(views, (i, s) => (docs[i] && canSeeReporter(user, docs[i]) ? s : maskPhonesInText(s)));
  }

  /**
   * The orders the filter selects, in ledger order, from the in-process index;
   * undefined when the index is off or not ready (then the database answers).
   * The same selection as filterFor: keep the two together.
   */
  private async fromIndex(user: AuthUser, q: ListWorkOrdersQuery | ExportWorkOrdersQuery): Promise<LedgerEntry[] | undefined> {
    if (this.deps.ledgerIndex === false) return undefined;
    const all = await ledgerIndexOf(this.deps.conn).current();
    if (!all) return undefined;
    const tests: ((d: IndexedOrder) => boolean)[] = [];
    if (!isStaff(user)) tests.push((d) => d.reporterUserId === user.id || d.createdByUserId === user.id);
    if (q.status?.length) {
      const statuses = new Set<string>(q.status);
      tests.push((d) => statuses.has(d.status));
    }
    if (q.kind?.length) {
      const kinds = new Set<string>(q.kind);
      tests.push((d) => kinds.has(d.kind));
    }
    if (q.communityId) {
      const communityId = q.communityId;
      tests.push((d) => d.communityId === communityId);
    }
    if (q.priority !== undefined) {
      const priority = q.priority;
      tests.push((d) => d.priority === priority);
    }
    const from = q.from ? boundary(q.from, 'from').getTime() : undefined;
    const to = q.to ? boundary(q.to, 'to').getTime() : undefined;
    if (q.q) {
      const rx = new RegExp(escapeRegex(q.q), 'i');
      const hit = (v: unknown): boolean => typeof v === 'string' && rx.test(v);
      tests.push((d) => hit(d.number) || hit(d.address) || hit(d.description) || hit(d.faultType) || hit(d.symptom) || hit(d.part));
    }
    return all.filter(
      // A missing reportedAt (-Infinity) matches no date bound, as in MongoDB.
      (e) => (from === undefined || e.at >= from) && (to === undefined || (e.at < to && e.at !== Number.NEGATIVE_INFINITY)) && tests.every((t) => t(e.doc)),
    );
  }

  private filterFor(user: AuthUser, q: ListWorkOrdersQuery | ExportWorkOrdersQuery): Record<string, unknown> {
    const and: Record<string, unknown>[] = [];
    if (!isStaff(user)) and.push({ $or: [{ reporterUserId: user.id }, { createdByUserId: user.id }] });
    if (q.status?.length) and.push({ status: { $in: q.status } });
    if (q.kind?.length) and.push({ kind: { $in: q.kind } });
    if (q.communityId) and.push({ communityId: q.communityId });
    if (q.priority !== undefined) and.push({ priority: q.priority });
    if (q.from) and.push({ reportedAt: { $gte: boundary(q.from, 'from') } });
    if (q.to) and.push({ reportedAt: { $lt: boundary(q.to, 'to') } });
    if (q.q) {
      const rx = { $regex: escapeRegex(q.q), $options: 'i' };
      and.push({ $or: [{ number: rx }, { address: rx }, { description: rx }, { faultType: rx }, { symptom: rx }, { part: rx }] });
    }
    return and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
  }

  /* ------------------------------------------------------------- cancel */

  async cancel(user: AuthUser, id: string, reason: string): Promise<WorkOrderView> {
    const doc = await this.load(id);
    if (!canReadOrder(user, doc)) throw new NotFound(`Work order ${id} not found.`, 'WORK_ORDER_NOT_FOUND');
    if (!canCancel(user, doc)) throw new Forbidden('Only the reporter or a dispatcher may cancel an order.', 'NOT_ALLOWED_TO_CANCEL');
    if (!CANCELABLE.has(doc.status) || doc.signedAt) {
      throw new Conflict(`The order is ${doc.status}${doc.signedAt ? ' and signed for' : ''}: it can be canceled only before sign-off.`, 'NOT_CANCELABLE');
    }
    const now = this.deps.engine.clock.now();
    // Claim the cancellation atomically: a sign-off racing us wins or loses as a whole.
    const claimed = await this.models.WorkOrder.updateOne(
      { _id: id, version: doc.version, status: doc.status, signedAt: null },
      { $set: { status: 'withdrawn', cancelReason: reason, closedAt: now }, $inc: { version: 1 } },
    );
    if (claimed.matchedCount === 0) throw new Conflict('The order changed meanwhile; reload and try again.', 'VERSION_CONFLICT');
    if (doc.processInstanceKey) {
      try {
        await this.deps.engine.cancelInstance(doc.processInstanceKey);
      } catch (err) {
        if (!(err instanceof EngineError && err.code === 'NOT_FOUND')) {
          // Undo the claim: a rejected request changes nothing.
          await this.models.WorkOrder.updateOne(
            { _id: id, status: 'withdrawn' },
            { $set: { status: doc.status, closedAt: doc.closedAt ?? null }, $unset: { cancelReason: 1 }, $inc: { version: 1 } },
          );
          if (err instanceof EngineError && err.code === 'CONFLICT') throw new Conflict(`The process cannot be canceled: ${err.message}`, 'NOT_CANCELABLE');
          throw err;
        }
      }
    }
    await this.orders.addTimeline(id, { key: 'canceled', type: 'canceled', actor: user.username, note: `canceled: ${reason}`, at: now });
    await this.orders.notifyStatusChange(id, { number: doc.number, from: doc.status, to: 'withdrawn', key: 'canceled' });
    return this.get(user, id);
  }

  /* ------------------------------------------------------------- retention (R-LED-3) */

  /** Deletes an order whose retention has passed (admin); 409 before its time, for public-facility records always. */
  async purge(id: string): Promise<{ workOrderId: string; number: string; purged: true }> {
    try {
      const { number } = await this.retention.purge(id);
      return { workOrderId: id, number, purged: true };
    } catch (err) {
      if (err instanceof OrderNotFoundError) throw new NotFound(`Work order ${id} not found.`, 'WORK_ORDER_NOT_FOUND');
      if (err instanceof RetentionHoldError) throw new Conflict(`The order may not be deleted yet: ${err.reason}.`, 'RETENTION_NOT_EXPIRED');
      throw err;
    }
  }

  /** The retention sweep now (it also runs by itself, and whenever the demo clock moves). */
  async sweepRetention(): Promise<{ purged: string[] }> {
    return this.retention.sweep();
  }

  private async load(id: string): Promise<OrderRecord> {
    if (!isObjectIdLike(id)) throw new NotFound(`Work order ${id} not found.`, 'WORK_ORDER_NOT_FOUND');
    const doc = await this.models.WorkOrder.findById(id).lean<OrderRecord>();
    if (!doc) throw new NotFound(`Work order ${id} not found.`, 'WORK_ORDER_NOT_FOUND');
    return doc;
  }
}

function notDeployed(bpmnProcessId: string): Conflict {
  return new Conflict(`The process "${bpmnProcessId}" is not deployed; a process owner must deploy it first.`, 'PROCESS_NOT_DEPLOYED');
}

export function normalizeAddress(address: string): string {
  return address.replace(/\s+/g, '').toLowerCase();
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A date-time as given, or a local date: `from` = start of that day, `to` = start of the next (exclusive). */
function boundary(value: string, side: 'from' | 'to'): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone: DEFAULT_ZONE }).startOf('day');
    return (side === 'to' ? day.plus({ days: 1 }) : day).toJSDate();
  }
  return new Date(value);
}

export function toView(d: IndexedOrder, viewer: AuthUser, timeline?: TimelineDoc[]): WorkOrderView {
  const showReporter = canSeeReporter(viewer, d);
  const reporter = d.reporter?.name !== undefined || d.reporter?.phone !== undefined
    ? showReporter
      ? { name: d.reporter?.name ?? '', phone: d.reporter?.phone ?? '' }
      : { name: maskName(d.reporter?.name ?? ''), phone: maskPhone(d.reporter?.phone ?? '') }
    : null;
  const note = (s: string): string => (showReporter ? s : maskPhonesInText(s));
  return {
    id: String(d._id),
    number: d.number,
    kind: d.kind,
    status: d.status,
    processInstanceKey: d.processInstanceKey ?? null,
    bpmnProcessId: d.bpmnProcessId ?? null,
    processVersion: d.processVersion ?? null,
    communityId: d.communityId,
    address: d.address,
    description: note(d.description),
    faultType: d.faultType ?? null,
    symptom: d.symptom ?? null,
    part: d.part ?? null,
    priority: d.priority ?? null,
    repairClass: d.repairClass ?? null,
    responsibility: d.responsibility ?? null,
    reporter,
    reporterMasked: reporter !== null && !showReporter,
    reporterUserId: d.reporterUserId ?? null,
    reportedBy: d.createdByUsername,
    channel: d.channel,
    reportedAt: new Date(d.reportedAt).toISOString(),
    desiredTime: iso(d.desiredTime),
    catalogueItemId: d.catalogueItemId ?? null,
    claimAmount: d.claimAmount ?? null,
    attachments: d.attachments ?? [],
    assignedUnitId: d.assignedUnitId ?? null,
    technicianId: d.technicianId ?? null,
    signedAt: iso(d.signedAt),
    closedAt: iso(d.closedAt),
    cancelReason: d.cancelReason ? note(d.cancelReason) : null,
    deadlines: (d.deadlines ?? []).map((x) => ({
      name: x.name,
      dueAt: new Date(x.dueAt).toISOString(),
      metAt: iso(x.metAt),
      breached: Boolean(x.breached),
      canceledAt: iso(x.canceledAt),
      ...(x.taskKey ? { taskKey: x.taskKey } : {}),
    })),
    ...(timeline
      ? {
          timeline: timeline.map((t) => ({
            at: new Date(t.at).toISOString(),
            type: t.type,
            actor: t.actor,
            note: note(t.note),
            elementId: t.elementId ?? null,
          })),
        }
      : {}),
    fees: (d.fees as Record<string, unknown> | null | undefined) ?? null,
    rating: (d.rating as Record<string, unknown> | null | undefined) ?? null,
    fields: d.fields ?? {},
    links: (d.links ?? []).map((l) => ({
      workOrderId: l.workOrderId,
      number: l.number,
      kind: l.kind,
      relation: l.relation,
      reason: l.reason ?? null,
      at: new Date(l.at).toISOString(),
    })),
    version: d.version,
    createdAt: iso(d.createdAt) ?? new Date(d.reportedAt).toISOString(),
    updatedAt: iso(d.updatedAt) ?? new Date(d.reportedAt).toISOString(),
  };
}
