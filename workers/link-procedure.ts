/**
 * link-procedure: hands an order over to another procedure (R-RESP (4),
 * R-QR-1: a developer legacy defect goes to quality rectification). Records
 * the transfer on the order and tells the resident who follows it up; the
 * other procedure is started separately (call activities are not supported
 * by the embedded engine yet).
 */
import { z } from 'zod';

import { priority, responsibility } from '../domain/schemas.js';
import { defineWorker, optionalText, workOrderId } from './support.js';

const PROCEDURES = ['quality', 'compensation', 'complaint', 'paid-service'] as const;
const NAMES: Record<(typeof PROCEDURES)[number], string> = {
  quality: '工程质量整改 quality rectification',
  compensation: '赔付商谈 compensation',
  complaint: '投诉 complaint',
  'paid-service': '便民有偿服务 paid service',
};
const STATUSES = ['closed', 'withdrawn', 'rejected'] as const;

export const input = z.object({ workOrderId, orderNumber: optionalText, priority: priority.nullish(), responsibility: responsibility.nullish() });
export const output = z.object({ linkedProcedure: z.enum(PROCEDURES) });

export default defineWorker({
  type: 'link-procedure',
  input,
  output,
  headers: ['procedure', 'status'],
  async run({ job, vars, deps, headers, now }) {
    const procedure = headers.oneOf('procedure', PROCEDURES);
    const status = headers.optional('status') === undefined ? undefined : headers.oneOf('status', STATUSES);
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
        },
      },
      { key: `${job.key}:linked`, type: 'transferred', actor: 'system', elementId: job.elementId, note: `转${NAMES[procedure]}` },
    );
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'app',
      text: `您的报修 ${vars.orderNumber ?? ''} 已转${NAMES[procedure].split(' ')[0]}处理,跟进人将与您联系。Your report was passed on to ${NAMES[procedure].split(' ').slice(1).join(' ')}; the person following it up will contact you.`,
    });
    return { linkedProcedure: procedure };
  },
});
