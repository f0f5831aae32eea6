/**
 * schedule-outage-notice (确定通知时间): R-OUT-1 — a planned water stop is
 * announced `waterLeadTime` (one day) before it starts, a planned power stop
 * `powerLeadTime` (two days) before; a sudden stop within
 * `suddenNoticeWithin` (10 minutes) of learning of it. POST /api/outages
 * refuses planned stops that are too close or longer than `durationLimit`
 * (these same headers); a stop found too close here is announced at once
 * and the lateness recorded.
 */
import { z } from 'zod';

import { UTILITIES, UTILITY_LABEL } from '../domain/outages.js';
import { isoDateTime } from '../domain/schemas.js';
import { defineWorker, optionalDate, optionalText } from './support.js';
import { outageId, outagesOf } from './outage-support.js';
import { isoIn, localText, minusIn, plusIn, zoneOf } from './service-support.js';

export const input = z.object({
  outageId,
  outageNumber: optionalText,
  communityId: z.string().min(1),
  utility: z.enum(UTILITIES),
  planned: z.boolean(),
  startsAt: isoDateTime,
  endsAt: optionalDate,
});

export const output = z.object({
  plannedNotice: z.boolean(),
  notifyAt: z.string().nullable(),
  noticeDueAt: z.string(),
});

export default defineWorker({
  type: 'schedule-outage-notice',
  input,
  output,
  headers: ['waterLeadTime', 'powerLeadTime', 'durationLimit', 'suddenNoticeWithin'],
  async run({ job, vars, deps, headers, now }) {
    const outages = outagesOf(deps);
    const zone = await zoneOf(deps, vars.communityId);
    const startsAt = new Date(vars.startsAt);
    headers.duration('durationLimit'); // the API's limit; checked here so a bad model fails loudly
    if (!vars.planned) {
      const noticeDueAt = plusIn(now, headers.duration('suddenNoticeWithin'), zone);
      await outages.update(
        vars.outageId,
        { status: 'scheduled', notifyAt: null, noticeDueAt },
        { key: `${job.key}:scheduled`, type: 'notice-due', note: `突发${UTILITY_LABEL[vars.utility]}:${localText(noticeDueAt, zone)} 前通知住户 sudden: notify residents by then` },
      );
      return { plannedNotice: false, notifyAt: null, noticeDueAt: isoIn(noticeDueAt, zone) };
    }
    const lead = headers.duration(vars.utility === 'water' ? 'waterLeadTime' : 'powerLeadTime');
    const wanted = minusIn(startsAt, lead, zone);
    const late = wanted.getTime() < now.getTime();
    const notifyAt = late ? now : wanted;
    await outages.update(
      vars.outageId,
      { status: 'scheduled', notifyAt, noticeDueAt: wanted, ...(late ? { noticeBreached: true } : {}) },
      {
        key: `${job.key}:scheduled`,
        type: 'notice-scheduled',
        note:
          `计划${UTILITY_LABEL[vars.utility]} ${localText(startsAt, zone)}:提前 ${lead} 于 ${localText(notifyAt, zone)} 通知住户 planned: residents are told then` +
          (late ? `(应于 ${localText(wanted, zone)} 通知,已晚 the notice is late)` : ''),
      },
    );
    return { plannedNotice: true, notifyAt: isoIn(notifyAt, zone), noticeDueAt: isoIn(wanted, zone) };
  },
});
