/**
 * record-result (登记修复): R-REP-8 the unit reported "repaired": the feedback
 * and completion deadlines are met or breached (R-REP-9); R-REP-10 the actual
 * item and fee are kept; R-REP-11 the signed order is due back within
 * signedOrderWithin. Status resolved.
 */
import { z } from 'zod';

import { calendarOf, defineWorker, iso, optionalDate, optionalText, outcomeAt, plus, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  communityId: optionalText,
  actualItem: optionalText,
  fee: z.number().min(0).nullish(),
  feedbackDueAt: optionalDate,
  completionDueAt: optionalDate,
  currentUnitId: optionalText,
});

export const output = z.object({ resolvedAt: z.string(), signedOrderDueAt: z.string() });

export default defineWorker({
  type: 'record-result',
  input,
  output,
  headers: ['signedOrderWithin'],
  async run({ job, vars, deps, headers, now }) {
    const calendar = await calendarOf(deps, vars.communityId);
    const signedOrderDueAt = plus(now, headers.duration('signedOrderWithin'), calendar);
    const fields: Record<string, unknown> = { result: 'repaired', resolvedAt: now.toISOString() };
    if (vars.actualItem) fields['actualItem'] = vars.actualItem;
    if (vars.fee !== undefined && vars.fee !== null) fields['fee'] = vars.fee;
    await deps.orders.update(
      vars.workOrderId,
      {
        status: 'resolved',
        fields,
        closeDeadlines: [
          { name: 'feedback', outcome: outcomeAt(now, vars.feedbackDueAt), at: now },
          { name: 'completion', outcome: outcomeAt(now, vars.completionDueAt), at: now },
        ],
        openDeadlines: [{ name: 'signed-order', dueAt: signedOrderDueAt }],
      },
      {
        key: `${job.key}:resolved`,
        type: 'resolved',
        actor: vars.currentUnitId ? `unit:${vars.currentUnitId}` : 'system',
        elementId: job.elementId,
        note: `已修复 repaired${vars.actualItem ? `: ${vars.actualItem}` : ''}${vars.fee ? `, 费用 fee ${vars.fee} 元` : ''}`,
      },
    );
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'app',
      text: `您的报修 ${vars.orderNumber ?? ''} 已修复,请验收签字并评价。Your repair is done: please sign and rate it.`,
    });
    return { resolvedAt: iso(now, calendar), signedOrderDueAt: iso(signedOrderDueAt, calendar) };
  },
});
