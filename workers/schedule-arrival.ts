/**
 * schedule-arrival (约定到场): R-REP-7, R-NOTE-1.
 * The arrival limit is arrivalLimitAt for emergency orders (sign-off + 30 min)
 * and contact time + routineArrivalWithin (1 h) for routine ones. An agreed
 * time later than the limit is reported to the platform, which calls the
 * resident back at that time (callbackNeeded). The resident is told who comes
 * and when. Status scheduled.
 */
import { z } from 'zod';

import { isoDateTime, priority, repairClassOf } from '../domain/schemas.js';
import { JobFailure, calendarOf, date, defineWorker, iso, localTime, optionalDate, optionalText, outcomeAt, plus, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  communityId: z.string().min(1),
  priority,
  agreedArrivalAt: isoDateTime,
  arrivalLimitAt: optionalDate,
  contactDueAt: optionalDate,
  currentUnitId: optionalText,
});

export const output = z.object({
  contactedAt: z.string(),
  arrivalDueAt: z.string(),
  arrivalCheckAt: z.string(),
  callbackNeeded: z.boolean(),
});

export default defineWorker({
  type: 'schedule-arrival',
  input,
  output,
  headers: ['routineArrivalWithin'],
  async run({ job, vars, deps, headers, now }) {
    const calendar = await calendarOf(deps, vars.communityId);
    let arrivalDueAt: Date;
    if (repairClassOf(vars.priority) === 'emergency') {
      if (!vars.arrivalLimitAt) throw new JobFailure('arrivalLimitAt is missing for an emergency order (set by record-sign-off)');
      arrivalDueAt = date(vars.arrivalLimitAt);
    } else {
      arrivalDueAt = plus(now, headers.duration('routineArrivalWithin'), calendar);
    }
    const agreed = date(vars.agreedArrivalAt);
    const callbackNeeded = agreed.getTime() > arrivalDueAt.getTime();
    const arrivalCheckAt = callbackNeeded ? agreed : arrivalDueAt;
    const unit = vars.currentUnitId ? await deps.directory.unit(vars.currentUnitId) : undefined;
    const unitName = unit?.name ?? vars.currentUnitId ?? '维修单位';

    await deps.orders.update(
      vars.workOrderId,
      {
        status: 'scheduled',
        fields: { agreedArrivalAt: iso(agreed, calendar), arrivalDueAt: iso(arrivalDueAt, calendar), callbackNeeded },
        closeDeadlines: [{ name: 'contact-resident', outcome: outcomeAt(now, vars.contactDueAt), at: now }],
        openDeadlines: [{ name: 'arrival', dueAt: arrivalCheckAt }],
      },
      {
        key: `${job.key}:scheduled`,
        type: 'scheduled',
        actor: vars.currentUnitId ? `unit:${vars.currentUnitId}` : 'system',
        elementId: job.elementId,
        note: `约定上门 agreed arrival ${localTime(agreed, calendar)}; 到场时限 limit ${localTime(arrivalDueAt, calendar)}`,
      },
    );
    if (callbackNeeded) {
      // R-REP-7: the unit reports the later agreed time; the platform calls the resident back then.
      await deps.orders.addTimeline(vars.workOrderId, {
        key: `${job.key}:callback`,
        type: 'arrival-time-reported',
        actor: 'system',
        elementId: job.elementId,
        note: `约定时间晚于到场时限,平台将于 ${localTime(agreed, calendar)} 回访 agreed time later than the limit: call-back then`,
      });
      await deps.notifier.send({
        key: `${job.key}:group:dispatcher`,
        workOrderId: vars.workOrderId,
        to: 'group:dispatcher',
        channel: 'app',
        text: `报修单 ${vars.orderNumber ?? vars.workOrderId}:约定上门 ${localTime(agreed, calendar)} 晚于时限 ${localTime(arrivalDueAt, calendar)},届时请回访住户。Call the resident back at the agreed time.`,
      });
    }
    // R-NOTE-1: who comes and when.
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'sms',
      text: `您的报修 ${vars.orderNumber ?? ''} 已安排:${unitName} 将于 ${localTime(agreed, calendar)} 上门。${unitName} will come at ${localTime(agreed, calendar)}.`,
    });

    return {
      contactedAt: iso(now, calendar),
      arrivalDueAt: iso(arrivalDueAt, calendar),
      arrivalCheckAt: iso(arrivalCheckAt, calendar),
      callbackNeeded,
    };
  },
});
