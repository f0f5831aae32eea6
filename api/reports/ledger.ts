/**
 * The ledger (台账) as CSV: R-LED-1 truthful, complete and confidential —
 * reporter name and phone (and phone numbers inside free text) are masked for
 * callers who may not see them, which `toView` has already decided per row;
 * R-LED-2 every order keeps its basic data, handling (status, unit,
 * technician, result), return visit (satisfaction, comment), photos and
 * costs; R-LED-3 each row says how long it is kept: public-facility records
 * (共用设施) permanently, dispatch sheets and visit logs two years.
 */
import type { WorkOrderView } from '../work-orders/service.js';

import { retainUntilOf } from '../../domain/retention.js';

/** R-LED-3: dispatch sheets and visit logs are kept 2 years (domain/retention.ts, which the retention sweep enforces). */
export { RETENTION } from '../../domain/retention.js';

const COLUMNS = [
  'number', 'kind', 'status', 'communityId', 'address', 'priority', 'repairClass', 'responsibility', 'faultType',
  'symptom', 'part', 'reporterName', 'reporterPhone', 'channel', 'reportedAt', 'assignedUnitId', 'technicianId',
  'breachedDeadlines', 'closedAt', 'rating',
  // R-LED-2: handling, return visit, photos, costs; links; R-LED-3: retention.
  'description', 'signedAt', 'result', 'actualItem', 'fee', 'settlement', 'satisfied', 'returnVisitComment',
  'reworkCount', 'attachments', 'deadlines', 'linkedOrders', 'retainUntil',
] as const;

type Row = Record<(typeof COLUMNS)[number], unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** R-LED-3: public-facility records (共用设施设备) permanently, the rest two years after the report. */
export function retainUntil(order: Pick<WorkOrderView, 'responsibility' | 'reportedAt'>): string {
  const until = retainUntilOf(order);
  return until ? until.toISOString().slice(0, 10) : 'permanent';
}

/** The satisfaction a resident gave at the end of the procedure (return visit, acceptance), 1–5. */
export function satisfactionOf(order: { fields?: Record<string, unknown> | null; rating?: Record<string, unknown> | null }): number | undefined {
  return num(order.fields?.['satisfaction']) ?? num(order.rating?.['score']);
}

function rowOf(v: WorkOrderView, maskText: (s: string) => string): Row {
  const f = v.fields ?? {};
  const settlement = (v.fees?.['settlement'] ?? undefined) as Record<string, unknown> | undefined;
  const comment = str(f['returnVisitComment']) ?? str(f['acceptanceComment']);
  return {
    number: v.number,
    kind: v.kind,
    status: v.status,
    communityId: v.communityId,
    address: v.address,
    priority: v.priority,
    repairClass: v.repairClass,
    responsibility: v.responsibility,
    faultType: v.faultType,
    symptom: v.symptom,
    part: v.part,
    reporterName: v.reporter?.name,
    reporterPhone: v.reporter?.phone,
    channel: v.channel,
    reportedAt: v.reportedAt,
    assignedUnitId: v.assignedUnitId,
    technicianId: v.technicianId,
    breachedDeadlines: v.deadlines.filter((d) => d.breached).length,
    closedAt: v.closedAt,
    rating: satisfactionOf(v),
    description: v.description,
    signedAt: v.signedAt,
    result: str(f['result']) ?? str(f['qualityOutcome']) ?? str(f['negotiationOutcome']),
    actualItem: str(f['actualItem']),
    fee: num(f['fee']) ?? num(f['amount']),
    settlement: settlement
      ? [num(settlement['amount']), str(settlement['memoNumber']), str(settlement['contactSheetNumber'])].filter((x) => x !== undefined).join(' ')
      : undefined,
    satisfied: typeof f['satisfied'] === 'boolean' ? (f['satisfied'] ? 'yes' : 'no') : undefined,
    returnVisitComment: comment === undefined ? undefined : maskText(comment),
    reworkCount: num(f['reworkCount']) ?? 0,
    attachments: v.attachments.length,
    deadlines: v.deadlines
      .map((d) => `${d.name}:${d.breached ? 'breached' : d.metAt ? 'met' : d.canceledAt ? 'canceled' : 'open'}`)
      .join(' '),
    linkedOrders: (v.links ?? []).map((l) => `${l.relation === 'origin' ? '<' : '>'}${l.number}`).join(' '),
    retainUntil: retainUntil(v),
  };
}

/** CSV cell: quoted when needed; cells that a spreadsheet would run as a formula are defused. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && typeof value === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The ledger CSV (UTF-8 with BOM for spreadsheet programs) from views that
 * are already masked for the caller; `maskText` masks phones in the free
 * text the view does not cover (return-visit comments) for the same caller.
 */
export function ledgerCsv(views: readonly WorkOrderView[], maskText: (viewIndex: number, s: string) => string): string {
  const rows = views.map((v, i) => rowOf(v, (s) => maskText(i, s)));
  return '\uFEFF' + [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvCell(r[c])).join(','))].join('\r\n') + '\r\n';
}
