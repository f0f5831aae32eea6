/**
 * Reports (R-KPI-1..3), computed in code over the ledger (FerretDB answers
 * simple queries only; no $lookup, one accumulator per $group): the KPI rows
 * per community, unit, kind or priority (definitions in kpi.ts), the
 * reproducible 30 % weekly spot check, and the open deadlines that breach
 * soon.
 */
import { createHash } from 'node:crypto';
import { DateTime, Duration } from 'luxon';
import type { Connection } from 'mongoose';
import { getModels, type Models } from '../../domain/models.js';
import type { Deadline, OrderKind, WorkOrderDoc } from '../../domain/work-order.model.js';
import type { AuthUser } from '../auth/service.js';
import { ValidationError } from '../errors.js';
import { KPI_TARGETS, inPopulation, kpiRow, kpiRows, type KpiOrder } from './kpi.js';
import { REPORT_ZONE, rangeOf } from './range.js';
import type { BreachingSoonQuery, KpiQuery } from './schemas.js';

/** R-KPI-3: supervisors spot-check 30 % of the week's dispatch sheets. */
export const SPOT_CHECK_RATE = 0.3;

/** Statuses in which an order has nothing left to breach. */
const ENDED = ['closed', 'withdrawn', 'rejected'];

/** Kinds whose orders are dispatch sheets (派工单) a supervisor can check on site. */
const DISPATCH_KINDS: OrderKind[] = ['repair', 'urgent-appeal', 'paid-service', 'quality', 'complaint', 'compensation'];

type Now = () => Date;

export class ReportService {
  private readonly models: Models;

  constructor(
    conn: Connection,
    private readonly now: Now = () => new Date(),
  ) {
    this.models = getModels(conn);
  }

  /** R-KPI-1, R-KPI-2. */
  async kpi(q: KpiQuery) {
    const range = rangeOf(q.from, q.to);
    if (range.invalid) throw new ValidationError('The request is invalid.', [{ path: 'to', message: 'must not be before from' }]);
    const reportedAt = { ...(range.from ? { $gte: range.from } : {}), ...(range.to ? { $lt: range.to } : {}) };
    const orders = await this.models.WorkOrder.find(Object.keys(reportedAt).length ? { reportedAt } : {}, {
      communityId: 1, assignedUnitId: 1, kind: 1, priority: 1, status: 1, deadlines: 1, rating: 1, fields: 1,
    }).lean<KpiOrder[]>();
    const now = this.now();
    return {
      from: range.from?.toISOString() ?? null,
      to: range.to?.toISOString() ?? null,
      groupBy: q.groupBy,
      rows: kpiRows(orders, q.groupBy, now),
      summary: kpiRow('all', orders.filter(inPopulation), now),
      targets: KPI_TARGETS,
    };
  }

  /**
   * R-KPI-3: 30 % (rounded up) of the week's dispatch sheets (ISO week in the
   * company's zone; withdrawn orders and report matters are no sheets). The
   * sample is the orders with the smallest hash of week and order id, so the
   * same week always gives the same sample and no order can be steered in.
   */
  async spotCheck(week: string) {
    const start = DateTime.fromISO(`${week}-1`, { zone: REPORT_ZONE });
    if (!start.isValid) throw new ValidationError('The request is invalid.', [{ path: 'week', message: 'is not an ISO week' }]);
    const end = start.plus({ weeks: 1 });
    const orders = (
      await this.models.WorkOrder.find(
        { reportedAt: { $gte: start.toJSDate(), $lt: end.toJSDate() }, status: { $ne: 'withdrawn' }, kind: { $in: DISPATCH_KINDS } },
        { number: 1, kind: 1, status: 1, communityId: 1, assignedUnitId: 1, technicianId: 1, priority: 1, reportedAt: 1, fields: 1 },
      ).lean<(WorkOrderDoc & { _id: unknown })[]>()
    ).filter((o) => o.fields?.['reportMatter'] !== true);
    const sampleSize = Math.ceil(orders.length * SPOT_CHECK_RATE);
    const hash = (id: string) => createHash('sha256').update(`${week}:${id}`).digest('hex');
    const items = orders
      .map((o) => ({ o, h: hash(String(o._id)) }))
      .sort((a, b) => a.h.localeCompare(b.h))
      .slice(0, sampleSize)
      .map(({ o }) => ({
        id: String(o._id),
        number: o.number,
        kind: o.kind,
        status: o.status,
        communityId: o.communityId,
        assignedUnitId: o.assignedUnitId ?? null,
        technicianId: o.technicianId ?? null,
        priority: o.priority ?? null,
        reportedAt: new Date(o.reportedAt).toISOString(),
      }))
      .sort((a, b) => a.number.localeCompare(b.number));
    return {
      week,
      from: start.toJSDate().toISOString(),
      to: end.toJSDate().toISOString(),
      rate: SPOT_CHECK_RATE,
      population: orders.length,
      sampleSize,
      items,
    };
  }

  /**
   * Open deadlines (not met, breached or canceled) of orders still running
   * that fall due within `within` from now, soonest first; deadlines already
   * past due but not yet recorded as breached come first, marked overdue.
   * A unit member sees the orders dispatched to their unit only.
   */
  async breachingSoon(user: AuthUser, q: BreachingSoonQuery) {
    const now = this.now();
    const until = DateTime.fromJSDate(now).plus(Duration.fromISO(q.within)).toJSDate();
    const filter: Record<string, unknown> = { status: { $nin: ENDED }, 'deadlines.dueAt': { $lte: until } };
    if (q.communityId) filter.communityId = q.communityId;
    const unitOnly = user.roles.every((r) => r === 'unit' || r === 'technician');
    if (unitOnly) filter.assignedUnitId = user.unitId ?? '-';
    const orders = await this.models.WorkOrder.find(filter, {
      number: 1, kind: 1, status: 1, communityId: 1, assignedUnitId: 1, priority: 1, deadlines: 1,
    }).lean<(WorkOrderDoc & { _id: unknown })[]>();
    const open = (d: Deadline) => !d.metAt && !d.breached && !d.canceledAt;
    const items = orders
      .flatMap((o) =>
        (o.deadlines ?? [])
          .filter((d) => open(d) && new Date(d.dueAt).getTime() <= until.getTime())
          .map((d) => {
            const dueAt = new Date(d.dueAt);
            return {
              workOrderId: String(o._id),
              number: o.number,
              kind: o.kind,
              status: o.status,
              communityId: o.communityId,
              assignedUnitId: o.assignedUnitId ?? null,
              priority: o.priority ?? null,
              deadline: d.name,
              dueAt: dueAt.toISOString(),
              minutesLeft: Math.round((dueAt.getTime() - now.getTime()) / 60_000),
              overdue: dueAt.getTime() < now.getTime(),
            };
          }),
      )
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.number.localeCompare(b.number))
      .slice(0, q.limit);
    return { now: now.toISOString(), within: q.within, until: until.toISOString(), items };
  }
}
