/**
 * close-order (结单归档): R-REP-12 the resident is satisfied at the return
 * visit: the visit deadline is met or breached, the order closed with the
 * rating and comment.
 */
import { z } from 'zod';

import { calendarOf, defineWorker, iso, optionalDate, optionalText, outcomeAt, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  communityId: optionalText,
  satisfied: z.boolean(),
  rating: z.number().int().min(1).max(5).nullish(),
  comment: optionalText,
  returnVisitDueAt: optionalDate,
});

export const output = z.object({ closedAt: z.string() });

export default defineWorker({
  type: 'close-order',
  input,
  output,
  async run({ job, vars, deps, now }) {
    const calendar = await calendarOf(deps, vars.communityId);
    await deps.orders.update(
      vars.workOrderId,
      {
        status: 'closed',
        fields: { satisfied: vars.satisfied, satisfaction: vars.rating ?? null, returnVisitComment: vars.comment ?? null, closedAt: now.toISOString() },
        closeDeadlines: [{ name: 'return-visit', outcome: outcomeAt(now, vars.returnVisitDueAt), at: now }],
      },
      {
        key: `${job.key}:closed`,
        type: 'closed',
        actor: 'system',
        elementId: job.elementId,
        note: `回访满意,结单 satisfied, closed${vars.rating ? ` (${vars.rating}/5)` : ''}`,
      },
    );
    return { closedAt: iso(now, calendar) };
  },
});
