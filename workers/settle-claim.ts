/**
 * settle-claim (结算赔付): R-COMP-4 after agreement the payment is settled with
 * the responsible party against the settlement memo (和解备忘) and the work
 * contact sheet (工作联系单); R-COMP-2 a small claim is settled against the
 * contact sheet filed after the on-site answer (header requireMemo = false).
 * Without the papers the rule asks for there is no settlement: the job fails
 * for a person to look at. Status closed; finance and the resident are told.
 */
import { z } from 'zod';

import { calendarOf, defineWorker, iso, JobFailure, noteOnSource, optionalText, orderRefs, workOrderId, yuan } from './support.js';

export const input = z.object({
  workOrderId,
  ...orderRefs,
  communityId: optionalText,
  memoNumber: optionalText,
  contactSheetNumber: optionalText,
  amount: z.number().min(0).nullish(),
  agreedAmount: z.number().min(0).nullish(),
  authorisedAmount: z.number().min(0).nullish(),
});

export const output = z.object({ settledAmount: z.number().min(0), settledAt: z.string() });

export default defineWorker({
  type: 'settle-claim',
  input,
  output,
  headers: ['requireMemo', 'payer'],
  async run({ job, vars, deps, headers, now }) {
    const requireMemo = headers.oneOf('requireMemo', ['true', 'false'] as const) === 'true';
    if (requireMemo && !vars.memoNumber) throw new JobFailure('no settlement memo (和解备忘) number: R-COMP-4 settles only against the memo');
    if (!vars.contactSheetNumber) throw new JobFailure('no work contact sheet (工作联系单): R-COMP-2/4 settle only against the contact sheet');
    const payer = headers.optional('payer') ?? 'developer';
    const amount = vars.amount ?? vars.agreedAmount ?? vars.authorisedAmount ?? 0;
    const calendar = await calendarOf(deps, vars.communityId);
    const papers = [vars.memoNumber ? `和解备忘 memo ${vars.memoNumber}` : undefined, `工作联系单 contact sheet ${vars.contactSheetNumber}`].filter(Boolean).join(' + ');
    const number = vars.orderNumber ?? vars.workOrderId;

    await deps.orders.update(
      vars.workOrderId,
      {
        status: 'closed',
        fields: {
          fees: {
            settlement: {
              amount,
              amountCents: Math.round(amount * 100),
              payer,
              memoNumber: vars.memoNumber ?? null,
              contactSheetNumber: vars.contactSheetNumber,
              settledAt: now.toISOString(),
            },
          },
          settledAmount: amount,
          closedAt: now.toISOString(),
        },
      },
      {
        key: `${job.key}:settled`,
        type: 'settled',
        actor: 'system',
        elementId: job.elementId,
        note: `凭 ${papers} 向责任方 ${payer} 结算 ${yuan(amount)} settled with ${payer} (R-COMP-4)`,
      },
    );
    await deps.notifier.send({
      key: `${job.key}:group:finance`,
      workOrderId: vars.workOrderId,
      to: 'group:finance',
      channel: 'app',
      text: `赔付结算 ${number}:${yuan(amount)},凭 ${papers} 向 ${payer} 结算。Settle ${yuan(amount)} with ${payer}.`,
    });
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'sms',
      text: `您的赔付 ${number} 已达成并结算:${yuan(amount)}。Your claim is settled: ${yuan(amount)}.`,
    });
    await noteOnSource(deps, vars, 'settled', `赔付已结算 compensation settled: ${yuan(amount)}`);
    return { settledAmount: amount, settledAt: iso(now, calendar) };
  },
});
