/**
 * send-outage-notice (通知住户): R-OUT-1 — every resident of the community is
 * told of the stop (one message to `residents:<communityId>` per channel of
 * the `channels` header: the app shows it in each resident's notifications,
 * the SMS gateway fans it out); the notice is on time or late against
 * noticeDueAt.
 */
import { z } from 'zod';

import { UTILITIES, UTILITY_LABEL } from '../domain/outages.js';
import { isoDateTime } from '../domain/schemas.js';
import { defineWorker, JobFailure, optionalDate, optionalText, outcomeAt } from './support.js';
import { outageId, outagesOf } from './outage-support.js';
import { localText, zoneOf } from './service-support.js';

const CHANNELS = ['app', 'sms', 'phone'] as const;

export const input = z.object({
  outageId,
  outageNumber: optionalText,
  communityId: z.string().min(1),
  utility: z.enum(UTILITIES),
  planned: z.boolean(),
  startsAt: isoDateTime,
  endsAt: optionalDate,
  noticeDueAt: optionalDate,
  cause: optionalText,
  noticeText: optionalText,
});

export const output = z.object({});

export default defineWorker({
  type: 'send-outage-notice',
  input,
  output,
  headers: ['channels'],
  async run({ job, vars, deps, headers, now }) {
    const outages = outagesOf(deps);
    const channels = headers.list('channels');
    const bad = channels.filter((c) => !(CHANNELS as readonly string[]).includes(c));
    if (channels.length === 0 || bad.length) throw new JobFailure(`task header <channels> must list some of ${CHANNELS.join(', ')}`);
    const zone = await zoneOf(deps, vars.communityId);
    const community = await deps.directory.community(vars.communityId);
    const what = vars.utility === 'water' ? '停水' : '停电';
    const when = `${localText(new Date(vars.startsAt), zone)}${vars.endsAt ? ` 至 ${localText(new Date(vars.endsAt), zone)}` : ''}`;
    const text =
      vars.noticeText?.trim() ||
      `【${vars.planned ? '计划' : '临时'}${what}通知】${community?.name ?? vars.communityId}:${when} ${what}${vars.cause ? `,原因:${vars.cause}` : ''}。请提前做好准备,给您带来不便敬请谅解。` +
        ` ${vars.planned ? 'Planned' : 'Sudden'} ${UTILITY_LABEL[vars.utility]}: ${when}.`;
    const outcome = outcomeAt(now, vars.noticeDueAt);
    for (const channel of channels as (typeof CHANNELS)[number][]) {
      await deps.notifier.send({ key: `${job.key}:${channel}`, to: `residents:${vars.communityId}`, channel, text });
    }
    await outages.update(
      vars.outageId,
      { status: 'notified', notifiedAt: now, noticeText: text, ...(outcome === 'breached' ? { noticeBreached: true } : {}) },
      { key: `${job.key}:notified`, type: 'residents-notified', note: `已通知住户 residents notified (${channels.join(', ')})${outcome === 'breached' ? ',晚于时限 late' : ''}: ${text}` },
    );
    return {};
  },
});
