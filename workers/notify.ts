/**
 * notify: a reminder or notice to the recipients the model names (R-REP-1
 * re-sent SMS, R-REP-5 dispatcher reminder ...). Text, channel and recipients
 * are task headers; `{orderNumber}`-style placeholders are filled from the
 * variables below. Each send is keyed by the job, so a redelivered job sends once.
 */
import { z } from 'zod';

import { defineWorker, fill, optionalText, resolveRecipient, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  currentUnitId: optionalText,
  dutyGroup: optionalText,
  priority: z.number().nullish(),
  agreedArrivalAt: optionalText,
  arrivalDueAt: optionalText,
  contactDueAt: optionalText,
  feedbackDueAt: optionalText,
});

export const output = z.object({});

const CHANNELS = ['app', 'sms', 'phone'] as const;

export default defineWorker({
  type: 'notify',
  input,
  output,
  headers: ['to', 'channel', 'text', 'timelineType'],
  async run({ job, vars, deps, headers }) {
    const recipients = headers.list('to').map((name) => resolveRecipient(name, vars));
    if (recipients.length === 0) headers.required('to');
    const channel = headers.optional('channel') === undefined ? 'app' : headers.oneOf('channel', CHANNELS);
    const text = fill(headers.required('text'), vars);

    for (const to of recipients) {
      await deps.notifier.send({ key: `${job.key}:${to}`, workOrderId: vars.workOrderId, to, channel, text });
    }
    await deps.orders.addTimeline(vars.workOrderId, {
      key: `${job.key}:notified`,
      type: headers.optional('timelineType') ?? 'notification',
      actor: 'system',
      elementId: job.elementId,
      note: `${channel} → ${recipients.join(', ')}: ${text}`,
    });
    return {};
  },
});
