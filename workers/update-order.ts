/**
 * update-order: a step of the service procedures that needs no more than the
 * order's status, a timeline entry, decision values kept on the order, closed
 * deadlines and a notice — R-PAID-1 refusal with its reason, R-PAID-3 no
 * consent, R-URG-2 the appeal closed, R-CMP-1 an excessive demand explained,
 * R-CMP-3 the outcome recorded, R-CONS-1 the answer sent, R-PAID-6 closed with
 * the rating. Everything comes from the task headers:
 *
 * - `status`: the new status (optional);
 * - `timelineType`, `note`: the timeline entry;
 * - `record`: variables kept on the order (`refusalReason`, `answer`, `resolution`, `explanation`);
 * - `rating`: `true` keeps the return visit's or signature's rating (satisfied, rating, comment);
 * - `meetDeadlines`: named deadlines this step meets (met when on time, else breached);
 * - `notify`, `notifyText`: recipients and text (`{variable}` placeholders).
 */
import { z } from 'zod';

import { defineWorker, JobFailure, optionalText, outcomeAt, workOrderId } from './support.js';
import {
  ORDER_STATUSES,
  SERVICE_DEADLINE_DUE,
  SERVICE_DEADLINES,
  type ServiceDeadline,
  fillText,
  serviceDueVariables,
  serviceRecipient,
} from './service-support.js';

/** The decision values a step may keep on the order. */
const RECORDABLE = ['refusalReason', 'answer', 'resolution', 'explanation'] as const;

export const input = serviceDueVariables.extend({
  workOrderId,
  orderNumber: optionalText,
  currentUnitId: optionalText,
  handlerGroup: optionalText,
  reportedBy: optionalText,
  refusalReason: optionalText,
  answer: optionalText,
  resolution: optionalText,
  explanation: optionalText,
  satisfied: z.boolean().nullish(),
  rating: z.number().int().min(1).max(5).nullish(),
  comment: optionalText,
});

export const output = z.object({});

export default defineWorker({
  type: 'update-order',
  input,
  output,
  headers: ['status', 'timelineType', 'note', 'record', 'rating', 'meetDeadlines', 'notify', 'notifyText'],
  async run({ job, vars, deps, headers, now }) {
    const status = headers.optional('status') === undefined ? undefined : headers.oneOf('status', ORDER_STATUSES);
    const record = headers.list('record');
    const unknown = record.filter((name) => !(RECORDABLE as readonly string[]).includes(name));
    if (unknown.length) throw new JobFailure(`task header <record> names variables this worker does not keep: ${unknown.join(', ')}`);
    const deadlines = headers.list('meetDeadlines');
    const badDeadline = deadlines.filter((name) => !(SERVICE_DEADLINES as string[]).includes(name));
    if (badDeadline.length) throw new JobFailure(`task header <meetDeadlines> names unknown deadlines: ${badDeadline.join(', ')}`);
    const keepRating = headers.optional('rating') === 'true';
    const recipients = headers.list('notify').map((name) => serviceRecipient(name, vars));

    const fields: Record<string, unknown> = {};
    for (const name of record as (typeof RECORDABLE)[number][]) fields[name] = vars[name] ?? null;
    if (keepRating && (vars.satisfied !== undefined && vars.satisfied !== null || typeof vars.rating === 'number')) {
      fields.rating = {
        ...(typeof vars.rating === 'number' ? { score: vars.rating } : {}),
        ...(typeof vars.satisfied === 'boolean' ? { satisfied: vars.satisfied } : {}),
        ...(vars.comment ? { comment: vars.comment } : {}),
        at: now,
      };
    }
    const note = fillText(headers.optional('note') ?? (status ? `状态 status ${status}` : '已登记 recorded'), vars);

    for (const name of deadlines as ServiceDeadline[]) {
      await deps.orders.closeDeadline(vars.workOrderId, name, outcomeAt(now, vars[SERVICE_DEADLINE_DUE[name]]), now);
    }
    await deps.orders.update(
      vars.workOrderId,
      { ...(status ? { status } : {}), fields },
      { key: `${job.key}:update`, type: headers.optional('timelineType') ?? 'status-changed', actor: 'system', elementId: job.elementId, note },
    );
    const text = fillText(headers.optional('notifyText') ?? note, vars);
    for (const to of recipients) {
      await deps.notifier.send({ key: `${job.key}:${to}`, workOrderId: vars.workOrderId, to, channel: 'app', text });
    }
    return {};
  },
});
