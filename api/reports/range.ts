/** `from` / `to` query values as instants: a local date means the community day (Asia/Shanghai); `to` is exclusive. */
import { DateTime } from 'luxon';

export const REPORT_ZONE = 'Asia/Shanghai';

export function boundary(value: string, side: 'from' | 'to', zone = REPORT_ZONE): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone }).startOf('day');
    return (side === 'to' ? day.plus({ days: 1 }) : day).toJSDate();
  }
  return new Date(value);
}

export function rangeOf(from: string | undefined, to: string | undefined): { from?: Date; to?: Date; invalid: boolean } {
  const f = from ? boundary(from, 'from') : undefined;
  const t = to ? boundary(to, 'to') : undefined;
  return { ...(f ? { from: f } : {}), ...(t ? { to: t } : {}), invalid: !!f && !!t && f.getTime() > t.getTime() };
}
