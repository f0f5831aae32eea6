/**
 * record-authorisation (授权金额): the amount the developer agreed to pay —
 * R-COMP-2 the developer's leader approved a small claim by phone (the
 * director answers on site), R-COMP-3 the developer authorised an amount for
 * the negotiation. The authorised amount is the approval's `amount`, else the
 * solution's proposal, else the claim. Header `by` says who authorised it.
 */
import { z } from 'zod';

import { defineWorker, fill, orderRefs, resolveRecipient, workOrderId, yuan } from './support.js';

const BY = {
  'developer-leader': '开发商领导电话同意 approved by phone by the developer\u2019s leader (R-COMP-2)',
  developer: '开发商授权 authorised by the developer (R-COMP-3)',
} as const;

export const input = z.object({
  workOrderId,
  ...orderRefs,
  amount: z.number().min(0).nullish(),
  proposedAmount: z.number().min(0).nullish(),
  claimAmount: z.number().min(0).nullish(),
});

export const output = z.object({ authorisedAmount: z.number().min(0) });

export default defineWorker({
  type: 'record-authorisation',
  input,
  output,
  headers: ['by', 'notify', 'notifyText'],
  async run({ job, vars, deps, headers }) {
    const by = headers.oneOf('by', Object.keys(BY) as (keyof typeof BY)[]);
    const authorisedAmount = vars.amount ?? vars.proposedAmount ?? vars.claimAmount ?? 0;
    await deps.orders.update(
      vars.workOrderId,
      { fields: { authorisedAmount, authorisedBy: by } },
      { key: `${job.key}:authorised`, type: 'claim-authorised', actor: 'system', elementId: job.elementId, note: `${BY[by]}: ${yuan(authorisedAmount)}` },
    );
    const text = fill(headers.optional('notifyText') ?? `${BY[by]}: ${yuan(authorisedAmount)}`, { ...vars, authorisedAmount: yuan(authorisedAmount) });
    for (const name of headers.list('notify')) {
      const to = resolveRecipient(name, {});
      await deps.notifier.send({ key: `${job.key}:${to}`, workOrderId: vars.workOrderId, to, channel: 'app', text });
    }
    return { authorisedAmount };
  },
});
