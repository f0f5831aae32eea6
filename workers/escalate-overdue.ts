/**
 * escalate-overdue (超时升级): a deadline of the service procedures passed —
 * R-URG-3 urgent handling or the same-day report, R-PAID-2 the 10-minute
 * reply, R-PAID-5 the same-day cash hand-over, R-CMP-3 the contact and the
 * 3-day resolution, R-CONS-1 the answer. Marks it breached (untimely),
 * writes the timeline, may set status `escalated`, and tells the header's
 * recipients. Keyed by deadline and due time: a timer that fires again for
 * the same due time (a second task waiting on the same deadline) records and
 * tells once.
 */
import { z } from 'zod';

import { defineWorker, optionalText, workOrderId } from './support.js';
import { SERVICE_DEADLINE_DUE, SERVICE_DEADLINE_LABEL, SERVICE_DEADLINES, serviceDueVariables, serviceRecipient } from './service-support.js';

export const input = serviceDueVariables.extend({
  workOrderId,
  orderNumber: optionalText,
  currentUnitId: optionalText,
  handlerGroup: optionalText,
  reportedBy: optionalText,
});

export const output = z.object({});

export default defineWorker({
  type: 'escalate-overdue',
  input,
  output,
  headers: ['deadline', 'notify', 'status'],
  async run({ job, vars, deps, headers, now }) {
    const deadline = headers.oneOf('deadline', SERVICE_DEADLINES);
    const escalate = headers.optional('status') === undefined ? false : headers.oneOf('status', ['escalated'] as const) === 'escalated';
    const dueAt = vars[SERVICE_DEADLINE_DUE[deadline]] ?? undefined;
    const key = dueAt ? `overdue:${deadline}:${dueAt}` : `${job.key}:overdue:${deadline}`;
    const note = `超时 deadline breached: ${SERVICE_DEADLINE_LABEL[deadline]}${dueAt ? ` (due ${dueAt})` : ''}${escalate ? ' — 已升级 escalated' : ''}`;
    const recipients = headers.list('notify').map((name) => serviceRecipient(name, vars));

    await deps.orders.closeDeadline(vars.workOrderId, deadline, 'breached', now);
    const entry = { key, type: escalate ? 'escalation' : 'deadline-breached', actor: 'system', elementId: job.elementId, note };
    if (escalate) await deps.orders.update(vars.workOrderId, { status: 'escalated' }, entry);
    else await deps.orders.addTimeline(vars.workOrderId, entry);
    for (const to of recipients) {
      await deps.notifier.send({
        // Outbox keys are global: the order's id keeps two orders' breaches apart.
        key: `${vars.workOrderId}:${key}:${to}`,
        workOrderId: vars.workOrderId,
        to,
        channel: 'app',
        text: `【${escalate ? '升级督办' : '超时提醒'}】${vars.orderNumber ?? vars.workOrderId}:${note}`,
      });
    }
    return {};
  },
});
