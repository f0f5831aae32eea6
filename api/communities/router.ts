/**
 * The working-hours calendar of a community (R-WO-5, R-REP-6): hours, working
 * days, holidays (法定节假日) and the day / night duty groups (客户服务中心 /
 * 监控中心). Workers read it on every job (domain/services/calendar-provider.ts),
 * so an edit applies to the next deadline computed.
 *   GET /api/communities/:id/calendar   staff
 *   PUT /api/communities/:id/calendar   admin
 */
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { calendarConfigSchema, DEFAULT_CALENDAR } from '../../domain/calendar.js';
import { DEFAULT_CALENDAR as DEFAULT_SETTINGS } from '../../domain/community.model.js';
import { getModels } from '../../domain/models.js';
import { isIsoDate } from '../common-schemas.js';
import { NotFound } from '../errors.js';
import { endpoint, type Endpoint } from '../http.js';
import { STAFF_ROLES } from '../../domain/user.model.js';


const communityParam = z.strictObject({ id: z.string().min(1).max(32).regex(/^[A-Za-z0-9_.-]+$/, 'is not a valid community id') });
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm (00:00–23:59)');
const group = z.string().regex(/^[\w:.-]{1,64}$/, 'must be a candidate group name such as dispatcher or monitoring-centre');

export const calendarBody = z
  .object({
    timeZone: z.string().min(1).max(64).optional(),
    workStart: clock,
    workEnd: clock,
    workDays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    holidays: z.array(z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD')).max(400),
    dayGroup: group.optional(),
    nightGroup: group.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.workStart >= c.workEnd) ctx.addIssue({ code: 'custom', path: ['workEnd'], message: 'must be after workStart' });
    if (c.timeZone && !calendarConfigSchema.safeParse({ ...DEFAULT_CALENDAR, timeZone: c.timeZone }).success) {
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message: 'is not a known IANA time zone' });
    }
  })
  .meta({ id: 'CommunityCalendar' });

export const calendarView = z.object({
  communityId: z.string(),
  timeZone: z.string(),
  workStart: z.string(),
  workEnd: z.string(),
  workDays: z.array(z.number()),
  holidays: z.array(z.string()),
  dayGroup: z.string().nullable(),
  nightGroup: z.string().nullable(),
});

export function communityRoutes(conn: Connection): Endpoint[] {
  const models = getModels(conn);
  const read = async (id: string): Promise<z.infer<typeof calendarView>> => {
    const c = await models.Community.findById(id, { timeZone: 1, calendar: 1 }).lean();
    if (!c) throw new NotFound(`Community ${id} not found.`, 'COMMUNITY_NOT_FOUND');
    const cal = { ...DEFAULT_SETTINGS, ...(c.calendar ?? {}) };
    return {
      communityId: c._id,
      timeZone: c.timeZone,
      workStart: cal.workStart,
      workEnd: cal.workEnd,
      workDays: [...cal.workDays],
      holidays: [...cal.holidays].sort(),
      dayGroup: cal.dayGroup ?? null,
      nightGroup: cal.nightGroup ?? null,
    };
  };
  return [
    endpoint({
      method: 'get',
      path: '/communities/:id/calendar',
      tag: 'communities',
      summary: "A community's working-hours calendar and duty groups (R-WO-5)",
      access: STAFF_ROLES,
      params: communityParam,
      response: calendarView,
      handle: async ({ params }) => read(params.id),
    }),
    endpoint({
      method: 'put',
      path: '/communities/:id/calendar',
      tag: 'communities',
      summary: "Replace a community's working-hours calendar (admin); applies to the next deadline computed",
      access: ['admin'],
      params: communityParam,
      body: calendarBody,
      response: calendarView,
      handle: async ({ params, body }) => {
        const exists = await models.Community.exists({ _id: params.id });
        if (!exists) throw new NotFound(`Community ${params.id} not found.`, 'COMMUNITY_NOT_FOUND');
        const calendar = {
          workStart: body.workStart,
          workEnd: body.workEnd,
          workDays: [...new Set(body.workDays)].sort(),
          holidays: [...new Set(body.holidays)].sort(),
          ...(body.dayGroup ? { dayGroup: body.dayGroup } : {}),
          ...(body.nightGroup ? { nightGroup: body.nightGroup } : {}),
        };
        await models.Community.updateOne({ _id: params.id }, { $set: { calendar, ...(body.timeZone ? { timeZone: body.timeZone } : {}) } });
        return read(params.id);
      },
    }),
  ];
}
