/**
 * issue-contact-sheet (开具工作联系单): the written sheet that carries a case to
 * the company and the developer and is the basis of confirmation and
 * settlement (R-QR-3 developer defects, R-COMP-2 small claims filed after the
 * on-site answer, R-COMP-3 large claims to the customer service department,
 * R-COMP-5 quality dissatisfaction to the customer service department).
 * Headers: `addressee` (words for the timeline), `notify` (who must act on it)
 * and, when its addressee must answer in time, `deadline` + `answerWithin`.
 */
import { z } from 'zod';

import { calendarOf, contactSheetNumber, defineWorker, iso, JobFailure, localTime, optionalText, orderRefs, plus, PROCEDURE_DEADLINE_DUE, PROCEDURE_DEADLINE_LABEL, PROCEDURE_DEADLINES, type ProcedureDeadline, resolveRecipient, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  ...orderRefs,
  communityId: optionalText,
  contactSheetNumber: optionalText,
  description: optionalText,
});

export const output = z.object({
  contactSheetNumber: z.string(),
  reviewDueAt: z.string().optional(),
  developerConfirmDueAt: z.string().optional(),
  confirmDueAt: z.string().optional(),
  progressDueAt: z.string().optional(),
});

export default defineWorker({
  type: 'issue-contact-sheet',
  input,
  output,
  headers: ['addressee', 'notify', 'deadline', 'answerWithin'],
  async run({ job, vars, deps, headers, now }) {
    const number = vars.orderNumber ?? vars.workOrderId;
    const sheet = vars.contactSheetNumber ?? contactSheetNumber(number);
    const addressee = headers.required('addressee');
    const deadlineName = headers.optional('deadline');
    if (deadlineName !== undefined && !(PROCEDURE_DEADLINES as readonly string[]).includes(deadlineName)) {
      throw new JobFailure(`task header <deadline> names an unknown deadline <${deadlineName}>`);
    }
    const calendar = await calendarOf(deps, vars.communityId);
    const due = deadlineName ? plus(now, headers.duration('answerWithin'), calendar) : undefined;

    await deps.orders.update(
      vars.workOrderId,
      { fields: { contactSheetNumber: sheet, contactSheetIssuedAt: now.toISOString() } },
      {
        key: `${job.key}:contact-sheet`,
        type: 'contact-sheet-issued',
        actor: 'system',
        elementId: job.elementId,
        note: `开具工作联系单 ${sheet} 报 ${addressee}${due ? `,${localTime(due, calendar)} 前答复 answer by ${localTime(due, calendar)}` : ''}`,
      },
    );
    await deps.register?.update(vars.workOrderId, { contactSheetNumber: sheet });
    if (deadlineName && due) await deps.orders.openDeadline(vars.workOrderId, { name: deadlineName, dueAt: due });
    for (const name of headers.list('notify')) {
      const to = resolveRecipient(name, {});
      await deps.notifier.send({
        key: `${job.key}:${to}`,
        workOrderId: vars.workOrderId,
        to,
        channel: 'app',
        text: `【工作联系单 ${sheet}】${number}:${vars.description ?? ''} 请签批${due ? `,${localTime(due, calendar)} 前完成${PROCEDURE_DEADLINE_LABEL[deadlineName as ProcedureDeadline].split(' ')[0]}` : ''}。Contact sheet ${sheet} for your signature.`,
      });
    }
    return {
      contactSheetNumber: sheet,
      ...(deadlineName && due ? { [PROCEDURE_DEADLINE_DUE[deadlineName as ProcedureDeadline]]: iso(due, calendar) } : {}),
    };
  },
});
