/**
 * The KPIs of R-KPI-1 and R-KPI-2 as pure functions over orders, so that the
 * report and a test can compute them from the same definitions:
 *
 * - population: the orders reported in the range, except orders withdrawn
 *   (canceled or 退单) and report matters (报事, logged only, R-WO-3);
 * - timely (及时): no deadline breached and none overdue while still open
 *   at the time of the report; timelyRate = timely ÷ total (R-KPI-1);
 * - reworkRate = orders dispatched again after an unsatisfied return visit
 *   (or a refused acceptance) ÷ total (返修率, R-KPI-2 ≤ 1 %);
 * - firstTimeFixRate = fixed orders without rework ÷ fixed orders, where
 *   fixed means resolved or closed by the procedure itself (not handed to
 *   another procedure, not found to be the owner's);
 * - satisfaction = mean of the residents' ratings (1–5) at the end
 *   (return visit, acceptance);
 * - breachedDeadlines = breached deadlines of the group's orders.
 */
import type { Deadline, WorkOrderDoc } from '../../domain/work-order.model.js';

export type KpiOrder = Pick<WorkOrderDoc, 'communityId' | 'kind' | 'status' | 'deadlines'> & {
  assignedUnitId?: string | null;
  priority?: number | null;
  fields?: Record<string, unknown> | null;
  rating?: Record<string, unknown> | null;
};

export type GroupBy = 'community' | 'unit' | 'kind' | 'priority';

export interface KpiRow {
  key: string;
  total: number;
  timely: number;
  timelyRate: number | null;
  reworkRate: number | null;
  firstTimeFixRate: number | null;
  satisfaction: number | null;
  breachedDeadlines: number;
}

/** R-KPI-2 targets (seed 002 §四(一)1): small and emergency repairs timely ≥ 98 %, rework ≤ 1 %. */
export const KPI_TARGETS = { timelyRate: 0.98, reworkRate: 0.01 } as const;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Rates to 4 decimals (a ratio 0–1), null for an empty denominator. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : Math.round((a / b) * 10_000) / 10_000;
}

export function inPopulation(o: KpiOrder): boolean {
  return o.status !== 'withdrawn' && o.fields?.['reportMatter'] !== true;
}

function open(d: Deadline): boolean {
  return !d.metAt && !d.breached && !d.canceledAt;
}

export function isTimely(o: KpiOrder, now: Date): boolean {
  return !(o.deadlines ?? []).some((d) => d.breached || (open(d) && new Date(d.dueAt).getTime() < now.getTime()));
}

export function reworkCount(o: KpiOrder): number {
  return num(o.fields?.['reworkCount']) ?? 0;
}

/** Resolved or closed by its own procedure: not transferred, not the owner's, not a refused fund, not a failed negotiation. */
export function wasFixed(o: KpiOrder): boolean {
  if (o.status !== 'resolved' && o.status !== 'closed') return false;
  const f = o.fields ?? {};
  if (f['linkedProcedure'] !== undefined && f['linkedProcedure'] !== null) return false;
  return f['qualityOutcome'] !== 'owner-liable' && f['qualityOutcome'] !== 'fund-refused';
}

export function satisfactionScore(o: KpiOrder): number | undefined {
  return num(o.fields?.['satisfaction']) ?? num(o.rating?.['score']);
}

export function groupKey(o: KpiOrder, by: GroupBy): string {
  switch (by) {
    case 'community':
      return o.communityId;
    case 'unit':
      return o.assignedUnitId ?? 'unassigned';
    case 'kind':
      return o.kind;
    case 'priority':
      return o.priority !== undefined && o.priority !== null ? String(o.priority) : 'none';
  }
}

export function kpiRow(key: string, list: readonly KpiOrder[], now: Date): KpiRow {
  const timely = list.filter((o) => isTimely(o, now)).length;
  const fixed = list.filter(wasFixed);
  const scores = list.map(satisfactionScore).filter((s): s is number => s !== undefined);
  return {
    key,
    total: list.length,
    timely,
    timelyRate: ratio(timely, list.length),
    reworkRate: ratio(list.filter((o) => reworkCount(o) > 0).length, list.length),
    firstTimeFixRate: ratio(fixed.filter((o) => reworkCount(o) === 0).length, fixed.length),
    satisfaction: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100 : null,
    breachedDeadlines: list.reduce((n, o) => n + (o.deadlines ?? []).filter((d) => d.breached).length, 0),
  };
}

/** Rows per group (sorted by key) over the population of `orders`. */
export function kpiRows(orders: readonly KpiOrder[], by: GroupBy, now: Date): KpiRow[] {
  const groups = new Map<string, KpiOrder[]>();
  for (const o of orders.filter(inPopulation)) {
    const key = groupKey(o, by);
    const list = groups.get(key) ?? [];
    list.push(o);
    groups.set(key, list);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, list]) => kpiRow(key, list, now));
}
