/**
 * forward-assistance (转协办): R-CMP-1 — an assistance matter (协办事项: other
 * residents' violations, developer obligations, owners' committee matters,
 * utilities, government bodies) is forwarded to the responsible party with a
 * record on the order; the resident is told who handles it (件件有回音).
 */
import { z } from 'zod';

import { responsibleParty, type ResponsibleParty } from '../domain/schemas.js';
import { defineWorker, optionalText, workOrderId } from './support.js';

const PARTY_LABEL: Record<ResponsibleParty, string> = {
  'other-resident': '相关业主 the residents concerned',
  developer: '开发商 the developer',
  'owners-committee': '业主委员会 the owners\u2019 committee',
  utility: '公用事业单位 the utility company',
  government: '政府主管部门 the government body in charge',
  other: '相关责任单位 the party responsible',
};

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  responsibleParty: responsibleParty.nullish(),
  explanation: optionalText,
  description: optionalText,
});

export const output = z.object({ forwardedTo: responsibleParty });

export default defineWorker({
  type: 'forward-assistance',
  input,
  output,
  async run({ job, vars, deps }) {
    const party = vars.responsibleParty ?? 'other';
    const label = PARTY_LABEL[party];
    const note = `协办事项,已转交${label}处理并记录 assistance matter forwarded to ${label}${vars.explanation ? `: ${vars.explanation}` : ''}`;
    await deps.orders.update(
      vars.workOrderId,
      { fields: { complaintOutcome: 'forwarded', forwardedTo: party } },
      { key: `${job.key}:forwarded`, type: 'forwarded', actor: 'system', elementId: job.elementId, note },
    );
    await deps.notifier.send({
      key: `${job.key}:external`,
      workOrderId: vars.workOrderId,
      to: `external:${party}`,
      channel: 'phone',
      text: `【协办】${vars.orderNumber ?? vars.workOrderId}:${vars.description ?? ''}`,
    });
    await deps.notifier.send({
      key: `${job.key}:resident`,
      workOrderId: vars.workOrderId,
      to: 'resident',
      channel: 'app',
      text: `您反映的问题 ${vars.orderNumber ?? ''} 属于协办事项,已转交${label}处理,我们将跟进。Your matter has been forwarded to ${label}; we follow it up.`,
    });
    return { forwardedTo: party };
  },
});
