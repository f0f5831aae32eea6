/**
 * register-claim (赔付诉求受理): R-COMP-1 a dispute about responsibility, a
 * claim for loss or dissatisfaction with repair quality brings the office
 * director (管理处主任) on site, who may promise nothing beyond authority.
 * The claim type comes from the claim (or, for an order reported directly,
 * its fault type); the office's engineering group (the community's first
 * unit) does quality fixes (R-COMP-5); the small-claim threshold is the model's header
 * `smallClaimThreshold` (yuan), which the process owner changes there (R-COMP-2/3).
 */
import { z } from 'zod';

import { claimType } from '../domain/schemas.js';
import { defineWorker, JobFailure, optionalText, orderRefs, workOrderId, yuan } from './support.js';

const TYPE_LABEL: Record<z.infer<typeof claimType>, string> = {
  dispute: '维修责任认定分歧 dispute about responsibility',
  loss: '损失赔付要求 claim for loss',
  'quality-dissatisfaction': '维修质量不满意 dissatisfied with the repair quality',
};

export const input = z.object({
  workOrderId,
  ...orderRefs,
  communityId: z.string().min(1),
  claimAmount: z.number().min(0).nullish(),
  claimType: claimType.nullish(),
  faultType: optionalText,
  description: optionalText,
});

export const output = z.object({
  claimType,
  claimAmount: z.number().min(0),
  smallClaimThreshold: z.number().min(0),
  /** The office's engineering group (the community's first unit), who does R-COMP-5 fixes. */
  currentUnitId: z.string().min(1),
});

export default defineWorker({
  type: 'register-claim',
  input,
  output,
  headers: ['smallClaimThreshold'],
  async run({ job, vars, deps, headers }) {
    const raw = headers.required('smallClaimThreshold');
    const limit = Number(raw);
    if (!/^\d+(\.\d{1,2})?$/.test(raw) || !Number.isFinite(limit)) {
      throw new JobFailure(`task header <smallClaimThreshold> must be an amount in yuan such as 2000, got <${raw}>`);
    }
    const fromFault = claimType.safeParse(vars.faultType);
    const type = vars.claimType ?? (fromFault.success ? fromFault.data : (vars.claimAmount ?? 0) > 0 ? 'loss' : 'dispute');
    const amount = vars.claimAmount ?? 0;
    const size = type === 'quality-dissatisfaction' ? 'quality' : amount <= limit ? 'small' : 'large';
    const number = vars.orderNumber ?? vars.workOrderId;
    const community = await deps.directory.community(vars.communityId);
    if (!community) throw new JobFailure(`community <${vars.communityId}> is unknown`);

    await deps.orders.update(
      vars.workOrderId,
      { status: 'dispatched', fields: { claimType: type, claimAmount: amount, smallClaimThreshold: limit, claimSize: size } },
      {
        key: `${job.key}:registered`,
        type: 'claim-registered',
        actor: 'system',
        elementId: job.elementId,
        note: `${TYPE_LABEL[type]}${type === 'quality-dissatisfaction' ? '' : `,诉求 ${yuan(amount)}(${size === 'small' ? '小额' : '较大'},限额 ${yuan(limit)})`};管理处主任到场处理 the office director goes on site (R-COMP-1)`,
      },
    );
    await deps.notifier.send({
      key: `${job.key}:group:supervisor`,
      workOrderId: vars.workOrderId,
      to: 'group:supervisor',
      channel: 'phone',
      text: `【赔付商谈】${number}:${TYPE_LABEL[type]}。请管理处主任到场与业主面谈,依据法规合同答复,不得超越职权承诺。Go on site; no promises beyond your authority (R-COMP-1).`,
    });
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'app',
      text: `您的诉求 ${number} 已受理,管理处主任将与您面谈处理。The office director will meet you about your claim.`,
    });
    return { claimType: type, claimAmount: amount, smallClaimThreshold: limit, currentUnitId: community.firstUnitId };
  },
});
