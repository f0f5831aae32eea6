/**
 * record-handover (登记交款): R-PAID-5 — finance confirmed the cash of the
 * order; the hand-over time and the amount received go on the order, and a
 * difference from the collected amount is reported to finance and the
 * supervisors (it shows in the monthly reconciliation, R-PAID-7).
 */
import { z } from 'zod';

import { defineWorker, optionalDate, optionalText, outcomeAt, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  amountReceived: z.number().min(0),
  amount: z.number().min(0),
  receiptNumber: optionalText,
  handoverDueAt: optionalDate,
});

export const output = z.object({});

export default defineWorker({
  type: 'record-handover',
  input,
  output,
  async run({ job, vars, deps, now }) {
    const difference = Math.round((vars.amountReceived - vars.amount) * 100) / 100;
    const onTime = outcomeAt(now, vars.handoverDueAt) === 'met';
    await deps.orders.update(
      vars.workOrderId,
      { fields: { financeHandover: { at: now, amountReceived: vars.amountReceived, difference, onTime } } },
      {
        key: `${job.key}:handover`,
        type: 'handed-over-to-finance',
        actor: 'system',
        elementId: job.elementId,
        note: `财务已收 ¥${vars.amountReceived}(票据 ${vars.receiptNumber ?? '—'})${onTime ? '' : ',晚于当日 late'}${difference !== 0 ? `,差额 ¥${difference} difference` : ''} finance received the cash`,
      },
    );
    if (difference !== 0) {
      for (const to of ['group:finance', 'group:supervisor']) {
        await deps.notifier.send({
          key: `${job.key}:${to}`,
          workOrderId: vars.workOrderId,
          to,
          channel: 'app',
          text: `【交款差额】${vars.orderNumber ?? vars.workOrderId}:收费 ¥${vars.amount},财务实收 ¥${vars.amountReceived} Cash difference ¥${difference}`,
        });
      }
    }
    return {};
  },
});
