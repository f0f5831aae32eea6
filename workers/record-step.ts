/**
 * record-step: keeps a human step's decision on the order and moves it on —
 * the decision fields the model names (header `fields`, copied from the
 * variables the task completed with), an optional status, a timeline entry
 * (`timelineType`, `note` with `{variable}` placeholders), notices
 * (`notify`, `notifyText`) and, when the order was opened from another one
 * (`notifySource` = true), a line on that order's timeline. Used where a step
 * needs nothing more: R-COMP-3 claim and floor recorded, solution drafted;
 * R-COMP-5 review recorded, small fix arranged; a failed negotiation recorded.
 */
import { z } from 'zod';

import { ORDER_STATUSES } from '../domain/ports.js';
import { JobFailure, defineWorker, fill, resolveRecipient, workOrderId } from './support.js';
import { noteOnSource, orderRefs } from './procedure-support.js';

const STATUSES = ORDER_STATUSES;

/** Any further variables are read by name as the headers say. */
export const input = z.looseObject({ workOrderId, ...orderRefs, currentUnitId: z.string().nullish() });

export const output = z.object({});

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

function keepable(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

export default defineWorker({
  type: 'record-step',
  input,
  output,
  headers: ['fields', 'status', 'timelineType', 'note', 'notify', 'notifyText', 'notifySource'],
  async run({ job, vars, deps, headers }) {
    const names = headers.list('fields');
    const bad = names.filter((n) => !FIELD_NAME.test(n));
    if (bad.length > 0) throw new JobFailure(`task header <fields> names invalid variables: ${bad.join(', ')}`);
    const status = headers.optional('status') === undefined ? undefined : headers.oneOf('status', STATUSES);
    const values = vars as Record<string, unknown>;
    const fields = Object.fromEntries(names.filter((n) => values[n] !== undefined && keepable(values[n])).map((n) => [n, values[n]]));
    // A placeholder with no value reads as `-` on the ledger, not as `{floorAmount}`.
    const note = fill(headers.required('note'), values).replace(/\{\w+\}/g, '-');

    await deps.orders.update(
      vars.workOrderId,
      { ...(status ? { status } : {}), fields },
      { key: `${job.key}:step`, type: headers.optional('timelineType') ?? 'step-recorded', actor: 'system', elementId: job.elementId, note },
    );
    const text = fill(headers.optional('notifyText') ?? note, values).replace(/\{\w+\}/g, '-');
    for (const name of headers.list('notify')) {
      const to = resolveRecipient(name, { currentUnitId: vars.currentUnitId });
      await deps.notifier.send({ key: `${job.key}:${to}`, workOrderId: vars.workOrderId, to, channel: 'app', text });
    }
    if (headers.optional('notifySource') === 'true') await noteOnSource(deps, vars, job.key, note);
    return {};
  },
});
