/**
 * record-sign-off (登记签收): the order is signed; every deadline of the repair
 * is computed here from this task's headers and the community calendar.
 * R-REP-6 contact (emergency PT15M; routine PT1H, by the calendar at night and
 * on holidays), R-REP-7 emergency arrival limit (PT30M), R-REP-8 feedback (P4D)
 * and extension limits, R-REP-9 completion (PT24H emergency / small / shared
 * facility, PT72H general), R-REP-13 end of the sign-off day.
 */
import { z } from 'zod';

import { priority, repairClass, repairClassOf, responsibility } from '../domain/schemas.js';
import { calendarOf, count, defineWorker, iso, optionalDate, optionalText, outcomeAt, plus, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  communityId: z.string().min(1),
  priority,
  responsibility: responsibility.nullish(),
  currentUnitId: optionalText,
  signOffDeadline: z.enum(['sign-off', 'second-unit-sign-off']).nullish(),
  signOffDueAt: optionalDate,
});

export const output = z.object({
  signedAt: z.string(),
  repairClass,
  contactDueAt: z.string(),
  arrivalLimitAt: z.string().nullable(),
  feedbackDueAt: z.string(),
  completionDueAt: z.string(),
  endOfDayAt: z.string(),
  maxExtensions: count,
  maxExtensionDays: count,
  extensionCount: count,
  extensionDaysTotal: count,
  extensionDays: z.null(),
  coordinationSheetOpen: z.boolean(),
  signOffDeadline: z.null(),
});

export default defineWorker({
  type: 'record-sign-off',
  input,
  output,
  headers: [
    'emergencyContactWithin',
    'routineContactWithin',
    'emergencyArrivalWithin',
    'feedbackWithin',
    'urgentCompletionWithin',
    'generalCompletionWithin',
    'maxExtensions',
    'maxExtensionDays',
  ],
  async run({ job, vars, deps, headers, now }) {
    const calendar = await calendarOf(deps, vars.communityId);
    const cls = repairClassOf(vars.priority);
    const emergency = cls === 'emergency';
    const contactDueAt = emergency
      ? plus(now, headers.duration('emergencyContactWithin'), calendar)
      : calendar.dueFromSignOff(now, headers.duration('routineContactWithin'));
    const arrivalLimitAt = emergency ? plus(now, headers.duration('emergencyArrivalWithin'), calendar) : null;
    const feedbackDueAt = plus(now, headers.duration('feedbackWithin'), calendar);
    // R-REP-9: small, shared-facility and emergency repairs 24 h, general repairs 72 h.
    const urgentCompletion = emergency || vars.responsibility === 'shared';
    const completionDueAt = plus(now, headers.duration(urgentCompletion ? 'urgentCompletionWithin' : 'generalCompletionWithin'), calendar);
    const endOfDayAt = calendar.endOfDay(now);
    const maxExtensions = headers.integer('maxExtensions');
    const maxExtensionDays = headers.integer('maxExtensionDays');

    if (vars.signOffDeadline) {
      await deps.orders.closeDeadline(vars.workOrderId, vars.signOffDeadline, outcomeAt(now, vars.signOffDueAt), now);
    }
    await deps.orders.update(
      vars.workOrderId,
      {
        status: 'signed',
        fields: { signedAt: now.toISOString(), repairClass: cls, signedByUnitId: vars.currentUnitId ?? null },
      },
      {
        key: `${job.key}:signed`,
        type: 'signed',
        actor: vars.currentUnitId ? `unit:${vars.currentUnitId}` : 'system',
        elementId: job.elementId,
        note: `已签收 signed; 联系住户 contact by ${iso(contactDueAt, calendar)}${arrivalLimitAt ? `, 到场 on site by ${iso(arrivalLimitAt, calendar)}` : ''}, 反馈 feedback by ${iso(feedbackDueAt, calendar)}`,
      },
    );
    await deps.orders.openDeadline(vars.workOrderId, { name: 'contact-resident', dueAt: contactDueAt });
    if (arrivalLimitAt) await deps.orders.openDeadline(vars.workOrderId, { name: 'arrival', dueAt: arrivalLimitAt });
    await deps.orders.openDeadline(vars.workOrderId, { name: 'feedback', dueAt: feedbackDueAt });
    await deps.orders.openDeadline(vars.workOrderId, { name: 'completion', dueAt: completionDueAt });

    return {
      signedAt: iso(now, calendar),
      repairClass: cls,
      contactDueAt: iso(contactDueAt, calendar),
      arrivalLimitAt: arrivalLimitAt ? iso(arrivalLimitAt, calendar) : null,
      feedbackDueAt: iso(feedbackDueAt, calendar),
      completionDueAt: iso(completionDueAt, calendar),
      endOfDayAt: iso(endOfDayAt, calendar),
      maxExtensions,
      maxExtensionDays,
      extensionCount: 0,
      extensionDaysTotal: 0,
      extensionDays: null,
      coordinationSheetOpen: false,
      signOffDeadline: null,
    };
  },
});
