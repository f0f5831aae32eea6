/**
 * Working-hours calendars kept on the community (R-WO-5, R-REP-6): hours,
 * working days, holidays and the day / night duty groups, read by `_id`
 * (kept by community-cache.ts: an admin's edit through this process applies
 * to the next job at once, one made by another process within 5 s).
 * A community without its own settings gets the default calendar
 * (08:00–18:00 every day, Asia/Shanghai, no holidays).
 */
import type { Connection } from 'mongoose';
import { WorkingCalendar, type CalendarConfig, type CalendarProvider } from '../calendar.js';
import type { CalendarSettings, CommunityDoc } from '../community.model.js';
import { communityCacheOf } from './community-cache.js';

/** The community's stored settings as the calendar's configuration. */
export function calendarConfigOf(community: Pick<CommunityDoc, 'timeZone'> & { calendar?: Partial<CalendarSettings> | null }): Partial<CalendarConfig> {
  const c = community.calendar ?? {};
  return {
    timeZone: community.timeZone,
    ...(c.workStart ? { workStart: c.workStart } : {}),
    ...(c.workEnd ? { workEnd: c.workEnd } : {}),
    ...(c.workDays && c.workDays.length > 0 ? { workingDays: [...c.workDays] } : {}),
    ...(c.holidays ? { holidays: [...c.holidays] } : {}),
    ...(c.dayGroup ? { dayGroup: c.dayGroup } : {}),
    ...(c.nightGroup ? { nightGroup: c.nightGroup } : {}),
  };
}

export class DirectoryCalendarProvider implements CalendarProvider {
  private readonly fallback: WorkingCalendar;

  constructor(
    private readonly conn: Connection,
    defaults: Partial<CalendarConfig> = {},
  ) {
    this.fallback = new WorkingCalendar(defaults);
  }

  async forCommunity(communityId: string): Promise<WorkingCalendar> {
    if (!communityId) return this.fallback;
    const community = await communityCacheOf(this.conn).get(communityId);
    if (!community) return this.fallback;
    try {
      return new WorkingCalendar({ ...this.fallback.config, ...calendarConfigOf(community) });
    } catch {
      // Settings that do not parse (edited outside the API): the default keeps deadlines computable.
      return this.fallback;
    }
  }
}
