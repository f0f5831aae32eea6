/**
 * record-overdue (超时督办): a named deadline of a procedure passed — R-URG-3
 * urgent handling or the same-day report, R-PAID-2 the 10-minute reply,
 * R-PAID-5 the same-day cash hand-over, R-CMP-3 the contact and the 3-day
 * resolution, R-CONS-1 the answer, R-QR-1 on-site confirmation (5 minutes),
 * R-QR-3 the developer's confirmation, R-QR-4 a progress report, R-COMP-5 the
 * 3-day review. Marks it breached (untimely), writes the timeline (type from
 * the header `timelineType`: `deadline-breached` or `escalation`), may set
 * status `escalated` (header `status`, which also makes it an escalation) and
 * tells the header's recipients. Keyed by deadline and due time: a timer that
 * fires again for the same due time (a second task waiting on the same
 * deadline, a redelivered job) records and tells once.
 */
import { z } from 'zod';

import { SERVICE_DEADLINE_DUE, SERVICE_DEADLINE_LABEL, serviceDueVariables } from './service-support.js';
import {
  PROCEDURE_DEADLINE_DUE,
  PROCEDURE_DEADLINE_LABEL,
  defineWorker,
  optionalText,
  orderRefs,
  procedureDueVariables,
  resolveRecipient,
  workOrderId,
} from './support.js';

/** Every named deadline this worker knows, with the variable holding its due time and its label. */
const DUE = { ...SERVICE_DEADLINE_DUE, ...PROCEDURE_DEADLINE_DUE } as const;
const LABEL: Record<keyof typeof DUE, string> = { ...SERVICE_DEADLINE_LABEL, ...PROCEDURE_DEADLINE_LABEL };
const DEADLINES = Object.keys(DUE) as (keyof typeof DUE)[];

export const input = serviceDueVariables.extend({
  ...procedureDueVariables.shape,
  workOrderId,
  ...orderRefs,
  currentUnitId: optionalText,
  handlerGroup: optionalText,
  reportedBy: optionalText,
});

export const output = z.object({});

export default defineWorker({
  type: 'record-overdue',
  input,
  output,
  headers: ['deadline', 'notify', 'timelineType', 'status'],
  async run({ job, vars, deps, headers, now }) {
    const deadline = headers.oneOf('deadline', DEADLINES);
    const setEscalated = headers.optional('status') === undefined ? false : headers.oneOf('status', ['escalated'] as const) === 'escalated';
    const type = headers.optional('timelineType') ?? (setEscalated ? 'escalation' : 'deadline-breached');
    const escalated = setEscalated || type === 'escalation';
    const dueAt = vars[DUE[deadline]] ?? undefined;
    const key = dueAt ? `overdue:${deadline}:${dueAt}` : `${job.key}:overdue:${deadline}`;
    const note = `超时 deadline breached: ${LABEL[deadline]}${dueAt ? ` (due ${dueAt})` : ''}${escalated ? ' — 已升级督办 escalated' : ''}`;
    const recipients = headers.list('notify').map((name) => resolveRecipient(name, vars));

    await deps.orders.closeDeadline(vars.workOrderId, deadline, 'breached', now);
    const entry = { key, type, actor: 'system', elementId: job.elementId, note };
    if (setEscalated) await deps.orders.update(vars.workOrderId, { status: 'escalated' }, entry);
    else await deps.orders.addTimeline(vars.workOrderId, entry);
    for (const to of recipients) {
      await deps.notifier.send({
        // Outbox keys are global: the order's id keeps two orders' breaches apart.
        key: `${vars.workOrderId}:${key}:${to}`,
        workOrderId: vars.workOrderId,
        to,
        channel: 'app',
        text: `【${escalated ? '升级督办' : '超时提醒'}】${vars.orderNumber ?? vars.workOrderId}:${note}`,
      });
    }
    return {};
  },
});
