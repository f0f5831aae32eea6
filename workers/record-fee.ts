/**
 * record-fee (登记收费): R-PAID-5 — the fee is collected against a receipt:
 * amount and receipt number go on the order's fees (never without a receipt
 * number: the task form and this worker's input both require it), and the
 * cash is due at finance by the end of the collection day (handoverDueAt,
 * 23:59:59 in the community's time zone). Status resolved.
 */
import { z } from 'zod';

import { defineWorker, optionalText, workOrderId } from './support.js';
import { endOfDayIn, isoIn, localText, zoneOf } from './service-support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  communityId: z.string().min(1),
  receiptNumber: z.string().trim().min(1, 'R-PAID-5: a fee is never collected without a receipt number'),
  amount: z.number().min(0),
  agreedFee: z.number().min(0).nullish(),
  serviceItem: optionalText,
  catalogueItemId: optionalText,
  serviceNoticeNumber: optionalText,
});

export const output = z.object({ handoverDueAt: z.string() });

export default defineWorker({
  type: 'record-fee',
  input,
  output,
  async run({ job, vars, deps, now }) {
    const zone = await zoneOf(deps, vars.communityId);
    const handoverDueAt = endOfDayIn(now, zone);
    const differs = typeof vars.agreedFee === 'number' && vars.agreedFee !== vars.amount;
    const fees = {
      item: vars.serviceItem ?? null,
      catalogueItemId: vars.catalogueItemId ?? null,
      serviceNoticeNumber: vars.serviceNoticeNumber ?? null,
      agreed: vars.agreedFee ?? null,
      amount: vars.amount,
      currency: 'CNY',
      receiptNumber: vars.receiptNumber,
      collectedAt: now,
    };
    await deps.orders.update(
      vars.workOrderId,
      { status: 'resolved', fields: { fees } },
      {
        key: `${job.key}:fee`,
        type: 'fee-collected',
        actor: 'system',
        elementId: job.elementId,
        note:
          `已收费 ¥${vars.amount},票据号 ${vars.receiptNumber};当日 ${localText(handoverDueAt, zone)} 前交财务 fee collected, receipt ${vars.receiptNumber}` +
          (differs ? `(约定 ¥${vars.agreedFee},差额请说明 differs from the agreed fee)` : ''),
      },
    );
    return { handoverDueAt: isoIn(handoverDueAt, zone) };
  },
});
