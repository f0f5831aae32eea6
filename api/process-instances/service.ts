import type { Connection } from 'mongoose';
import { getModels } from '../../domain/models.js';
import type { ProcessEngine, ProcessInstanceView } from '../../engine/port.js';
import { NotFound } from '../errors.js';
import { redact } from '../masking.js';
import { VARIABLE_PARAM } from './schemas.js';

/**
 * What `q` looks in: the business variables an inspector searches by (order,
 * place, problem, service). Personal data (names, phones) is never in the
 * variables, so it can be neither found nor shown here.
 */
export const SEARCHED_VARIABLES = ['orderNumber', 'address', 'description', 'faultType', 'symptom', 'part', 'communityId', 'serviceItem', 'outageNumber', 'sourceOrderNumber'] as const;

const view = (i: ProcessInstanceView) => ({
  key: i.key,
  bpmnProcessId: i.bpmnProcessId,
  version: i.version,
  state: i.state,
  activeElementIds: i.activeElementIds,
  completedElementIds: i.completedElementIds,
  incidents: i.incidents.map((x) => ({ key: x.key, elementId: x.elementId, message: x.message, createdAt: x.createdAt })),
  // Inspectors see the variables; a name or phone that slipped into them is masked.
  variables: redact(i.variables) as Record<string, unknown>,
  businessKey: i.businessKey ?? null,
  startedAt: i.startedAt,
  endedAt: i.endedAt ?? null,
});

/** At most this many orders of matching residents are searched by `resident` (newest first). */
const RESIDENT_ORDER_LIMIT = 1000;

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class ProcessInstanceService {
  /**
   * `db`: the work orders, for the `resident` search — names and phones live on
   * the order (the ledger), never in process variables.
   */
  constructor(
    private readonly engine: ProcessEngine,
    private readonly db?: Connection,
  ) {}

  /** The ids of the orders whose reporter's name or phone contains `term`, newest first. */
  private async ordersOfResident(term: string): Promise<string[]> {
    if (!this.db) return [];
    const rx = new RegExp(escapeRegex(term), 'i');
    const orders = await getModels(this.db)
      .WorkOrder.find({ $or: [{ 'reporter.name': rx }, { 'reporter.phone': rx }] }, { _id: 1 })
      .sort({ createdAt: -1 })
      .limit(RESIDENT_ORDER_LIMIT)
      .lean();
    return orders.map((o) => String(o._id));
  }

  async list(q: {
    bpmnProcessId?: string;
    state?: ProcessInstanceView['state'];
    workOrderId?: string;
    q?: string;
    resident?: string;
    offset: number;
    limit: number;
    [param: string]: unknown;
  }) {
    const variables: Record<string, string> = {};
    for (const [key, value] of Object.entries(q)) {
      const m = VARIABLE_PARAM.exec(key);
      if (m && typeof value === 'string') variables[m[1]] = value;
    }
    const businessKeys = q.resident !== undefined ? await this.ordersOfResident(q.resident) : undefined;
    // One more than asked: whether a next page exists, without counting them all.
    const found = await this.engine.listInstances({
      ...(q.bpmnProcessId ? { bpmnProcessId: q.bpmnProcessId } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(q.workOrderId ? { businessKey: q.workOrderId } : {}),
      ...(businessKeys ? { businessKeys } : {}),
      ...(Object.keys(variables).length ? { variables } : {}),
      ...(q.q ? { text: { term: q.q, variables: SEARCHED_VARIABLES } } : {}),
      offset: q.offset,
      limit: q.limit + 1,
    });
    return { items: found.slice(0, q.limit).map(view), offset: q.offset, limit: q.limit, hasMore: found.length > q.limit };
  }

  async get(key: string) {
    const instance = await this.engine.getInstance(key);
    if (!instance) throw new NotFound(`Process instance ${key} not found.`, 'INSTANCE_NOT_FOUND');
    return view(instance);
  }
}
