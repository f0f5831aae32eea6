/**
 * open-urgent-appeal (加急派单): R-URG-1 — an appeal that cannot wait overnight
 * is flagged urgent (priority 2 加急 unless already 1) and the property
 * liaison (the community's first unit) is phoned directly. R-URG-2 — its two
 * deadlines: on-site handling within `handlingWithin` (task header) and the
 * phone report by 23:59:59 of today in the community's time zone.
 */
import { z } from 'zod';

import { defineWorker, JobFailure, optionalText, workOrderId } from './support.js';
import { endOfDayIn, isoIn, localText, plusIn, zoneOf } from './service-support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  communityId: z.string().min(1),
  priority: z.number().int().min(1).max(4).nullish(),
  description: optionalText,
});

export const output = z.object({
  currentUnitId: z.string(),
  priority: z.number().int(),
  handlingDueAt: z.string(),
  reportDueAt: z.string(),
});

export default defineWorker({
  type: 'open-urgent-appeal',
  input,
  output,
  headers: ['handlingWithin'],
  async run({ job, vars, deps, headers, now }) {
    const community = await deps.directory.community(vars.communityId);
    if (!community) throw new JobFailure(`unknown community <${vars.communityId}>`);
    const zone = await zoneOf(deps, vars.communityId);
    const handlingDueAt = plusIn(now, headers.duration('handlingWithin'), zone);
    const reportDueAt = endOfDayIn(now, zone);
    const priority = Math.min(vars.priority ?? 2, 2);
    const liaison = community.firstUnitId;
    const number = vars.orderNumber ?? vars.workOrderId;

    await deps.orders.update(
      vars.workOrderId,
      { status: 'dispatched', assignedUnitId: liaison, fields: { priority, urgent: true } },
      {
        key: `${job.key}:urgent`,
        type: 'urgent-dispatched',
        actor: 'system',
        elementId: job.elementId,
        note: `加急诉求,已电话联络物业联络人 urgent: liaison ${liaison} phoned; 上门 on site by ${localText(handlingDueAt, zone)}, 当日反馈 report by ${localText(reportDueAt, zone)}`,
      },
    );
    await deps.orders.openDeadline(vars.workOrderId, { name: 'urgent-report', dueAt: reportDueAt });
    await deps.notifier.send({
      key: `${job.key}:unit:${liaison}`,
      workOrderId: vars.workOrderId,
      to: `unit:${liaison}`,
      channel: 'phone',
      text: `【加急诉求】${number}:${vars.description ?? ''} 请立即安排人员上门处置(${localText(handlingDueAt, zone)} 前),并于今天 ${localText(reportDueAt, zone)} 前电话反馈处置情况。Urgent appeal: handle on site at once and report by phone today.`,
    });
    return {
      currentUnitId: liaison,
      priority,
      handlingDueAt: isoIn(handlingDueAt, zone),
      reportDueAt: isoIn(reportDueAt, zone),
    };
  },
});
