/**
 * Opens a linked procedure (domain/procedures.ts) on MongoDB and the engine
 * port: a work order of the new kind copied from the source order (community,
 * flat, reporter), its process instance started with the same start variables
 * the API gives, and the link written on both orders with a timeline entry on
 * each.
 *
 * Idempotent by key without a query: the new order's `_id` is derived from the
 * key, so a redelivered job finds the order it created (by `_id`, FerretDB's
 * fast path) and only finishes what is missing (the process start, the links).
 */
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { ProcessEngine, Variables } from '../../engine/port.js';
import { getModels, type Models } from '../models.js';
import type { OpenProcedureInput, OpenedProcedure, ProcedureLauncher } from '../procedures.js';
import type { OrderLink, WorkOrderDoc } from '../work-order.model.js';
import { systemNow, type Now } from './clock.js';
import { nextOrderNumber } from './numbers.js';
import { isDuplicateKey, isObjectIdLike, MongoOrderStore, OrderNotFoundError, writeOrderIf } from './order-store.js';
import { communityCacheOf } from './community-cache.js';

const KIND_NAME: Record<OpenProcedureInput['kind'], string> = {
  quality: '工程质量整改 quality rectification',
  compensation: '赔付商谈 compensation negotiation',
};

/** The 24-hex id a key always gives (an ObjectId-shaped string). */
export function orderIdForKey(key: string): string {
  return createHash('sha256').update(`linked-order:${key}`).digest('hex').slice(0, 24);
}

export class ProcessNotDeployedError extends Error {
  constructor(readonly bpmnProcessId: string) {
    super(`process ${bpmnProcessId} is not deployed`);
    this.name = 'ProcessNotDeployedError';
  }
}

type OrderRecord = WorkOrderDoc & { _id: unknown };

export class MongoProcedureLauncher implements ProcedureLauncher {
  private readonly models: Models;
  private readonly orders: MongoOrderStore;

  constructor(
    private readonly conn: Connection,
    private readonly engine: Pick<ProcessEngine, 'startInstance' | 'listProcesses'>,
    private readonly now: Now = systemNow,
  ) {
    this.models = getModels(conn);
    this.orders = new MongoOrderStore(conn, now);
  }

