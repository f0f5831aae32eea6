/**
 * set-status: an end of the order that needs no more than a status, a
 * timeline entry, closed deadlines and perhaps a notice: R-WO-3 report matter
 * logged (closed), R-REP-10 fee not accepted (rejected), R-REP-8 withdrawal
 * (withdrawn, with its reason). Everything comes from the task headers.
 */
import { z } from 'zod';

import { withdrawalReason } from '../domain/schemas.js';
import { ORDER_STATUSES } from '../domain/ports.js';
import {
  DEADLINE_DUE_VARIABLE,
  DEADLINE_NAMES,
  JobFailure,
  defineWorker,
  dueVariables,
  fill,
  optionalText,
  outcomeAt,
  resolveRecipient,
  workOrderId,
} from './support.js';

const STATUSES = ORDER_STATUSES;

const REASONS: Record<z.infer<typeof withdrawalReason>, string> = {
  'wrong-info': '报修信息有误 wrong report information',
  'out-of-scope': '不属于处置范围 outside the company\'s scope',
  'self-resolved': '住户已自行解决 resolved by the resident',
};

export const input = dueVariables.extend({
  workOrderId,
  orderNumber: optionalText,
  currentUnitId: optionalText,
  dutyGroup: optionalText,
  withdrawalReason: withdrawalReason.nullish(),
});

export const output = z.object({ orderStatus: z.enum(STATUSES) });

export default defineWorker({
  type: 'set-status',
  input,
  output,
  headers: ['status', 'timelineType', 'note', 'notify', 'notifyText', 'closeDeadlines'],
  async run({ job, vars, deps, headers, now }) {
    const status = headers.oneOf('status', STATUSES);
    const deadlines = headers.list('closeDeadlines');
    for (const name of deadlines) {
      if (!(DEADLINE_NAMES as readonly string[]).includes(name)) {
        throw new JobFailure(`task header <closeDeadlines> names an unknown deadline <${name}>`);
      }
    }
    const reason = status === 'withdrawn' && vars.withdrawalReason ? REASONS[vars.withdrawalReason] : undefined;
    const note = [headers.optional('note') ?? `状态 status ${status}`, reason].filter(Boolean).join(': ');

    const closeDeadlines = (deadlines as (typeof DEADLINE_NAMES)[number][]).map((name) => ({
      name,
      outcome: outcomeAt(now, vars[DEADLINE_DUE_VARIABLE[name]]),
      at: now,
    }));
    await deps.orders.update(
      vars.workOrderId,
      { status, fields: reason ? { withdrawalReason: vars.withdrawalReason } : {}, closeDeadlines },
      { key: `${job.key}:status`, type: headers.optional('timelineType') ?? 'status-changed', actor: 'system', elementId: job.elementId, note },
    );
    const text = fill(headers.optional('notifyText') ?? note, vars);
    for (const name of headers.list('notify')) {
      const to = resolveRecipient(name, vars);
      await deps.notifier.send({ key: `${job.key}:${to}`, workOrderId: vars.workOrderId, to, channel: 'app', text });
    }
    return { orderStatus: status };
  },
});
