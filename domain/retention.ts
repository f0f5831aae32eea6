/**
 * R-LED-3: dispatch sheets and visit logs are kept **2 years**; public-facility
 * records (共用设施设备, responsibility `shared`) permanently. The one rule the
 * ledger's `retainUntil` column, the retention sweep and every deletion use.
 * Two years run from the report (the ledger's reading); an order that has not
 * ended (closed, withdrawn, rejected) is never deleted, however old.
 */
import { DateTime } from 'luxon';

import type { OrderStatus } from './ports.js';

/** R-LED-3: how long dispatch sheets and visit logs are kept. */
export const RETENTION = 'P2Y';

/** Statuses in which an order's handling has ended. */
export const ENDED_STATUSES: readonly OrderStatus[] = ['closed', 'withdrawn', 'rejected'];

export interface RetentionSubject {
  status: string;
  responsibility?: string | null;
  reportedAt: Date | string;
}

/** Public-facility records are kept permanently (R-LED-3). */
export function isPermanent(order: Pick<RetentionSubject, 'responsibility'>): boolean {
  return order.responsibility === 'shared';
}

/** The instant before which the order must be kept (undefined: permanently). */
export function retainUntilOf(order: Pick<RetentionSubject, 'responsibility' | 'reportedAt'>): Date | undefined {
  if (isPermanent(order)) return undefined;
  return DateTime.fromJSDate(new Date(order.reportedAt), { zone: 'utc' }).plus({ years: 2 }).toJSDate();
}

/** Why the order may not be deleted at `now`, or undefined when it may. */
export function retentionHold(order: RetentionSubject, now: Date): string | undefined {
  if (isPermanent(order)) return 'public-facility records are kept permanently (R-LED-3)';
  if (!(ENDED_STATUSES as readonly string[]).includes(order.status)) return `the order is still ${order.status}`;
  const until = retainUntilOf(order)!;
  if (now.getTime() < until.getTime()) return `kept until ${until.toISOString()} (2 years, R-LED-3)`;
  return undefined;
}
