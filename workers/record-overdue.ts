/**
 * record-overdue (超时督办): a deadline of quality rectification or
 * compensation passed — R-QR-1 on-site confirmation (5 minutes), R-QR-3 the
 * developer's confirmation, R-QR-4 a progress report, R-COMP-5 the 3-day
 * review. Marks it breached, writes the timeline (type from the model:
 * `deadline-breached` or `escalation`) and tells the header's recipients.
 * Keyed by deadline and due time: one breach is recorded once.
 */
import { z } from 'zod';

import { defineWorker, resolveRecipient, workOrderId } from './support.js';
import { DEADLINE_LABEL, PROCEDURE_DEADLINES, PROCEDURE_DEADLINE_DUE, orderRefs, procedureDueVariables } from './procedure-support.js';

export const input = procedureDueVariables.extend({ workOrderId, ...orderRefs, currentUnitId: z.string().nullish() });

export const output = z.object({});

export default defineWorker({
  type: 'record-overdue',
  input,
  output,
  headers: ['deadline', 'notify', 'timelineType'],
  async run({ job, vars, deps, headers, now }) {
    const deadline = headers.oneOf('deadline', PROCEDURE_DEADLINES);
    const dueAt = vars[PROCEDURE_DEADLINE_DUE[deadline]] ?? undefined;
    const key = dueAt ? `overdue:${deadline}:${dueAt}` : `${job.key}:overdue:${deadline}`;
    const type = headers.optional('timelineType') ?? 'deadline-breached';
    const note = `超时 deadline breached: ${DEADLINE_LABEL[deadline]}${dueAt ? ` (due ${dueAt})` : ''}${type === 'escalation' ? ' — 已升级督办 escalated' : ''}`;

    await deps.orders.closeDeadline(vars.workOrderId, deadline, 'breached', now);
    await deps.orders.addTimeline(vars.workOrderId, { key, type, actor: 'system', elementId: job.elementId, note });
    for (const name of headers.list('notify')) {
      const to = resolveRecipient(name, { currentUnitId: vars.currentUnitId });
      await deps.notifier.send({
        key: `${key}:${to}`,
        workOrderId: vars.workOrderId,
        to,
        channel: 'app',
        text: `${vars.orderNumber ?? vars.workOrderId}:${note}`,
      });
    }
    return {};
  },
});
