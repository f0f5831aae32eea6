/**
 * route-complaint (投诉分派): R-CMP-2 — a valid complaint goes to the office
 * head (管理处主任, group `supervisor`, level `office-head`); a serious or
 * beyond-authority one — and one whose outcome the resident did not accept —
 * to company leadership (group `manager`, level `leadership`, status
 * escalated). R-CMP-3 — the resident must be contacted at once: contactDueAt
 * = now + `contactWithin`.
 */
import { z } from 'zod';

import { complaintClassification } from '../domain/schemas.js';
import { defineWorker, optionalText, workOrderId } from './support.js';
import { isoIn, localText, plusIn, zoneOf } from './service-support.js';

const LEVELS = ['office-head', 'leadership'] as const;

const HANDLER: Record<(typeof LEVELS)[number], { group: string; label: string }> = {
  'office-head': { group: 'supervisor', label: '管理处主任 office head' },
  leadership: { group: 'manager', label: '公司领导 company leadership' },
};

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  communityId: z.string().min(1),
  classification: complaintClassification.nullish(),
  serious: z.boolean().nullish(),
  beyondAuthority: z.boolean().nullish(),
  satisfied: z.boolean().nullish(),
  complaintLevel: z.enum(LEVELS).nullish(),
});

export const output = z.object({
  handlerGroup: z.string(),
  complaintLevel: z.enum(LEVELS),
  contactDueAt: z.string(),
});

export default defineWorker({
  type: 'route-complaint',
  input,
  output,
  headers: ['level', 'contactWithin'],
  async run({ job, vars, deps, headers, now }) {
    const level = headers.oneOf('level', LEVELS);
    const handler = HANDLER[level];
    const zone = await zoneOf(deps, vars.communityId);
    const contactDueAt = plusIn(now, headers.duration('contactWithin'), zone);
    const reason =
      level === 'office-head'
        ? '有效投诉 valid complaint'
        : vars.satisfied === false
          ? '住户不满意处理结果 the resident did not accept the outcome'
          : [vars.serious ? '重大投诉 serious' : '', vars.beyondAuthority ? '超出处理权限 beyond authority' : ''].filter(Boolean).join(', ') || '上报 escalated';
    const note = `交${handler.label}处理(${reason}),${localText(contactDueAt, zone)} 前联系住户 contact the resident by then`;

    await deps.orders.update(
      vars.workOrderId,
      {
        status: level === 'leadership' ? 'escalated' : 'dispatched',
        fields: {
          complaintLevel: level,
          ...(vars.classification ? { classification: vars.classification } : {}),
          serious: vars.serious ?? false,
          beyondAuthority: vars.beyondAuthority ?? false,
        },
      },
      { key: `${job.key}:routed`, type: level === 'leadership' ? 'escalated' : 'complaint-routed', actor: 'system', elementId: job.elementId, note },
    );
    await deps.notifier.send({
      key: `${job.key}:group:${handler.group}`,
      workOrderId: vars.workOrderId,
      to: `group:${handler.group}`,
      channel: 'app',
      text: `【投诉】${vars.orderNumber ?? vars.workOrderId}:${note}`,
    });
    return { handlerGroup: handler.group, complaintLevel: level, contactDueAt: isoIn(contactDueAt, zone) };
  },
});
