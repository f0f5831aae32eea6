/**
 * record-breach: a deadline passed (R-REP-6 contact, R-REP-7 arrival, R-REP-8
 * feedback, R-REP-9 completion, R-REP-11 signed order, R-REP-12 return visit).
 * Marks it breached, writes the timeline and tells the header's recipient.
 * Keyed by deadline and due time: the same breach is recorded once, even when
 * a task is entered again after its due time and its timer fires again.
 */
import { z } from 'zod';

import {
  DEADLINE_DUE_VARIABLE,
  DEADLINE_NAMES,
  defineWorker,
  dueVariables,
  optionalText,
  resolveRecipient,
  workOrderId,
} from './support.js';

export const input = dueVariables.extend({
  workOrderId,
  orderNumber: optionalText,
  currentUnitId: optionalText,
  dutyGroup: optionalText,
});

export const output = z.object({});

const LABEL: Record<(typeof DEADLINE_NAMES)[number], string> = {
  'sign-off': '签收 sign-off',
  'second-unit-sign-off': '第二单位签收 second-unit sign-off',
  'contact-resident': '联系住户 contact resident',
  arrival: '到场 arrival',
  feedback: '反馈结果 result feedback',
  completion: '完成维修 completion',
  'signed-order': '交回签字派工单 signed order return',
  'return-visit': '回访 return visit',
};

export default defineWorker({
  type: 'record-breach',
  input,
  output,
  headers: ['deadline', 'notify'],
  async run({ job, vars, deps, headers, now }) {
    const deadline = headers.oneOf('deadline', DEADLINE_NAMES);
    const dueAt = vars[DEADLINE_DUE_VARIABLE[deadline]] ?? undefined;
    const key = dueAt ? `breach:${deadline}:${dueAt}` : `${job.key}:breach:${deadline}`;
    const note = `超时 deadline breached: ${LABEL[deadline]}${dueAt ? ` (due ${dueAt})` : ''}`;

    await deps.orders.closeDeadline(vars.workOrderId, deadline, 'breached', now);
    await deps.orders.addTimeline(vars.workOrderId, { key, type: 'deadline-breached', actor: 'system', elementId: job.elementId, note });
    for (const name of headers.list('notify')) {
      const to = resolveRecipient(name, vars);
      await deps.notifier.send({
        // Notification keys are unique across orders; timeline keys only per order.
        key: `${vars.workOrderId}:${key}:${to}`,
        workOrderId: vars.workOrderId,
        to,
        channel: 'app',
        text: `报修单 ${vars.orderNumber ?? vars.workOrderId}:${note}`,
      });
    }
    return {};
  },
});
