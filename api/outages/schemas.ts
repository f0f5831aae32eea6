/** Request and response schemas of /api/outages (停水停电通知, R-OUT-1). */
import { z } from 'zod';

import { UTILITIES } from '../../domain/outages.js';
import { dateOrDateTime, isoDateTime, text } from '../common-schemas.js';

export const createOutageBody = z
  .strictObject({
    communityId: text(32),
    utility: z.enum(UTILITIES),
    planned: z.boolean(),
    startsAt: isoDateTime,
    endsAt: isoDateTime.optional().describe('required for a planned stop'),
    cause: text(200).optional(),
    area: text(200).optional().describe('buildings or area concerned, e.g. 1–3栋'),
  })
  .meta({ id: 'CreateOutage' });
export type CreateOutageBody = z.output<typeof createOutageBody>;

export const listOutagesQuery = z.object({
  communityId: z.string().trim().min(1).max(32).optional(),
  from: dateOrDateTime.optional().describe('stops starting at or after'),
  to: dateOrDateTime.optional().describe('stops starting before'),
});
export type ListOutagesQuery = z.output<typeof listOutagesQuery>;

export const outageView = z
  .object({
    id: z.string(),
    number: z.string().describe('TD-YYYYMMDD-NNNN'),
    communityId: z.string(),
    utility: z.enum(UTILITIES),
    planned: z.boolean(),
    startsAt: z.string(),
    endsAt: z.string().nullable(),
    cause: z.string().nullable(),
    area: z.string().nullable(),
    status: z.string(),
    notifyAt: z.string().nullable().describe('planned: when residents are told (startsAt − lead time)'),
    noticeDueAt: z.string().nullable(),
    notifiedAt: z.string().nullable(),
    noticeBreached: z.boolean(),
    noticeText: z.string().nullable(),
    processInstanceKey: z.string().nullable(),
    createdBy: z.string(),
    events: z.array(z.object({ at: z.string(), type: z.string(), note: z.string() })),
  })
  .meta({ id: 'Outage' });
export type OutageView = z.infer<typeof outageView>;

export const outageList = z.object({ items: z.array(outageView), total: z.number() });
