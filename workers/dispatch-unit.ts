/**
 * dispatch-unit (派单): R-REP-1 first unit, R-REP-2 second unit.
 * Header `stage` = first | second; header `signOffWithin` is the sign-off
 * time the unit has (the model's timer on the sign-off task must agree; a
 * model test checks it). Status dispatched; the unit gets the order by SMS.
 */
import { z } from 'zod';

import { priority, repairClass, repairClassOf, responsibility } from '../domain/schemas.js';
import { JobFailure, calendarOf, defineWorker, iso, localTime, optionalText, plus, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  communityId: z.string().min(1),
  priority,
  responsibility: responsibility.nullish(),
  description: optionalText,
});

export const output = z.object({
  currentUnitId: z.string().min(1),
  hasSecondUnit: z.boolean(),
  dispatchStage: z.enum(['first', 'second']),
  signOffDeadline: z.enum(['sign-off', 'second-unit-sign-off']),
  signOffDueAt: z.string(),
  repairClass,
});

export default defineWorker({
  type: 'dispatch-unit',
  input,
  output,
  headers: ['stage', 'signOffWithin'],
  async run({ job, vars, deps, headers, now }) {
    const stage = headers.oneOf('stage', ['first', 'second'] as const);
    const signOffWithin = headers.duration('signOffWithin');
    const community = await deps.directory.community(vars.communityId);
    if (!community) throw new JobFailure(`community <${vars.communityId}> is unknown`);
    const unitId = stage === 'first' ? community.firstUnitId : community.secondUnitId;
    if (!unitId) throw new JobFailure(`community <${vars.communityId}> has no second unit, yet the model dispatched to it`);
    const unit = await deps.directory.unit(unitId);
    const calendar = await calendarOf(deps, vars.communityId);
    const dueAt = plus(now, signOffWithin, calendar);
    const deadline = stage === 'first' ? ('sign-off' as const) : ('second-unit-sign-off' as const);
    const cls = repairClassOf(vars.priority);

    await deps.orders.update(
      vars.workOrderId,
      {
        status: 'dispatched',
        assignedUnitId: unitId,
        fields: { priority: vars.priority, responsibility: vars.responsibility ?? null, repairClass: cls, dispatchStage: stage },
        // R-REP-2: at the second stage the first unit did not sign in time.
        closeDeadlines: stage === 'second' ? [{ name: 'sign-off', outcome: 'breached', at: now }] : [],
        openDeadlines: [{ name: deadline, dueAt }],
      },
      {
        key: `${job.key}:dispatched`,
        type: 'dispatched',
        actor: 'system',
        elementId: job.elementId,
        note: `${stage === 'first' ? '派单' : '派第二维修单位'} dispatched to ${unit?.name ?? unitId} (${stage}); 签收时限 sign off by ${localTime(dueAt, calendar)}`,
      },
    );
    await deps.notifier.send({
      key: `${job.key}:unit:${unitId}`,
      workOrderId: vars.workOrderId,
      to: `unit:${unitId}`,
      channel: 'sms',
      text: `【派单】报修单 ${vars.orderNumber ?? vars.workOrderId}(${cls === 'emergency' ? '应急' : '日常'}):${vars.description ?? ''} 请于 ${localTime(dueAt, calendar)} 前签收。Order to sign by ${localTime(dueAt, calendar)}.`,
    });

    return {
      currentUnitId: unitId,
      hasSecondUnit: stage === 'first' && !!community.secondUnitId && community.secondUnitId !== unitId,
      dispatchStage: stage,
      signOffDeadline: deadline,
      signOffDueAt: iso(dueAt, calendar),
      repairClass: cls,
    };
  },
});
