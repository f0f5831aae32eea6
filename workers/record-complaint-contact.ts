/**
 * record-complaint-contact (登记答复时限): R-CMP-3 — the resident was contacted
 * and told when the complaint will be resolved. The resolution is due by the
 * promised time, but never later than `resolutionWithin` (normally 3 days)
 * after the contact; a promise beyond that is kept on the timeline as an
 * exception. The resident gets the promised time in writing.
 */
import { z } from 'zod';

import { isoDateTime } from '../domain/schemas.js';
import { defineWorker, optionalText, workOrderId } from './support.js';
import { isoIn, localText, plusIn, zoneOf } from './service-support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  communityId: z.string().min(1),
  resolutionPromisedAt: isoDateTime,
});

export const output = z.object({ resolutionDueAt: z.string() });

export default defineWorker({
  type: 'record-complaint-contact',
  input,
  output,
  headers: ['resolutionWithin'],
  async run({ job, vars, deps, headers, now }) {
    const zone = await zoneOf(deps, vars.communityId);
    const limit = plusIn(now, headers.duration('resolutionWithin'), zone);
    const promised = new Date(vars.resolutionPromisedAt);
    const beyond = promised.getTime() > limit.getTime();
    const dueAt = promised.getTime() > now.getTime() && !beyond ? promised : limit;
    const note =
      `已联系住户,承诺 ${localText(promised, zone)} 前解决 resident contacted, promised by ${localText(promised, zone)}` +
      (beyond ? `;超过一般 3 天时限,按 ${localText(limit, zone)} 考核 beyond the normal limit: due ${localText(limit, zone)}` : '');

    await deps.orders.update(
      vars.workOrderId,
      { status: 'scheduled', fields: { resolutionPromisedAt: promised, resolutionDueAt: dueAt } },
      { key: `${job.key}:contacted`, type: 'complainant-contacted', actor: 'system', elementId: job.elementId, note },
    );
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'sms',
      text: `您的投诉 ${vars.orderNumber ?? ''} 已受理,我们将于 ${localText(promised, zone)} 前处理完毕。Your complaint will be resolved by ${localText(promised, zone)}.`,
    });
    return { resolutionDueAt: isoIn(dueAt, zone) };
  },
});
