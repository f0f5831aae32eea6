/**
 * reopen-rectification (验收不通过): R-QR-4 closing needs the resident's
 * acceptance; works not accepted go back to rectification with the
 * resident's comment (reworkCount + 1), and progress reports continue.
 */
import { z } from 'zod';

import { count, defineWorker, optionalText, orderRefs, registerOf, workOrderId } from './support.js';

export const input = z.object({ workOrderId, ...orderRefs, reworkCount: count.nullish(), comment: optionalText });

export const output = z.object({ reworkCount: count });

export default defineWorker({
  type: 'reopen-rectification',
  input,
  output,
  async run({ job, vars, deps }) {
    const reworkCount = (vars.reworkCount ?? 0) + 1;
    await registerOf(deps).update(vars.workOrderId, { status: 'rectifying' });
    await deps.orders.update(
      vars.workOrderId,
      { status: 'scheduled', fields: { reworkCount, qualityStage: 'rectifying' } },
      {
        key: `${job.key}:rework`,
        type: 'rework',
        actor: 'system',
        elementId: job.elementId,
        note: `住户验收不通过,继续整改 not accepted by the resident: rectification continues (rework ${reworkCount})${vars.comment ? `: ${vars.comment}` : ''} (R-QR-4)`,
      },
    );
    await deps.notifier.send({
      key: `${job.key}:group:supervisor`,
      workOrderId: vars.workOrderId,
      to: 'group:supervisor',
      channel: 'app',
      text: `质量整改 ${vars.orderNumber ?? vars.workOrderId} 住户验收不通过,请督促继续整改。Not accepted: rectification continues.${vars.comment ? ` ${vars.comment}` : ''}`,
    });
    return { reworkCount };
  },
});
