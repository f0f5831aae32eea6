/**
 * record-signature (签字评价): R-REP-11 the resident signed and rated quality,
 * timeliness and attitude; the signed order is back (deadline met or
 * breached). R-REP-12: the return visit is due within returnVisitWithin.
 */
import { z } from 'zod';

import { calendarOf, defineWorker, iso, optionalDate, optionalText, outcomeAt, plus, workOrderId } from './support.js';

const rating = z.number().int().min(1).max(5).nullish();

export const input = z.object({
  workOrderId,
  communityId: optionalText,
  quality: rating,
  timeliness: rating,
  attitude: rating,
  signedOrderDueAt: optionalDate,
});

export const output = z.object({ signedOrderReturnedAt: z.string(), returnVisitDueAt: z.string() });

export default defineWorker({
  type: 'record-signature',
  input,
  output,
  headers: ['returnVisitWithin'],
  async run({ job, vars, deps, headers, now }) {
    const calendar = await calendarOf(deps, vars.communityId);
    const returnVisitDueAt = plus(now, headers.duration('returnVisitWithin'), calendar);
    const rated = { quality: vars.quality ?? null, timeliness: vars.timeliness ?? null, attitude: vars.attitude ?? null };
    await deps.orders.update(
      vars.workOrderId,
      {
        fields: { rating: rated, signedOrderReturnedAt: now.toISOString() },
        closeDeadlines: [{ name: 'signed-order', outcome: outcomeAt(now, vars.signedOrderDueAt), at: now }],
        openDeadlines: [{ name: 'return-visit', dueAt: returnVisitDueAt }],
      },
      {
        key: `${job.key}:signed-order`,
        type: 'signed-order-returned',
        actor: 'system',
        elementId: job.elementId,
        note: `住户签字评价 resident signed: 质量 quality ${rated.quality ?? '-'}, 及时 timeliness ${rated.timeliness ?? '-'}, 态度 attitude ${rated.attitude ?? '-'}`,
      },
    );
    return { signedOrderReturnedAt: iso(now, calendar), returnVisitDueAt: iso(returnVisitDueAt, calendar) };
  },
});
