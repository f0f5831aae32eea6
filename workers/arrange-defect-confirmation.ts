/**
 * arrange-defect-confirmation (安排现场查验): R-QR-1, R-RESP (4). A housing
 * quality problem is recorded; the management office's engineering group (the
 * community's first unit) is asked to confirm it on site within
 * `confirmWithin` (5 minutes; the model's timer on the confirm-defect task says
 * the same). The resident hears an apology, who follows the case up and that
 * the responsible party will be confirmed. Status dispatched.
 */
import { z } from 'zod';

import { channel } from '../domain/schemas.js';
import { calendarOf, defineWorker, iso, JobFailure, localTime, optionalText, orderRefs, plus, workOrderId } from './support.js';

/** Channels where a staff member took the report and so follows it up (谁受理谁跟进). */
const STAFF_CHANNELS: readonly string[] = ['phone', 'walk-in'];

export const input = z.object({
  workOrderId,
  ...orderRefs,
  communityId: z.string().min(1),
  description: optionalText,
  reportedBy: optionalText,
  channel: channel.nullish(),
});

export const output = z.object({
  currentUnitId: z.string().min(1),
  confirmDueAt: z.string(),
  followUpUsers: z.array(z.string()),
});

export default defineWorker({
  type: 'arrange-defect-confirmation',
  input,
  output,
  headers: ['confirmWithin'],
  async run({ job, vars, deps, headers, now }) {
    const confirmWithin = headers.duration('confirmWithin');
    const community = await deps.directory.community(vars.communityId);
    if (!community) throw new JobFailure(`community <${vars.communityId}> is unknown`);
    const unitId = community.firstUnitId;
    const unit = await deps.directory.unit(unitId);
    const calendar = await calendarOf(deps, vars.communityId);
    const dueAt = plus(now, confirmWithin, calendar);
    const followUpUsers = vars.reportedBy && vars.channel && STAFF_CHANNELS.includes(vars.channel) ? [vars.reportedBy] : [];
    const followUp = followUpUsers[0] ?? '客户服务中心 customer service centre';
    const number = vars.orderNumber ?? vars.workOrderId;

    await deps.orders.update(
      vars.workOrderId,
      { status: 'dispatched', assignedUnitId: unitId, fields: { qualityStage: 'confirming', followUpBy: followUp } },
      {
        key: `${job.key}:arranged`,
        type: 'confirmation-arranged',
        actor: 'system',
        elementId: job.elementId,
        note: `安排 ${unit?.name ?? unitId} 现场查验确认,${localTime(dueAt, calendar)} 前确认 engineering to confirm on site by ${localTime(dueAt, calendar)} (R-QR-1)`,
      },
    );
    await deps.orders.openDeadline(vars.workOrderId, { name: 'confirm-defect', dueAt });
    await deps.notifier.send({
      key: `${job.key}:unit:${unitId}`,
      workOrderId: vars.workOrderId,
      to: `unit:${unitId}`,
      channel: 'sms',
      text: `【质量问题查验】${number}:${vars.description ?? ''} 请于 ${localTime(dueAt, calendar)} 前到场查验确认。Confirm the defect on site by ${localTime(dueAt, calendar)}.`,
    });
    // R-RESP (4): apologise, name the follow-up person, say when the responsible party will be known.
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'app',
      text: `非常抱歉给您带来不便。您反映的房屋质量问题 ${number} 已受理,跟进人:${followUp};工程人员将到场查验并确认维修责任方,我们会及时告知您。We are sorry; ${followUp} follows your case up and will tell you who is responsible after the on-site check.`,
    });

    return { currentUnitId: unitId, confirmDueAt: iso(dueAt, calendar), followUpUsers };
  },
});
