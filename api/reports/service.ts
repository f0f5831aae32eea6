/**
 * Reports (R-KPI-1..3). A first cut, computed in code over the ledger
 * (FerretDB: simple queries only): KPI rows per community, unit, kind or
 * priority, and a reproducible 30 % spot-check sample of a week's orders.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Connection } from 'mongoose';
import { getModels, type Models } from '../../domain/models.js';
import type { WorkOrderDoc } from '../../domain/work-order.model.js';
import { ValidationError } from '../errors.js';
import type { KpiQuery } from './schemas.js';

const ZONE = 'Asia/Shanghai';
const SPOT_CHECK_RATE = 0.3;

type Row = Pick<WorkOrderDoc, 'communityId' | 'assignedUnitId' | 'kind' | 'priority' | 'status' | 'deadlines' | 'rating' | 'fields'>;

function boundary(value: string, side: 'from' | 'to'): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone: ZONE }).startOf('day');
    return (side === 'to' ? day.plus({ days: 1 }) : day).toJSDate();
  }
  return new Date(value);
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);

function reworked(o: Row): boolean {
  const f = o.fields ?? {};
  const n = typeof f.reworkCount === 'number' ? f.reworkCount : typeof f.dispatchRound === 'number' ? f.dispatchRound - 1 : 0;
  return n > 0;
}

export class ReportService {
  private readonly models: Models;

  constructor(conn: Connection) {
    this.models = getModels(conn);
  }

  async kpi(q: KpiQuery) {
    const range: Record<string, Date> = {};
    if (q.from) range.$gte = boundary(q.from, 'from');
    if (q.to) range.$lt = boundary(q.to, 'to');
    if (range.$gte && range.$lt && range.$gte > range.$lt) {
      throw new ValidationError('The request is invalid.', [{ path: 'to', message: 'must not be before from' }]);
    }
    const filter = Object.keys(range).length ? { reportedAt: range } : {};
    const orders = await this.models.WorkOrder.find(filter, {
      communityId: 1, assignedUnitId: 1, kind: 1, priority: 1, status: 1, deadlines: 1, rating: 1, fields: 1,
    }).lean<Row[]>();

    const groups = new Map<string, Row[]>();
    for (const o of orders) {
      const key =
        q.groupBy === 'community' ? o.communityId
        : q.groupBy === 'unit' ? (o.assignedUnitId ?? 'unassigned')
        : q.groupBy === 'kind' ? o.kind
        : o.priority !== undefined && o.priority !== null ? String(o.priority) : 'none';
      const list = groups.get(key) ?? [];
      list.push(o);
      groups.set(key, list);
    }
    const rows = [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, list]) => {
        const breached = list.reduce((n, o) => n + (o.deadlines ?? []).filter((d) => d.breached).length, 0);
        const timely = list.filter((o) => !(o.deadlines ?? []).some((d) => d.breached)).length;
        const resolved = list.filter((o) => o.status === 'resolved' || o.status === 'closed');
        const scores = list.map((o) => (o.rating as { score?: unknown } | null | undefined)?.score).filter((s): s is number => typeof s === 'number');
        return {
          key,
          total: list.length,
          timely,
          timelyRate: ratio(timely, list.length),
          reworkRate: ratio(list.filter(reworked).length, list.length),
          firstTimeFixRate: ratio(resolved.filter((o) => !reworked(o)).length, resolved.length),
          satisfaction: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100 : null,
          breachedDeadlines: breached,
        };
      });
    return { from: range.$gte?.toISOString() ?? null, to: range.$lt?.toISOString() ?? null, groupBy: q.groupBy, rows };
  }

  /** R-KPI-3: the same week always gives the same sample (ordered by a hash of week and order id). */
  async spotCheck(week: string) {
    const start = DateTime.fromISO(`${week}-1`, { zone: ZONE });
    if (!start.isValid) throw new ValidationError('The request is invalid.', [{ path: 'week', message: 'is not an ISO week' }]);
    const end = start.plus({ weeks: 1 });
    const orders = await this.models.WorkOrder.find(
      { reportedAt: { $gte: start.toJSDate(), $lt: end.toJSDate() }, status: { $ne: 'withdrawn' } },
      { number: 1, kind: 1, status: 1, communityId: 1, assignedUnitId: 1, reportedAt: 1 },
    ).lean<(Pick<WorkOrderDoc, 'number' | 'kind' | 'status' | 'communityId' | 'assignedUnitId' | 'reportedAt'> & { _id: unknown })[]>();
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
}
