/**
 * record-negotiation-round (商谈记录): R-COMP-3 negotiations repeat until
 * agreement or a recorded failure; R-COMP-1 nothing is promised beyond
 * authority: an agreement above the developer's authorised amount is not an
 * agreement yet, it goes back to the developer for a new authorisation.
 * negotiationOutcome = agreed | over-authority | failed | continue.
 */
import { z } from 'zod';

import { isoDateTime } from '../domain/schemas.js';
import { calendarOf, count, date, defineWorker, localTime, optionalText, orderRefs, workOrderId, yuan } from './support.js';

const OUTCOMES = ['agreed', 'over-authority', 'failed', 'continue'] as const;

export const input = z.object({
  workOrderId,
  ...orderRefs,
  communityId: optionalText,
  agreed: z.boolean(),
  amount: z.number().min(0).nullish(),
  failed: z.boolean().nullish(),
  nextRoundAt: isoDateTime.nullish(),
  authorisedAmount: z.number().min(0).nullish(),
  negotiationRound: count.nullish(),
  note: optionalText,
});

export const output = z.object({
  negotiationRound: count,
  negotiationOutcome: z.enum(OUTCOMES),
  agreedAmount: z.number().min(0).nullable(),
});

export default defineWorker({
  type: 'record-negotiation-round',
  input,
  output,
  async run({ job, vars, deps }) {
    const round = (vars.negotiationRound ?? 0) + 1;
    const calendar = await calendarOf(deps, vars.communityId);
    const authorised = vars.authorisedAmount ?? undefined;
    const amount = vars.amount ?? authorised ?? null;
    const outcome: (typeof OUTCOMES)[number] = vars.agreed
      ? amount !== null && authorised !== undefined && amount > authorised
        ? 'over-authority'
        : 'agreed'
      : vars.failed
        ? 'failed'
        : 'continue';
    const number = vars.orderNumber ?? vars.workOrderId;
    const what = {
      agreed: `达成一致 agreed on ${yuan(amount)}`,
      'over-authority': `业主同意 ${yuan(amount)},超出授权 ${yuan(authorised)},须开发商重新授权 above the authorised amount: back to the developer (R-COMP-1)`,
      failed: '商谈破裂,记录在案 negotiation failed, recorded',
      continue: `未达成一致,另约商谈 not agreed, another round${vars.nextRoundAt ? ` at ${localTime(date(vars.nextRoundAt), calendar)}` : ''}`,
    }[outcome];

    await deps.orders.update(
      vars.workOrderId,
      {
        status: outcome === 'failed' ? 'rejected' : 'scheduled',
        fields: {
          negotiationRound: round,
          negotiationOutcome: outcome,
          agreedAmount: outcome === 'agreed' ? amount : null,
          ...(vars.nextRoundAt ? { nextNegotiationAt: vars.nextRoundAt } : {}),
        },
      },
      {
        key: `${job.key}:round`,
        type: outcome === 'failed' ? 'negotiation-failed' : 'negotiation-round',
        actor: 'system',
        elementId: job.elementId,
        note: `第 ${round} 轮商谈 round ${round}: ${what}${vars.note ? ` (${vars.note})` : ''} (R-COMP-3)`,
      },
    );
    if (outcome === 'over-authority') {
      await deps.notifier.send({
        key: `${job.key}:group:manager`,
        workOrderId: vars.workOrderId,
        to: 'group:manager',
        channel: 'app',
        text: `赔付 ${number} 第 ${round} 轮:${what}`,
      });
    }
    if (outcome === 'continue' && vars.nextRoundAt) {
      await deps.notifier.send({
        key: `${job.key}:resident`,
        workOrderId: vars.workOrderId,
        to: 'resident',
        channel: 'sms',
        text: `关于 ${number} 的下一轮商谈定于 ${localTime(date(vars.nextRoundAt), calendar)}。Next meeting: ${localTime(date(vars.nextRoundAt), calendar)}.`,
      });
    }
    return { negotiationRound: round, negotiationOutcome: outcome, agreedAmount: outcome === 'agreed' ? amount : null };
  },
});
