/**
 * MongoDB implementation of the technician pool (R-DISP-1). A technician's
 * current load is derived, never counted up and down: the open orders of the
 * ledger assigned to them (`fields.technicianRecordId`, status not ended) plus
 * the jobs outside the ledger their record carries. Reassigning or closing an
 * order therefore moves the load by itself, and a redelivered job cannot
 * count twice.
 */
import type { Connection } from 'mongoose';
import type { OrderStatus } from '../ports.js';
import type { TechnicianCandidate, TechnicianPool } from '../dispatch.js';
import { getModels, type Models } from '../models.js';
import type { TechnicianDoc } from '../technician.model.js';

/** Orders in these statuses hold no technician any more. */
const ENDED: OrderStatus[] = ['resolved', 'closed', 'withdrawn', 'rejected'];

/**
 * Open orders per technician record (`fields.technicianRecordId`, status not
 * ended) from somewhere cheaper than a search of the orders — the in-process
 * ledger index (api/work-orders/ledger-index.ts technicianLoadOf); undefined
 * when it cannot answer now (the search is made then).
 */
export type OpenOrderCounter = (technicianIds: readonly string[], ended: readonly OrderStatus[]) => Promise<Map<string, number> | undefined>;

export class MongoTechnicianPool implements TechnicianPool {
  private readonly models: Models;

  constructor(
    conn: Connection,
    private readonly openOrders?: OpenOrderCounter,
  ) {
    this.models = getModels(conn);
  }

  async candidates(unitId: string, communityId: string): Promise<TechnicianCandidate[]> {
    const docs = await this.models.Technician.find({ unitId, active: true }).lean<TechnicianDoc[]>();
    return this.withLoad(docs.filter((t) => t.communities.length === 0 || t.communities.includes(communityId)));
  }

  async get(id: string, options: { load?: boolean } = {}): Promise<TechnicianCandidate | undefined> {
    const doc = await this.models.Technician.findById(id).lean<TechnicianDoc>();
    if (!doc) return undefined;
    return options.load === false ? candidateOf(doc, 0) : (await this.withLoad([doc]))[0];
  }

  /** Every active technician (of a unit), with the current load. */
  async list(unitId?: string): Promise<TechnicianCandidate[]> {
    const docs = await this.models.Technician.find({ active: true, ...(unitId ? { unitId } : {}) }).sort({ _id: 1 }).lean<TechnicianDoc[]>();
    return this.withLoad(docs);
  }

  /**
   * The records with their load. The open orders are found by a search of
   * the orders (`fields.technicianRecordId`, status): on FerretDB a scan of
   * the collection (≈ 2.5 s at 10 000 orders, on the one writing connection),
   * so the server counts them in its ledger index instead (`openOrders`), and
   * only callers that rank by load ask for it (the proposal, the list); get()
   * without it does not. It stays a search rather
   * than a list of order ids kept on the technician: such a list would have
   * to lose an order exactly when it ends or moves on, from several writers
   * and processes, and the count is meant to follow the ledger by itself.
   */
  private async withLoad(docs: TechnicianDoc[]): Promise<TechnicianCandidate[]> {
    if (docs.length === 0) return [];
    const counted = await this.openOrders?.(
      docs.map((t) => t._id),
      ENDED,
    );
    if (counted) return docs.map((t) => candidateOf(t, counted.get(t._id) ?? 0));
    const open = await this.models.WorkOrder.find(
      { 'fields.technicianRecordId': { $in: docs.map((t) => t._id) }, status: { $nin: ENDED } },
      { 'fields.technicianRecordId': 1 },
    ).lean<{ fields?: Record<string, unknown> }[]>();
    const count = new Map<string, number>();
    for (const o of open) {
      const id = o.fields?.['technicianRecordId'];
      if (typeof id === 'string') count.set(id, (count.get(id) ?? 0) + 1);
    }
    return docs.map((t) => candidateOf(t, count.get(t._id) ?? 0));
  }
}

/** The record as a candidate; `openOrders`: the open orders of the ledger assigned to them. */
function candidateOf(t: TechnicianDoc, openOrders: number): TechnicianCandidate {
  return {
    id: t._id,
    name: t.name,
    unitId: t.unitId,
    skills: [...t.skills],
    load: t.load + openOrders,
    ...(t.homeBuilding ? { homeBuilding: t.homeBuilding } : {}),
    ...(t.phone ? { phone: t.phone } : {}),
    ...(t.username ? { username: t.username } : {}),
  };
}
