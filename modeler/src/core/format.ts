/** Times as the staff read them: Asia/Shanghai wall-clock time, durations in minutes/hours/days. */
import { getLang, t } from './i18n.js';

const ZONE = 'Asia/Shanghai';

function parts(iso: string): Record<string, string> {
  const d = new Date(iso);
  const out: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat('en-GB', {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d)) {
    out[p.type] = p.value;
  }
  return out;
}

/** 2026-11-23 10:08 */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** 11-23 10:08 */
export function shortDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const p = parts(iso);
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function date(iso: string): string {
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day}`;
}

/** 8 分钟 / 2 小时 15 分钟 / 3 天 */
export function duration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 60) return t('minutes', minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = minutes % 60;
    return rest ? `${t('hours', hours)} ${t('minutes', rest)}` : t('hours', hours);
  }
  return t('days', Math.round(hours / 24));
}

export function percent(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(getLang() === 'zh' ? 1 : 1)}%`;
}

/** `<input type="datetime-local">` value (Shanghai time) → ISO with +08:00. */
export function fromLocalInput(value: string): string {
  return `${value.length === 16 ? `${value}:00` : value}+08:00`;
}

/** ISO → `<input type="datetime-local">` value in Shanghai time. */
export function toLocalInput(iso: string): string {
  const p = parts(iso);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** ISO week of a date, e.g. 2026-W48 (weeks start on Monday). */
export function isoWeek(d: Date): string {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - dow);
  const yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((day.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
