/**
 * record-progress (整改进度): R-QR-4 progress is reported and the resident
 * told; the next report is due `progressEvery` later. Completed works wait
 * for the resident's acceptance: status resolved.
 */
import { z } from 'zod';

import { calendarOf, defineWorker, iso, optionalText, orderRefs, plus, registerOf, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  ...orderRefs,
  communityId: z.string().min(1),
  completed: z.boolean(),
  progress: optionalText,
});

export const output = z.object({ progressDueAt: z.string() });

export default defineWorker({
  type: 'record-progress',
  input,
  output,
  headers: ['progressEvery'],
  async run({ job, vars, deps, headers, now }) {
    const calendar = await calendarOf(deps, vars.communityId);
    const next = plus(now, headers.duration('progressEvery'), calendar);
    const text = vars.progress ?? (vars.completed ? '整改完成 works completed' : '整改进行中 works in progress');
    const number = vars.orderNumber ?? vars.workOrderId;

    await registerOf(deps).addProgress(vars.workOrderId, { key: job.key, at: now, note: text });
    if (vars.completed) await registerOf(deps).update(vars.workOrderId, { status: 'rectified' });
    await deps.orders.update(
      vars.workOrderId,
      vars.completed ? { status: 'resolved', fields: { qualityStage: 'awaiting-acceptance', rectifiedAt: now.toISOString() } } : {},
      {
        key: `${job.key}:progress`,
        type: 'progress-reported',
        actor: 'system',
        elementId: job.elementId,
        note: `整改进度 progress: ${text}${vars.completed ? '; 待住户验收 awaiting the resident\u2019s acceptance' : ''} (R-QR-4)`,
      },
    );
    if (!vars.completed) await deps.orders.openDeadline(vars.workOrderId, { name: 'report-progress', dueAt: next });
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'app',
      text: `房屋质量问题 ${number} 整改进度:${text}${vars.completed ? ',请验收' : ''}。Progress: ${text}${vars.completed ? '; please inspect and accept' : ''}.`,
    });
    return { progressDueAt: iso(next, calendar) };
  },
});
