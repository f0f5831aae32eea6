/**
 * return-complaint-result (结果反馈受理人): R-CMP-4 — the result of the
 * complaint returns to the person who took it (reportedBy, 谁受理谁跟进),
 * who records it; the order is closed with the resident's rating.
 */
import { z } from 'zod';

import { complaintClassification, responsibleParty } from '../domain/schemas.js';
import { defineWorker, optionalText, workOrderId } from './support.js';

const OUTCOME = {
  valid: '已处理 handled',
  assistance: '已转协办 forwarded to the responsible party',
  excessive: '过高要求,已解释 excessive demand, explained',
} as const;

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  reportedBy: z.string().min(1),
  classification: complaintClassification,
  resolution: optionalText,
  explanation: optionalText,
  forwardedTo: responsibleParty.nullish(),
  satisfied: z.boolean().nullish(),
  rating: z.number().int().min(1).max(5).nullish(),
  comment: optionalText,
});

export const output = z.object({});

export default defineWorker({
  type: 'return-complaint-result',
  input,
  output,
  async run({ job, vars, deps, now }) {
    const detail = vars.classification === 'valid' ? vars.resolution : vars.classification === 'excessive' ? vars.explanation : vars.forwardedTo;
    const rated = typeof vars.satisfied === 'boolean' || typeof vars.rating === 'number';
    const text =
      `投诉 ${vars.orderNumber ?? vars.workOrderId} 结果:${OUTCOME[vars.classification]}${detail ? `(${detail})` : ''}` +
      (rated ? `;住户${vars.satisfied ? '满意' : '不满意'}${typeof vars.rating === 'number' ? `,评分 ${vars.rating}` : ''}` : '') +
      ` Result of complaint: ${vars.classification}`;
    await deps.orders.update(
      vars.workOrderId,
      {
        status: 'closed',
        fields: {
          complaintOutcome: vars.classification === 'valid' ? 'handled' : vars.classification === 'assistance' ? 'forwarded' : 'excessive-explained',
          resultReturnedTo: vars.reportedBy,
          ...(rated
            ? {
                rating: {
                  ...(typeof vars.rating === 'number' ? { score: vars.rating } : {}),
                  ...(typeof vars.satisfied === 'boolean' ? { satisfied: vars.satisfied } : {}),
                  ...(vars.comment ? { comment: vars.comment } : {}),
                  at: now,
                },
              }
            : {}),
        },
      },
      { key: `${job.key}:returned`, type: 'result-returned', actor: 'system', elementId: job.elementId, note: `结果已反馈受理人 ${vars.reportedBy} result returned to the taker: ${text}` },
    );
    await deps.notifier.send({ key: `${job.key}:taker`, workOrderId: vars.workOrderId, to: `user:${vars.reportedBy}`, channel: 'app', text });
    return {};
  },
});
