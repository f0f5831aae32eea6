/**
 * The working-hours calendar (工作时间) of a community.
 *
 * R-WO-5: daytime reports go to the customer service centre, night reports to
 * the monitoring centre; the calendar decides which is on duty.
 * R-REP-6: a routine order signed at night or on a holiday must be answered
 * within 1 h of the start of the *next working period*, which is a business
 * calendar, not a plain duration.
 *
 * Default until a community sets its own: 08:00–18:00 every day, Asia/Shanghai,
 * plus the statutory holidays a company enters. Durations are ISO-8601 strings
 * (`PT1H`) that come from the BPMN model (task headers), never from here.
 */
import { DateTime, Duration } from 'luxon';
import { z } from 'zod';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:mm');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const calendarConfigSchema = z
  .object({
    /** IANA time zone of the community. */
    timeZone: z.string().refine((zone) => DateTime.local().setZone(zone).isValid, 'unknown time zone'),
    /** Start of the working period, local time. */
    workStart: clockTime,
    /** End of the working period (exclusive), local time. */
    workEnd: clockTime,
    /** ISO weekdays with working hours (1 = Monday … 7 = Sunday). */
    workingDays: z.array(z.number().int().min(1).max(7)).min(1),
    /** Local dates without working hours (statutory holidays, 法定节假日). */
    holidays: z.array(localDate),
    /** R-WO-5: candidate group on duty in working hours (客户服务中心); the model's header when unset. */
    dayGroup: z.string().regex(/^[\w:.-]{1,64}$/).optional(),
    /** R-WO-5: candidate group on duty at night and on holidays (监控中心); the model's header when unset. */
    nightGroup: z.string().regex(/^[\w:.-]{1,64}$/).optional(),
  })
  .refine((c) => c.workStart < c.workEnd, { message: 'workStart must be before workEnd', path: ['workEnd'] });

export type CalendarConfig = z.infer<typeof calendarConfigSchema>;

export const DEFAULT_CALENDAR: CalendarConfig = Object.freeze({
  timeZone: 'Asia/Shanghai',
  workStart: '08:00',
  workEnd: '18:00',
  workingDays: [1, 2, 3, 4, 5, 6, 7],
  holidays: [],
});

/** Parses an ISO-8601 duration (`PT8M`, `P4D`); throws on anything else. */
export function parseDuration(iso: string): Duration {
  const duration = Duration.fromISO(iso);
  if (!duration.isValid || !iso.startsWith('P')) {
    throw new RangeError(`not an ISO-8601 duration: ${JSON.stringify(iso)}`);
  }
  if (duration.as('milliseconds') < 0) {
    throw new RangeError(`negative duration: ${iso}`);
  }
  return duration;
}

/** `at` plus an ISO duration, in the given zone (so `P1D` is a calendar day). */
export function addDuration(at: Date, duration: string | Duration, timeZone: string = DEFAULT_CALENDAR.timeZone): Date {
  const d = typeof duration === 'string' ? parseDuration(duration) : duration;
  return DateTime.fromJSDate(at).setZone(timeZone).plus(d).toJSDate();
}

/** 23:59:59 local time of the day `at` falls on (R-REP-13, R-URG-2). */
export function endOfDay(at: Date, timeZone: string = DEFAULT_CALENDAR.timeZone): Date {
  return DateTime.fromJSDate(at).setZone(timeZone).endOf('day').set({ millisecond: 0 }).toJSDate();
}

/** ISO-8601 with the offset of the zone, without milliseconds: `2026-11-23T08:00:00+08:00`. */
export function toIsoInZone(at: Date, timeZone: string = DEFAULT_CALENDAR.timeZone): string {
  const iso = DateTime.fromJSDate(at).setZone(timeZone).toISO({ suppressMilliseconds: true });
  if (iso === null) throw new RangeError(`invalid date: ${String(at)}`);
  return iso;
}

/** Days searched for the next working period before giving up (a year of holidays). */
const SEARCH_DAYS = 400;

export class WorkingCalendar {
  readonly config: CalendarConfig;
  private readonly holidays: ReadonlySet<string>;
  private readonly start: { hour: number; minute: number };
  private readonly end: { hour: number; minute: number };

  constructor(config: Partial<CalendarConfig> = {}) {
    this.config = calendarConfigSchema.parse({ ...DEFAULT_CALENDAR, ...config });
    this.holidays = new Set(this.config.holidays);
    this.start = hm(this.config.workStart);
    this.end = hm(this.config.workEnd);
  }

  get timeZone(): string {
    return this.config.timeZone;
  }

  /** True when the local day of `at` has working hours (a working weekday, not a holiday). */
  isWorkingDay(at: Date): boolean {
    return this.isWorkingLocalDay(this.local(at));
  }

