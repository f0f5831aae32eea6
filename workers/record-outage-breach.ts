/**
 * record-outage-breach (通知超时): R-OUT-1 — a sudden stop was not announced
 * within 10 minutes: breached on the outage; the service centre and the
 * supervisors are told.
 */
import { z } from 'zod';

import { UTILITIES, UTILITY_LABEL } from '../domain/outages.js';
import { defineWorker, optionalDate, optionalText } from './support.js';
import { outageId, outagesOf } from './outage-support.js';

export const input = z.object({
  outageId,
  outageNumber: optionalText,
  utility: z.enum(UTILITIES),
  noticeDueAt: optionalDate,
});

export const output = z.object({});

export default defineWorker({
  type: 'record-outage-breach',
  input,
  output,
  async run({ job, vars, deps }) {
    const key = vars.noticeDueAt ? `outage:${vars.outageId}:breach:${vars.noticeDueAt}` : `${job.key}:breach`;
    const note = `超时 deadline breached: 突发${UTILITY_LABEL[vars.utility]} 10 分钟内未通知住户 residents not notified in time${vars.noticeDueAt ? ` (due ${vars.noticeDueAt})` : ''}`;
    await outagesOf(deps).update(vars.outageId, { noticeBreached: true }, { key, type: 'deadline-breached', note });
    for (const to of ['group:dispatcher', 'group:supervisor']) {
      await deps.notifier.send({ key: `${key}:${to}`, to, channel: 'app', text: `【超时提醒】${vars.outageNumber ?? vars.outageId}:${note}` });
    }
    return {};
  },
});
