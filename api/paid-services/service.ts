/**
 * R-PAID-7: the monthly summary of paid services (有偿服务月度汇总), reconciled
 * with finance, engineering and cleaning. Computed in code over the ledger
 * (FerretDB: simple queries only). The month is the registration month
 * (reportedAt, community local time Asia/Shanghai); fees are the receipts on
 * those orders, hand-overs what finance confirmed for them.
 */
import { DateTime } from 'luxon';
import type { Connection } from 'mongoose';

import { getModels, type Models } from '../../domain/models.js';
import type { WorkOrderDoc } from '../../domain/work-order.model.js';
import type { PaidServicesQuery, PaidServicesReport } from './schemas.js';

const ZONE = 'Asia/Shanghai';
const NO_SERVICE = new Set(['rejected', 'withdrawn']);

type Row = Pick<WorkOrderDoc, 'number' | 'status' | 'catalogueItemId' | 'fees' | 'fields'> & { _id: unknown };

interface Fees {
  amount?: unknown;
  receiptNumber?: unknown;
  item?: unknown;
  catalogueItemId?: unknown;
}

const yuan = (n: number): number => Math.round(n * 100) / 100;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export class PaidServicesReportService {
  private readonly models: Models;

  constructor(conn: Connection) {
    this.models = getModels(conn);
  }

  async monthly(q: PaidServicesQuery): Promise<PaidServicesReport> {
    const start = DateTime.fromISO(`${q.month}-01`, { zone: ZONE }).startOf('month');
    const end = start.plus({ months: 1 });
    const rows = await this.models.WorkOrder.find(
      {
        kind: 'paid-service',
        reportedAt: { $gte: start.toJSDate(), $lt: end.toJSDate() },
        ...(q.communityId ? { communityId: q.communityId } : {}),
      },
      { number: 1, status: 1, catalogueItemId: 1, fees: 1, fields: 1 },
    )
      .sort({ number: 1 })
      .lean<Row[]>();

    const taken = rows.filter((r) => !NO_SERVICE.has(r.status));
    const fees = (r: Row): Fees => (r.fees ?? {}) as Fees;
    const isCollected = (r: Row): boolean => str(fees(r).receiptNumber) !== null && num(fees(r).amount) !== null;
    const itemOf = (r: Row): string | null => str(fees(r).item) ?? str(r.fields?.serviceItem) ?? null;
    const agreedOf = (r: Row): number | null => num(r.fields?.agreedFee);
    const handover = (r: Row): { amountReceived: number } | null => {
      const h = r.fields?.financeHandover as { amountReceived?: unknown } | undefined;
      const amount = num(h?.amountReceived);
      return amount === null ? null : { amountReceived: amount };
    };
    const ref = (r: Row) => ({ id: String(r._id), number: r.number, status: r.status, item: itemOf(r), agreedFee: agreedOf(r) });

    const collected = taken.filter(isCollected);
    const byItem = new Map<string, { catalogueItemId: string | null; item: string; count: number; collected: number; total: number }>();
    for (const r of taken) {
      const id = str(fees(r).catalogueItemId) ?? r.catalogueItemId ?? null;
      const key = id ?? '(assessed)';
      const entry = byItem.get(key) ?? { catalogueItemId: id, item: id ? (itemOf(r) ?? id) : '标准外项目 outside the catalogue', count: 0, collected: 0, total: 0 };
      entry.count++;
      if (isCollected(r)) {
        entry.collected++;
        entry.total = yuan(entry.total + (num(fees(r).amount) ?? 0));
      }
      byItem.set(key, entry);
    }
    const handed = collected.filter((r) => handover(r) !== null);

    return {
      month: q.month,
      from: start.toJSDate().toISOString(),
      to: end.toJSDate().toISOString(),
      registered: rows.length,
      refused: rows.length - taken.length,
      count: taken.length,
      collected: collected.length,
      totalFees: yuan(collected.reduce((sum, r) => sum + (num(fees(r).amount) ?? 0), 0)),
      handedOver: { count: handed.length, total: yuan(handed.reduce((sum, r) => sum + (handover(r)?.amountReceived ?? 0), 0)) },
      byItem: [...byItem.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v),
      uncollected: taken.filter((r) => !isCollected(r)).map(ref),
      notHandedOver: collected
        .filter((r) => handover(r) === null)
        .map((r) => ({ ...ref(r), amount: num(fees(r).amount) ?? 0, receiptNumber: str(fees(r).receiptNumber) ?? '' })),
      differences: handed
        .filter((r) => yuan(handover(r)?.amountReceived ?? 0) !== yuan(num(fees(r).amount) ?? 0))
        .map((r) => ({ id: String(r._id), number: r.number, amount: num(fees(r).amount) ?? 0, amountReceived: handover(r)?.amountReceived ?? 0 })),
    };
  }
}