  async open(input: OpenProcedureInput): Promise<OpenedProcedure> {
    if (!isObjectIdLike(input.fromWorkOrderId)) throw new OrderNotFoundError(input.fromWorkOrderId);
    const source = await this.models.WorkOrder.findById(input.fromWorkOrderId).lean<OrderRecord>();
    if (!source) throw new OrderNotFoundError(input.fromWorkOrderId);
    // The process id of a kind is the kind's name (api/work-orders).
    const bpmnProcessId = input.kind;
    if (!(await this.engine.listProcesses()).some((p) => p.bpmnProcessId === bpmnProcessId)) {
      throw new ProcessNotDeployedError(bpmnProcessId);
    }

    const id = orderIdForKey(input.key);
    const at = this.now();
    let order = await this.models.WorkOrder.findById(id).lean<OrderRecord>();
    let created = false;
    if (!order) {
      // By `_id` without a projection: FerretDB's index (a projection scans the collection).
      const community = await communityCacheOf(this.conn).get(source.communityId);
      const number = await nextOrderNumber(this.conn, input.kind, at, community?.timeZone ?? 'Asia/Shanghai');
      const origin: OrderLink = { workOrderId: String(source._id), number: source.number, kind: source.kind, relation: 'origin', reason: input.reason, at };
      const doc: Omit<WorkOrderDoc, 'createdAt' | 'updatedAt'> & { _id: string } = {
        _id: id,
        number,
        kind: input.kind,
        status: 'reported',
        communityId: source.communityId,
        address: source.address,
        description: input.description ?? source.description,
        ...(source.faultType ? { faultType: source.faultType } : {}),
        ...(source.symptom ? { symptom: source.symptom } : {}),
        ...(source.part ? { part: source.part } : {}),
        ...(source.priority ? { priority: source.priority, repairClass: source.priority <= 2 ? 'emergency' : 'routine' } : {}),
        ...(input.kind === 'quality' ? { responsibility: 'developer' as const } : {}),
        ...(source.reporter ? { reporter: { name: source.reporter.name, phone: source.reporter.phone } } : {}),
        ...(source.reporterUserId ? { reporterUserId: source.reporterUserId } : {}),
        createdByUserId: input.actorUserId ?? 'system',
        createdByUsername: input.actor,
        channel: source.channel,
        reportedAt: at,
        ...(input.claimAmount !== undefined ? { claimAmount: input.claimAmount } : {}),
        attachments: [...(source.attachments ?? [])],
        assignedUnitId: null,
        technicianId: null,
        processInstanceKey: null,
        bpmnProcessId,
        deadlines: [],
        fees: null,
        rating: null,
        fields: { sourceWorkOrderId: String(source._id), sourceOrderNumber: source.number },
        links: [origin],
        signedAt: null,
        closedAt: null,
        appliedKeys: [],
        timelineIds: [],
        timelineIndexed: true,
        version: 0,
      };
      try {
        await this.models.WorkOrder.create(doc);
        created = true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      order = await this.models.WorkOrder.findById(id).lean<OrderRecord>();
      if (!order) throw new Error(`linked order ${id} vanished after it was created`);
    }

    await this.orders.addTimeline(id, {
      key: `link:${String(source._id)}`,
      type: 'linked',
      actor: input.actor,
      note: `由 ${source.number} 转入 opened from ${source.number} (${source.kind}): ${input.reason}`,
      at,
    });

    let processInstanceKey = order.processInstanceKey ?? null;
    if (!processInstanceKey) {
      const community = await communityCacheOf(this.conn).get(order.communityId);
      const variables: Variables = {
        workOrderId: id,
        orderNumber: order.number,
        communityId: order.communityId,
        kind: input.kind,
        ...(order.priority ? { priority: order.priority } : {}),
        ...(order.faultType ? { faultType: order.faultType } : {}),
        description: order.description,
        address: order.address,
        channel: order.channel,
        reportedBy: source.createdByUsername,
        ...(order.reporterUserId ? { reporterUserId: order.reporterUserId } : {}),
        reportedAt: new Date(order.reportedAt).toISOString(),
        ...(order.claimAmount !== undefined && order.claimAmount !== null ? { claimAmount: order.claimAmount } : {}),
        firstUnitId: community?.firstUnitId ?? null,
        secondUnitId: community?.secondUnitId ?? null,
        sourceWorkOrderId: String(source._id),
        sourceOrderNumber: source.number,
        ...(input.variables ?? {}),
      };
      const started = await this.engine.startInstance(bpmnProcessId, variables, { businessKey: id });
      processInstanceKey = started.processInstanceKey;
      // Recorded once (guard checked under the order's lock, order-store.ts writeOrderIf).
      await writeOrderIf(
        this.conn,
        id,
        { holds: (doc) => doc.processInstanceKey == null, filter: { processInstanceKey: null } },
        { $set: { processInstanceKey, bpmnProcessId: started.bpmnProcessId, processVersion: started.version }, $inc: { version: 1 } },
      );
    }

    const followUp: OrderLink = { workOrderId: id, number: order.number, kind: input.kind, relation: 'follow-up', reason: input.reason, at };
    await writeOrderIf(
      this.conn,
      String(source._id),
      { holds: (doc) => !(doc.links ?? []).some((l) => l.workOrderId === id), filter: { 'links.workOrderId': { $ne: id } } },
      { $push: { links: followUp }, $inc: { version: 1 } },
    );
    await this.orders.addTimeline(String(source._id), {
      key: `link:${id}`,
      type: 'linked',
      actor: input.actor,
      note: `转${KIND_NAME[input.kind].split(' ')[0]} ${order.number} opened ${KIND_NAME[input.kind].split(' ').slice(1).join(' ')} ${order.number}: ${input.reason}`,
      at,
    });

    return { workOrderId: id, number: order.number, kind: input.kind, processInstanceKey, created };
  }
}
