/**
 * Preventive maintenance plans (设施设备维保计划, R-PM-1): a supervisor enters
 * the plan; on each planned day the scheduler (domain/services/
 * maintenance-scheduler.ts) turns it into a dispatch sheet handled like a
 * repair (sheets.ts).
 */
import type { Connection } from 'mongoose';

import type { MaintenancePlanDoc } from '../../domain/maintenance-plan.model.js';
import { getModels, type Models } from '../../domain/models.js';
import { firstOccurrenceFrom } from '../../domain/services/maintenance-scheduler.js';
import { isObjectIdLike } from '../../domain/services/order-store.js';
import type { AuthUser } from '../auth/service.js';
import { NotFound, ValidationError } from '../errors.js';
import type { CreatePlanBody, ListPlansQuery, PlanView } from './schemas.js';

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export function toPlanView(d: MaintenancePlanDoc): PlanView {
  return {
    id: String(d._id),
    name: d.name,
    communityId: d.communityId,
    address: d.address,
    equipment: d.equipment,
    part: d.part ?? null,
    description: d.description,
    every: d.every,
    firstDate: d.firstDate,
    dispatchTime: d.dispatchTime,
    contact: { name: d.contact.name, phone: d.contact.phone },
    active: d.active,
    nextDueAt: iso(d.nextDueAt),
    runs: (d.runs ?? []).map((r) => ({
      dueAt: new Date(r.dueAt).toISOString(),
      workOrderId: r.workOrderId,
      number: r.number,
      createdAt: new Date(r.createdAt).toISOString(),
      skipped: r.skipped ?? 0,
    })),
    createdBy: d.createdByUsername,
    createdAt: iso(d.createdAt),
  };
}

export class MaintenancePlanService {
  private readonly models: Models;

  constructor(
    conn: Connection,
    private readonly now: () => Date,
  ) {
    this.models = getModels(conn);
  }

  async create(user: AuthUser, body: CreatePlanBody): Promise<PlanView> {
    const community = await this.models.Community.findById(body.communityId, { timeZone: 1 }).lean();
    if (!community) throw new ValidationError('The request is invalid.', [{ path: 'communityId', message: 'unknown community' }]);
    const schedule = { firstDate: body.firstDate, every: body.every, dispatchTime: body.dispatchTime };
    const { occurrence, dueAt } = firstOccurrenceFrom(schedule, this.now(), community.timeZone);
    const created = await this.models.MaintenancePlan.create({
      name: body.name,
      communityId: body.communityId,
      address: body.address,
      equipment: body.equipment,
      ...(body.part ? { part: body.part } : {}),
      description: body.description,
      ...schedule,
      contact: body.contact,
      active: true,
      occurrence,
      nextDueAt: dueAt,
      runs: [],
      createdByUsername: user.username,
      version: 0,
    });
    return this.get(String(created._id));
  }

  async get(id: string): Promise<PlanView> {
    const doc = isObjectIdLike(id) ? await this.models.MaintenancePlan.findById(id).lean<MaintenancePlanDoc>() : null;
    if (!doc) throw new NotFound(`Maintenance plan ${id} not found.`, 'MAINTENANCE_PLAN_NOT_FOUND');
    return toPlanView(doc);
  }

  async list(q: ListPlansQuery): Promise<{ items: PlanView[]; total: number }> {
    const filter: Record<string, unknown> = {};
    if (q.communityId) filter.communityId = q.communityId;
    if (q.active !== 'all') filter.active = q.active === 'true';
    const docs = await this.models.MaintenancePlan.find(filter).sort({ nextDueAt: 1, _id: 1 }).limit(500).lean<MaintenancePlanDoc[]>();
    return { items: docs.map(toPlanView), total: docs.length };
  }
}
