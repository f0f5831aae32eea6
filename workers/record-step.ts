/**
 * record-step: the generic step of every procedure that needs no more than
 * the order's status, a timeline entry, decision values kept on the order,
 * met deadlines and notices. Everything comes from the task headers:
 *
 * - `fields`: variables the task completed with, kept on the order
 *   (R-PAID-1 `refusalReason`, R-CONS-1 `answer`, R-CMP-3 `resolution`,
 *   R-CMP-1 `explanation`, R-COMP-3 `claimAmount,floorAmount`, `solution` …);
 * - `status`: the new status (optional);
 * - `timelineType`, `note`: the timeline entry (`{variable}` placeholders;
 *   a value the process does not have reads `-`);
 * - `rating`: `true` keeps the return visit's or signature's rating
 *   (satisfied, rating, comment — R-PAID-6);
 * - `meetDeadlines`: named deadlines this step meets (met when on time, else
 *   breached — R-PAID-2 reply, R-URG-2 same-day report);
 * - `notify`, `notifyText`: recipients (resolveRecipient) and text;
 * - `notifySource`: `true` writes a line on the order this one was opened
 *   from (linked procedures: "each timeline shows the other").
 *
 * Used where a step needs nothing more: R-PAID-1 refusal, R-PAID-3 no
 * consent, R-PAID-6 closed with the rating, R-URG-2 closed, R-CMP-1
 * excessive demand explained, R-CMP-3 outcome, R-CONS-1 answer, R-COMP-3
 * claim and floor, solution, R-COMP-5 review and small fix, failed negotiation.
 */
import { z } from 'zod';

import { ORDER_STATUSES } from '../domain/ports.js';
import { SERVICE_DEADLINE_DUE, SERVICE_DEADLINES, type ServiceDeadline, serviceDueVariables } from './service-support.js';
import { JobFailure, defineWorker, fill, noteOnSource, optionalText, orderRefs, outcomeAt, resolveRecipient, workOrderId } from './support.js';

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** Any further variables are read by name as the headers say. */
export const input = z.looseObject({
  workOrderId,
  ...orderRefs,
  ...serviceDueVariables.shape,
  currentUnitId: optionalText,
  handlerGroup: optionalText,
  reportedBy: optionalText,
  dutyGroup: optionalText,
  satisfied: z.boolean().nullish(),
  rating: z.number().int().min(1).max(5).nullish(),
  comment: optionalText,
});

export const output = z.object({});

function keepable(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** `{name}` filled from the values; a value the process does not have reads `-` on the ledger, not `{name}`. */
function text(template: string, values: Record<string, unknown>): string {
  return fill(template, values).replace(/\{\w+\}/g, '-');
}

export default defineWorker({
  type: 'record-step',
  input,
  output,
  headers: ['fields', 'status', 'timelineType', 'note', 'rating', 'meetDeadlines', 'notify', 'notifyText', 'notifySource'],
  async run({ job, vars, deps, headers, now }) {
    const names = headers.list('fields');
    const bad = names.filter((n) => !FIELD_NAME.test(n));
    if (bad.length > 0) throw new JobFailure(`task header <fields> names invalid variables: ${bad.join(', ')}`);
    const status = headers.optional('status') === undefined ? undefined : headers.oneOf('status', ORDER_STATUSES);
    const deadlines = headers.list('meetDeadlines');
    const badDeadline = deadlines.filter((name) => !(SERVICE_DEADLINES as string[]).includes(name));
    if (badDeadline.length) throw new JobFailure(`task header <meetDeadlines> names unknown deadlines: ${badDeadline.join(', ')}`);
    const recipients = headers.list('notify').map((name) => resolveRecipient(name, vars));

    const values = vars as Record<string, unknown>;
    const fields: Record<string, unknown> = Object.fromEntries(names.filter((n) => values[n] !== undefined && keepable(values[n])).map((n) => [n, values[n]]));
    if (headers.optional('rating') === 'true' && ((vars.satisfied !== undefined && vars.satisfied !== null) || typeof vars.rating === 'number')) {
      fields.rating = {
        ...(typeof vars.rating === 'number' ? { score: vars.rating } : {}),
        ...(typeof vars.satisfied === 'boolean' ? { satisfied: vars.satisfied } : {}),
        ...(vars.comment ? { comment: vars.comment } : {}),
        at: now,
      };
    }
    const note = text(headers.optional('note') ?? (status ? `状态 status ${status}` : '已登记 recorded'), values);

    for (const name of deadlines as ServiceDeadline[]) {
      await deps.orders.closeDeadline(vars.workOrderId, name, outcomeAt(now, vars[SERVICE_DEADLINE_DUE[name]]), now);
    }
    await deps.orders.update(
      vars.workOrderId,
      { ...(status ? { status } : {}), fields },
      { key: `${job.key}:step`, type: headers.optional('timelineType') ?? (status ? 'status-changed' : 'step-recorded'), actor: 'system', elementId: job.elementId, note },
    );
    const message = text(headers.optional('notifyText') ?? note, values);
    for (const to of recipients) {
      await deps.notifier.send({ key: `${job.key}:${to}`, workOrderId: vars.workOrderId, to, channel: 'app', text: message });
    }
    if (headers.optional('notifySource') === 'true') await noteOnSource(deps, vars, job.key, note);
    return {};
  },
});
