/**
 * order-rework (返工 / 无偿返修): R-PAID-5 — the resident did not accept the
 * work at inspection (stage `inspection`): redone on the spot before the fee
 * is collected; R-PAID-6 — the return visit found a problem (stage
 * `return-visit`): the department reworks free of charge until the resident
 * is satisfied. Each counts as rework on the order (reworkCount, R-KPI-2).
 */
import { z } from 'zod';

import { count, defineWorker, optionalText, workOrderId } from './support.js';

const STAGES = ['inspection', 'return-visit'] as const;

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  currentUnitId: z.string().min(1),
  reworkCount: count.nullish(),
  comment: optionalText,
});

export const output = z.object({ reworkCount: count });

export default defineWorker({
  type: 'order-rework',
  input,
  output,
  headers: ['stage'],
  async run({ job, vars, deps, headers }) {
    const stage = headers.oneOf('stage', STAGES);
    const reworkCount = (vars.reworkCount ?? 0) + 1;
    const note =
      stage === 'inspection'
        ? `验收不合格,现场返工(第 ${reworkCount} 次)not accepted at inspection: redo on site (#${reworkCount})`
        : `回访发现问题,无偿返修(第 ${reworkCount} 次)problem found at the return visit: free rework (#${reworkCount})${vars.comment ? `: ${vars.comment}` : ''}`;
    await deps.orders.update(
      vars.workOrderId,
      { status: 'scheduled', fields: { reworkCount } },
      { key: `${job.key}:rework`, type: 'rework', actor: 'system', elementId: job.elementId, note },
    );
    if (stage === 'return-visit') {
      await deps.notifier.send({
        key: `${job.key}:unit`,
        workOrderId: vars.workOrderId,
        to: `unit:${vars.currentUnitId}`,
        channel: 'sms',
        text: `【无偿返修】${vars.orderNumber ?? vars.workOrderId}:${note}`,
      });
    }
    return { reworkCount };
  },
});