  /** R-WO-5: inside the working hours of a working day. */
  isWorkingTime(at: Date): boolean {
    const local = this.local(at);
    if (!this.isWorkingLocalDay(local)) return false;
    const { start, end } = this.periodOf(local);
    return local >= start && local < end;
  }

  /**
   * R-WO-5: the group on duty at `at`: the community's day group in working
   * hours, its night group otherwise; the given defaults (the model's headers)
   * where the community set none.
   */
  dutyGroupAt(at: Date, defaults: { day: string; night: string }): string {
    return this.isWorkingTime(at) ? (this.config.dayGroup ?? defaults.day) : (this.config.nightGroup ?? defaults.night);
  }

  /**
   * The start of the first working period that begins at or after `at`.
   * Inside working hours this is the start of tomorrow's (or a later) period.
   */
  nextWorkingPeriodStart(at: Date): Date {
    const local = this.local(at);
    let day = local.startOf('day');
    for (let i = 0; i < SEARCH_DAYS; i += 1) {
      if (this.isWorkingLocalDay(day)) {
        const { start } = this.periodOf(day);
        if (start >= local) return start.toJSDate();
      }
      day = day.plus({ days: 1 });
    }
    throw new RangeError(`no working period within ${SEARCH_DAYS} days after ${local.toISO()}`);
  }

  /**
   * R-REP-6 (routine orders): signed in working hours → `at + duration`;
   * signed at night or on a holiday → start of the next working period + duration.
   */
  dueFromSignOff(at: Date, duration: string | Duration): Date {
    const base = this.isWorkingTime(at) ? at : this.nextWorkingPeriodStart(at);
    return addDuration(base, duration, this.timeZone);
  }

  /**
   * Business-time addition: only time inside working hours counts
   * (`17:30 + PT1H` → `08:30` of the next working day).
   */
  addWithinWorkingHours(at: Date, duration: string | Duration): Date {
    const d = typeof duration === 'string' ? parseDuration(duration) : duration;
    let remaining = d.as('milliseconds');
    let cursor = this.local(at);
    for (let i = 0; i < SEARCH_DAYS; i += 1) {
      if (!this.isWorkingTime(cursor.toJSDate())) {
        cursor = this.local(this.nextWorkingPeriodStart(cursor.toJSDate()));
      }
      const { end } = this.periodOf(cursor);
      const available = end.toMillis() - cursor.toMillis();
      if (remaining <= available) return cursor.plus({ milliseconds: remaining }).toJSDate();
      remaining -= available;
      cursor = end;
    }
    throw new RangeError(`duration ${d.toISO()} does not fit into ${SEARCH_DAYS} days of working hours`);
  }

  /** 23:59:59 local time of the day `at` falls on, in this community's zone. */
  endOfDay(at: Date): Date {
    return endOfDay(at, this.timeZone);
  }

  /** ISO string with this community's offset. */
  toIso(at: Date): string {
    return toIsoInZone(at, this.timeZone);
  }

  private local(at: Date): DateTime {
    return DateTime.fromJSDate(at).setZone(this.timeZone);
  }

  private isWorkingLocalDay(local: DateTime): boolean {
    return this.config.workingDays.includes(local.weekday) && !this.holidays.has(local.toISODate() ?? '');
  }

  private periodOf(local: DateTime): { start: DateTime; end: DateTime } {
    const day = local.startOf('day');
    return { start: day.set(this.start), end: day.set(this.end) };
  }
}

function hm(value: string): { hour: number; minute: number } {
  const [hour, minute] = value.split(':').map(Number);
  return { hour: hour ?? 0, minute: minute ?? 0 };
}

/** Where workers get the calendar of a community from. */
export interface CalendarProvider {
  forCommunity(communityId: string): Promise<WorkingCalendar>;
}

/**
 * A provider from fixed configuration: `defaults` for every community, with
 * per-community overrides. Enough for tests and for a single site until
 * communities keep their calendars in the database.
 */
export function staticCalendarProvider(
  defaults: Partial<CalendarConfig> = {},
  byCommunity: Record<string, Partial<CalendarConfig>> = {},
): CalendarProvider {
  const base = new WorkingCalendar(defaults);
  const cache = new Map<string, WorkingCalendar>();
  return {
    forCommunity(communityId: string): Promise<WorkingCalendar> {
      const own = byCommunity[communityId];
      if (!own) return Promise.resolve(base);
      let calendar = cache.get(communityId);
      if (!calendar) {
        calendar = new WorkingCalendar({ ...base.config, ...own });
        cache.set(communityId, calendar);
      }
      return Promise.resolve(calendar);
    },
  };
}
