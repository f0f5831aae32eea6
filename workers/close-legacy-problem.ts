/**
 * close-legacy-problem (结案): the ends of a quality rectification.
 * outcome = accepted: R-QR-4 the resident accepted the works, closed with the
 * rating; owner-liable: R-QR-2 / R-RESP (3) the owner answers for it, the
 * reason is explained and paid service offered; fund-refused: R-QR-2 the
 * owners' committee did not release the maintenance fund. The register row
 * and the order it came from are told.
 */
import { z } from 'zod';

import { calendarOf, defineWorker, iso, noteOnSource, optionalText, orderRefs, registerOf, workOrderId } from './support.js';

const OUTCOMES = ['accepted', 'owner-liable', 'fund-refused'] as const;

const NOTE: Record<(typeof OUTCOMES)[number], { timeline: string; resident: string }> = {
  accepted: {
    timeline: '住户验收通过,结案 accepted by the resident: closed (R-QR-4)',
    resident: '您的房屋质量问题 {number} 已整改完毕并经您验收,感谢配合。Rectified and accepted: closed.',
  },
  'owner-liable': {
    timeline: '属业主责任,已向住户解释,可提供有偿服务 the owner is responsible: explained, paid service offered (R-QR-2)',
    resident: '经现场查验,{number} 属业主自行承担维修责任的项目,如需可为您提供有偿维修服务。The owner is responsible; we can offer a paid repair.',
  },
  'fund-refused': {
    timeline: '业主委员会未同意动用维修基金,结案 the owners\u2019 committee did not release the maintenance fund (R-QR-2)',
    resident: '{number}:业主委员会未同意动用维修基金,我们将继续协调。The owners\u2019 committee did not release the maintenance fund.',
  },
};

export const input = z.object({
  workOrderId,
  ...orderRefs,
  communityId: optionalText,
  accepted: z.boolean().nullish(),
  rating: z.number().int().min(1).max(5).nullish(),
  comment: optionalText,
});

export const output = z.object({ closedAt: z.string(), qualityOutcome: z.enum(OUTCOMES) });

export default defineWorker({
  type: 'close-legacy-problem',
  input,
  output,
  headers: ['outcome'],
  async run({ job, vars, deps, headers, now }) {
    const outcome = headers.oneOf('outcome', OUTCOMES);
    const calendar = await calendarOf(deps, vars.communityId);
    const number = vars.orderNumber ?? vars.workOrderId;
    await registerOf(deps).update(vars.workOrderId, { status: outcome === 'accepted' ? 'closed' : 'rejected', closedAt: now });
    await deps.orders.update(
      vars.workOrderId,
      {
        status: 'closed',
        fields: {
          qualityStage: 'closed',
          qualityOutcome: outcome,
          ...(outcome === 'accepted' ? { satisfied: true, satisfaction: vars.rating ?? null, acceptanceComment: vars.comment ?? null } : {}),
          closedAt: now.toISOString(),
        },
      },
      { key: `${job.key}:closed`, type: 'closed', actor: 'system', elementId: job.elementId, note: NOTE[outcome].timeline },
    );
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'app',
      text: NOTE[outcome].resident.replace('{number}', number),
    });
    await noteOnSource(deps, vars, 'closed', `工程质量整改结案 quality rectification closed: ${NOTE[outcome].timeline}`);
    return { closedAt: iso(now, calendar), qualityOutcome: outcome };
  },
});
