/**
 * link-procedure: hands an order over to another procedure (R-RESP (4),
 * R-QR-1: a developer legacy defect goes to quality rectification). Records
 * the transfer on the order and tells the resident who follows it up. The
 * embedded engine runs no call activities, so the worker opens the other
 * procedure itself through the procedure launcher (quality and compensation:
 * a linked order of that kind with its own process, linked both ways); the
 * other procedures are started by whoever owns them.
 *
 * R-COMP-1: a claim raised at a repair's return visit (`claim`: dispute |
 * loss | quality-dissatisfaction, `claimAmount`?) opens the compensation
 * negotiation with that claim type and amount (register-claim reads them);
 * the repair goes on, and `claim` is cleared so that a later return visit of
 * the same repair (after rework) opens no second one unless it raises a claim.
 */
import { z } from 'zod';

import { LINKABLE_KINDS } from '../domain/procedures.js';
import { claimType, priority, responsibility } from '../domain/schemas.js';
import { defineWorker, optionalText, workOrderId } from './support.js';

const PROCEDURES = ['quality', 'compensation', 'complaint', 'paid-service'] as const;
const NAMES: Record<(typeof PROCEDURES)[number], string> = {
  quality: '工程质量整改 quality rectification',
  compensation: '赔付商谈 compensation',
  complaint: '投诉 complaint',
  'paid-service': '便民有偿服务 paid service',
};
const STATUSES = ['closed', 'withdrawn', 'rejected'] as const;

const CLAIM_LABEL: Record<z.infer<typeof claimType>, string> = {
  dispute: '责任争议 dispute',
  loss: '损失赔付 loss claim',
  'quality-dissatisfaction': '维修质量不满意 quality dissatisfaction',
};

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  priority: priority.nullish(),
  responsibility: responsibility.nullish(),
  claim: claimType.nullish(),
  claimAmount: z.number().min(0).nullish(),
});
export const output = z.object({
  linkedProcedure: z.enum(PROCEDURES),
  claim: z.null().optional(),
  linkedWorkOrderId: z.string().optional(),
  linkedOrderNumber: z.string().optional(),
});

const isLinkable = (p: string): p is (typeof LINKABLE_KINDS)[number] => (LINKABLE_KINDS as readonly string[]).includes(p);

export default defineWorker({
  type: 'link-procedure',
  input,
  output,
  headers: ['procedure', 'status'],
  async run({ job, vars, deps, headers, now }) {
    const procedure = headers.oneOf('procedure', PROCEDURES);
    const status = headers.optional('status') === undefined ? undefined : headers.oneOf('status', STATUSES);
    const claim = procedure === 'compensation' && vars.claim ? vars.claim : undefined;
    const claimText = claim ? `:${CLAIM_LABEL[claim]}${typeof vars.claimAmount === 'number' ? ` ${vars.claimAmount} 元` : ''}` : '';
    const opened =
      deps.procedures && isLinkable(procedure)
        ? await deps.procedures.open({
            key: job.key,
            kind: procedure,
            fromWorkOrderId: vars.workOrderId,
            reason: `报修 ${vars.orderNumber ?? vars.workOrderId} 转${NAMES[procedure]}${claimText}`,
            actor: 'system',
            ...(claim ? { variables: { claimType: claim } } : {}),
            ...(claim && typeof vars.claimAmount === 'number' ? { claimAmount: vars.claimAmount } : {}),
          })
        : undefined;
    await deps.orders.update(
      vars.workOrderId,
      {
        ...(status ? { status } : {}),
        // The triage decision (R-PRI, R-RESP) stays on the ledger of an order that never reaches dispatch.
        fields: {
          linkedProcedure: procedure,
          linkedAt: now.toISOString(),
          ...(vars.priority ? { priority: vars.priority } : {}),
          ...(vars.responsibility ? { responsibility: vars.responsibility } : {}),
          ...(opened ? { linkedWorkOrderId: opened.workOrderId, linkedOrderNumber: opened.number } : {}),
        },
      },
      {
        key: `${job.key}:linked`,
        type: 'transferred',
        actor: 'system',
        elementId: job.elementId,
        note: `转${NAMES[procedure]}${opened ? ` ${opened.number}` : ''}${claimText}`,
      },
    );
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'app',
      text: `您的报修 ${vars.orderNumber ?? ''} 已转${NAMES[procedure].split(' ')[0]}处理,跟进人将与您联系。Your report was passed on to ${NAMES[procedure].split(' ').slice(1).join(' ')}; the person following it up will contact you.`,
    });
    return { linkedProcedure: procedure, ...(claim ? { claim: null } : {}), ...(opened ? { linkedWorkOrderId: opened.workOrderId, linkedOrderNumber: opened.number } : {}) };
  },
});
