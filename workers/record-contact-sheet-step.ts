/**
 * record-contact-sheet-step (工作联系单签批): R-QR-3 the work contact sheet is
 * signed by the office director (管理处主任签发), reviewed by the company's
 * customer service department (客户服务部审核), signed by the general manager
 * (总经理签发) and sent to the developer, who must confirm within
 * `developerConfirmWithin`; the developer's reply (签复) is the last step.
 * Each step is kept on the sheet (and in the legacy-problem register) and the
 * next signer is told.
 */
import { z } from 'zod';

import { isoDateTime } from '../domain/schemas.js';
import { calendarOf, contactSheetNumber, defineWorker, iso, localTime, optionalText, orderRefs, plus, resolveRecipient, workOrderId } from './support.js';

const STEPS = ['director', 'service-dept', 'gm', 'developer'] as const;
const LABEL: Record<(typeof STEPS)[number], string> = {
  director: '管理处主任签发 signed by the office director',
  'service-dept': '客户服务部审核 reviewed by the customer service department',
  gm: '总经理签发 signed by the general manager',
  developer: '开发商签复 answered by the developer',
};

export const input = z.object({
  workOrderId,
  ...orderRefs,
  communityId: optionalText,
  contactSheetNumber: optionalText,
  note: optionalText,
  confirmed: z.boolean().nullish(),
  plan: optionalText,
  etaAt: isoDateTime.nullish(),
});

export const output = z.object({
  contactSheetStep: z.enum(STEPS),
  developerConfirmDueAt: z.string().optional(),
  developerConfirmed: z.boolean().optional(),
});

export default defineWorker({
  type: 'record-contact-sheet-step',
  input,
  output,
  headers: ['step', 'notify', 'developerConfirmWithin'],
  async run({ job, vars, deps, headers, now }) {
    const step = headers.oneOf('step', STEPS);
    const number = vars.orderNumber ?? vars.workOrderId;
    const sheet = vars.contactSheetNumber ?? contactSheetNumber(number);
    const calendar = await calendarOf(deps, vars.communityId);
    const confirmed = step === 'developer' ? vars.confirmed !== false : undefined;
    const due = step === 'gm' && headers.optional('developerConfirmWithin') ? plus(now, headers.duration('developerConfirmWithin'), calendar) : undefined;

    await deps.register?.addContactSheetStep(vars.workOrderId, {
      key: job.key,
      step,
      at: now,
      ...(vars.note ? { note: vars.note } : {}),
    });
    if (step === 'gm') await deps.register?.update(vars.workOrderId, { status: 'awaiting-developer' });
    const note =
      step === 'developer'
        ? `工作联系单 ${sheet} ${LABEL.developer}: ${confirmed ? '确认 confirmed' : '不予确认,退回客户服务部 not confirmed, back to the customer service department'}${vars.plan ? `; 方案 plan: ${vars.plan}` : ''}`
        : `工作联系单 ${sheet} ${LABEL[step]}${due ? `; 已送开发商,${localTime(due, calendar)} 前确认 sent to the developer, confirm by ${localTime(due, calendar)}` : ''}`;
    await deps.orders.update(
      vars.workOrderId,
      {
        fields: {
          [`contactSheet-${step}At`]: now.toISOString(),
          ...(step === 'developer' ? { developerConfirmed: confirmed } : {}),
        },
      },
      { key: `${job.key}:step`, type: 'contact-sheet-signed', actor: 'system', elementId: job.elementId, note: `${note}${vars.note ? ` (${vars.note})` : ''}` },
    );
    if (due) await deps.orders.openDeadline(vars.workOrderId, { name: 'developer-confirmation', dueAt: due });
    for (const name of headers.list('notify')) {
      const to = resolveRecipient(name, {});
      await deps.notifier.send({
        key: `${job.key}:${to}`,
        workOrderId: vars.workOrderId,
        to,
        channel: 'app',
        text: `工作联系单 ${sheet}(${number})${LABEL[step].split(' ')[0]},请办理${due ? `,${localTime(due, calendar)} 前确认签复` : ''}。Contact sheet ${sheet}: your turn${due ? `, confirm by ${localTime(due, calendar)}` : ''}.`,
      });
    }
    return {
      contactSheetStep: step,
      ...(due ? { developerConfirmDueAt: iso(due, calendar) } : {}),
      ...(confirmed !== undefined ? { developerConfirmed: confirmed } : {}),
    };
  },
});
