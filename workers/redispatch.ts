/**
 * redispatch (再次派单): R-REP-12 the resident is not satisfied at the return
 * visit: the visit counts (deadline met or breached), reworkCount + 1, and the
 * order goes back to dispatch, until the resident is satisfied.
 */
import { z } from 'zod';

import { count, defineWorker, optionalDate, optionalText, outcomeAt, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  reworkCount: count.nullish(),
  comment: optionalText,
  returnVisitDueAt: optionalDate,
});

export const output = z.object({ reworkCount: count });

export default defineWorker({
  type: 'redispatch',
  input,
  output,
  async run({ job, vars, deps, now }) {
    const reworkCount = (vars.reworkCount ?? 0) + 1;
    await deps.orders.closeDeadline(vars.workOrderId, 'return-visit', outcomeAt(now, vars.returnVisitDueAt), now);
    await deps.orders.update(
      vars.workOrderId,
      { fields: { reworkCount } },
      {
        key: `${job.key}:rework`,
        type: 'rework',
        actor: 'system',
        elementId: job.elementId,
        note: `回访不满意,再次派单 not satisfied: dispatched again (rework ${reworkCount})${vars.comment ? `: ${vars.comment}` : ''}`,
      },
    );
    return { reworkCount };
  },
});
