/**
 * escalate: the escalation chain of an unsigned order.
 * level = manual-supervision (R-REP-3: the sign-off deadline is breached, status
 * escalated, supervisors phone the company), district-centre or street-office
 * (R-REP-4: supervision failed; emergency orders to the district emergency
 * repair centre, routine ones to the street housing office).
 */
import { z } from 'zod';

import { defineWorker, optionalText, workOrderId } from './support.js';

const LEVELS = ['manual-supervision', 'district-centre', 'street-office'] as const;

const TARGET: Record<(typeof LEVELS)[number], { to: string; channel: 'app' | 'phone'; note: string }> = {
  'manual-supervision': { to: 'group:supervisor', channel: 'app', note: '人工督办 manual supervision: phone the company\'s responsible person' },
  'district-centre': { to: 'district-centre', channel: 'phone', note: '转区县维修应急中心 to the district emergency repair centre' },
  'street-office': { to: 'street-office', channel: 'phone', note: '转街道房地办事处督办 to the street housing office' },
};

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  signOffDeadline: z.enum(['sign-off', 'second-unit-sign-off']).nullish(),
});

export const output = z.object({
  escalationLevel: z.enum(LEVELS),
  signOffDeadline: z.null(),
});

export default defineWorker({
  type: 'escalate',
  input,
  output,
  headers: ['level'],
  async run({ job, vars, deps, headers, now }) {
    const level = headers.oneOf('level', LEVELS);
    const target = TARGET[level];
    if (vars.signOffDeadline) {
      await deps.orders.closeDeadline(vars.workOrderId, vars.signOffDeadline, 'breached', now);
    }
    await deps.orders.update(
      vars.workOrderId,
      { status: 'escalated', fields: { escalationLevel: level } },
      { key: `${job.key}:escalated`, type: 'escalated', actor: 'system', elementId: job.elementId, note: target.note },
    );
    await deps.notifier.send({
      key: `${job.key}:${target.to}`,
      workOrderId: vars.workOrderId,
      to: target.to,
      channel: target.channel,
      text: `【督办】报修单 ${vars.orderNumber ?? vars.workOrderId} 未按时签收:${target.note}`,
    });
    return { escalationLevel: level, signOffDeadline: null };
  },
});
