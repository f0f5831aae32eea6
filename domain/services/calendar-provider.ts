/**
 * Working-hours calendars kept on the community (R-WO-5, R-REP-6): hours,
 * working days, holidays and the day / night duty groups, read by `_id` on
 * every call so that an admin's edit applies to the next job at once.
 * A community without its own settings gets the default calendar
 * (08:00–18:00 every day, Asia/Shanghai, no holidays).
 */
import type { Connection } from 'mongoose';
import { WorkingCalendar, type CalendarConfig, type CalendarProvider } from '../calendar.js';
import type { CalendarSettings, CommunityDoc } from '../community.model.js';
import { getModels, type Models } from '../models.js';

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
  private readonly models: Models;
  private readonly fallback: WorkingCalendar;

  constructor(conn: Connection, defaults: Partial<CalendarConfig> = {}) {
    this.models = getModels(conn);
    this.fallback = new WorkingCalendar(defaults);
  }

  async forCommunity(communityId: string): Promise<WorkingCalendar> {
    if (!communityId) return this.fallback;
    // Without a projection: by `_id` alone reaches FerretDB's index (a projection scans the collection).
    const community = await this.models.Community.findById(communityId).lean();
    if (!community) return this.fallback;
    try {
      return new WorkingCalendar({ ...this.fallback.config, ...calendarConfigOf(community) });
    } catch {
      // Settings that do not parse (edited outside the API): the default keeps deadlines computable.
      return this.fallback;
    }
  }
}
