/**
 * Human order numbers `BX-YYYYMMDD-NNNN` (R-WO-1): prefix by kind, the
 * community's local date, a per-prefix-and-day sequence from the counters
 * collection (atomic $inc, upsert). A number taken by a rejected request is
 * not reused: the ledger may show gaps, never duplicates.
 */
import { DateTime } from 'luxon';
import type { Connection } from 'mongoose';
import { getModels } from '../models.js';
import { NUMBER_PREFIX, type OrderKind } from '../work-order.model.js';

export async function nextOrderNumber(conn: Connection, kind: OrderKind, at: Date, timeZone: string): Promise<string> {
  const day = DateTime.fromJSDate(at, { zone: timeZone }).toFormat('yyyyLLdd');
  const id = `${NUMBER_PREFIX[kind]}-${day}`;
  const counter = await getModels(conn).Counter.findOneAndUpdate(
    { _id: id },
    { $inc: { seq: 1 } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
  const seq = counter?.seq ?? 1;
  return `${id}-${String(seq).padStart(4, '0')}`;
}
