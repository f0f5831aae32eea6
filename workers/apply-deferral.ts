/**
 * apply-deferral (缓办): R-REP-8, R-REP-9. A major repair may be deferred with
 * the resident's consent and a major-repair plan: the feedback deadline moves
 * by the header deferralLimit, the completion deadline at least as far.
 * Without a plan the deferral is refused and the unit reports again.
 */
import { z } from 'zod';

import { isoDateTime } from '../domain/schemas.js';
import { calendarOf, date, defineWorker, iso, optionalDate, optionalText, plus, resolveRecipient, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  communityId: optionalText,
  plan: optionalText,
  feedbackDueAt: isoDateTime,
  completionDueAt: optionalDate,
  currentUnitId: optionalText,
});

export const output = z.object({
  deferralApplied: z.boolean(),
  feedbackDueAt: z.string(),
  completionDueAt: z.string().nullable(),
});

export default defineWorker({
  type: 'apply-deferral',
  input,
  output,
  headers: ['deferralLimit'],
  async run({ job, vars, deps, headers }) {
    const calendar = await calendarOf(deps, vars.communityId);
    const limit = headers.duration('deferralLimit');
    const plan = vars.plan?.trim();
    if (!plan) {
      const note = '缓办须提交大修计划 a deferral needs a major-repair plan: refused';
      await deps.orders.addTimeline(vars.workOrderId, { key: `${job.key}:deferral-refused`, type: 'deferral-refused', actor: 'system', elementId: job.elementId, note });
      if (vars.currentUnitId) {
        const to = resolveRecipient('unit', vars);
        await deps.notifier.send({ key: `${job.key}:${to}`, workOrderId: vars.workOrderId, to, channel: 'app', text: `报修单 ${vars.orderNumber ?? vars.workOrderId}:${note}` });
      }
      return { deferralApplied: false, feedbackDueAt: vars.feedbackDueAt, completionDueAt: vars.completionDueAt ?? null };
    }
    const feedbackDueAt = plus(date(vars.feedbackDueAt), limit, calendar);
    const completion = vars.completionDueAt ? date(vars.completionDueAt) : undefined;
    const completionDueAt = completion && completion.getTime() > feedbackDueAt.getTime() ? completion : feedbackDueAt;

    await deps.orders.update(
      vars.workOrderId,
      { status: 'deferred', fields: { plan, deferredUntil: feedbackDueAt.toISOString() } },
      {
        key: `${job.key}:deferred`,
        type: 'deferred',
        actor: 'system',
        elementId: job.elementId,
        note: `缓办 deferred until ${iso(feedbackDueAt, calendar)}; 大修计划 plan: ${plan}`,
      },
    );
    await deps.orders.openDeadline(vars.workOrderId, { name: 'feedback', dueAt: feedbackDueAt });
    await deps.orders.openDeadline(vars.workOrderId, { name: 'completion', dueAt: completionDueAt });
    return { deferralApplied: true, feedbackDueAt: iso(feedbackDueAt, calendar), completionDueAt: iso(completionDueAt, calendar) };
  },
});
