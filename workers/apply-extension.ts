/**
 * apply-extension (延期): R-REP-8. An approved extension moves the feedback and
 * completion deadlines by its days; at most maxExtensions extensions and
 * maxExtensionDays days in total (set by record-sign-off from the model).
 * Without extensionDays the header defaultExtensionDays applies, capped at
 * what is left. The gateway before approval already guards the limits; a
 * request over them is refused here again rather than applied.
 */
import { z } from 'zod';

import { isoDateTime } from '../domain/schemas.js';
import { calendarOf, count, date, defineWorker, iso, optionalDate, optionalText, plus, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  communityId: optionalText,
  extensionCount: count.default(0),
  extensionDaysTotal: count.default(0),
  extensionDays: z.number().int().min(1).nullish(),
  maxExtensions: count,
  maxExtensionDays: count,
  feedbackDueAt: isoDateTime,
  completionDueAt: optionalDate,
});

export const output = z.object({
  extensionApplied: z.boolean(),
  extensionCount: count,
  extensionDaysTotal: count,
  extensionDays: z.null(),
  feedbackDueAt: z.string(),
  completionDueAt: z.string().nullable(),
});

export default defineWorker({
  type: 'apply-extension',
  input,
  output,
  headers: ['defaultExtensionDays'],
  async run({ job, vars, deps, headers }) {
    const calendar = await calendarOf(deps, vars.communityId);
    const left = vars.maxExtensionDays - vars.extensionDaysTotal;
    const days = Math.min(vars.extensionDays ?? headers.integer('defaultExtensionDays'), left);
    const unchanged = {
      extensionCount: vars.extensionCount,
      extensionDaysTotal: vars.extensionDaysTotal,
      extensionDays: null,
      feedbackDueAt: vars.feedbackDueAt,
      completionDueAt: vars.completionDueAt ?? null,
    };
    if (vars.extensionCount >= vars.maxExtensions || days <= 0) {
      await deps.orders.addTimeline(vars.workOrderId, {
        key: `${job.key}:extension-refused`,
        type: 'extension-refused',
        actor: 'system',
        elementId: job.elementId,
        note: `延期超限 extension refused: ${vars.extensionCount}/${vars.maxExtensions} extensions, ${vars.extensionDaysTotal}/${vars.maxExtensionDays} days used`,
      });
      return { extensionApplied: false, ...unchanged };
    }
    const extension = `P${days}D`;
    const feedbackDueAt = plus(date(vars.feedbackDueAt), extension, calendar);
    const completionDueAt = vars.completionDueAt ? plus(date(vars.completionDueAt), extension, calendar) : null;
    const extensionCount = vars.extensionCount + 1;
    const extensionDaysTotal = vars.extensionDaysTotal + days;

    await deps.orders.update(
      vars.workOrderId,
      { status: 'extended', fields: { extensionCount, extensionDaysTotal } },
      {
        key: `${job.key}:extended`,
        type: 'extended',
        actor: 'system',
        elementId: job.elementId,
        note: `延期 extension ${extensionCount}/${vars.maxExtensions}: +${days} 天 days (${extensionDaysTotal}/${vars.maxExtensionDays}); 反馈 feedback by ${iso(feedbackDueAt, calendar)}`,
      },
    );
    await deps.orders.openDeadline(vars.workOrderId, { name: 'feedback', dueAt: feedbackDueAt });
    if (completionDueAt) await deps.orders.openDeadline(vars.workOrderId, { name: 'completion', dueAt: completionDueAt });

    return {
      extensionApplied: true,
      extensionCount,
      extensionDaysTotal,
      extensionDays: null,
      feedbackDueAt: iso(feedbackDueAt, calendar),
      completionDueAt: completionDueAt ? iso(completionDueAt, calendar) : null,
    };
  },
});
