/**
 * open-consultation (受理咨询): R-CONS-1 — a consultation forwarded from the
 * platform goes to the service centre, to be answered within `answerWithin`.
 */
import { z } from 'zod';

import { defineWorker, optionalText, workOrderId } from './support.js';
import { isoIn, localText, plusIn, zoneOf } from './service-support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  communityId: z.string().min(1),
});

export const output = z.object({ answerDueAt: z.string() });

export default defineWorker({
  type: 'open-consultation',
  input,
  output,
  headers: ['answerWithin'],
  async run({ job, vars, deps, headers, now }) {
    const zone = await zoneOf(deps, vars.communityId);
    const answerDueAt = plusIn(now, headers.duration('answerWithin'), zone);
    await deps.orders.update(
      vars.workOrderId,
      { status: 'dispatched' },
      {
        key: `${job.key}:accepted`,
        type: 'consultation-accepted',
        actor: 'system',
        elementId: job.elementId,
        note: `咨询已转客服中心,${localText(answerDueAt, zone)} 前答复 to the service centre, answer by ${localText(answerDueAt, zone)}`,
      },
    );
    return { answerDueAt: isoIn(answerDueAt, zone) };
  },
});
