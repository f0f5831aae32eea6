/**
 * check-paid-scope (有偿服务范围审核): R-PAID-1 — paid service is in-home water
 * and electrical repair and installation, cleaning and greening; appliance
 * repair and renovation are not offered and are refused with that reason.
 * R-PAID-3 — an item of the fee catalogue brings its price (the API passes the
 * catalogue entry as it was at registration); anything else needs a fee
 * assessment. R-PAID-2 — the reply is due `replyWithin` (10 minutes) after
 * the registration: the `paid-reply` deadline.
 */
import { z } from 'zod';

import { FEE_CATEGORIES, departmentOf } from '../domain/fee-catalogue.js';
import { defineWorker, JobFailure, optionalText, workOrderId } from './support.js';
import { isoIn, plusIn, zoneOf } from './service-support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  communityId: z.string().min(1),
  description: z.string(),
  catalogueItemId: optionalText,
  serviceItem: optionalText,
  catalogueFee: z.number().min(0).nullish(),
  serviceCategory: z.enum(FEE_CATEGORIES).nullish(),
});

export const output = z.object({
  inScope: z.boolean(),
  inCatalogue: z.boolean(),
  refusalReason: z.string().nullable(),
  serviceFee: z.number().nullable(),
  serviceItem: z.string().nullable(),
  department: z.enum(['engineering', 'cleaning']),
  currentUnitId: z.string(),
  replyDueAt: z.string().nullable(),
});

/** What R-PAID-1 leaves out, recognised in the request text. */
const EXCLUDED: readonly { reason: string; words: readonly string[]; unless?: readonly string[] }[] = [
  {
    reason: '家电维修不属于便民有偿服务范围 appliance repair is not part of the paid service',
    words: ['家电', '空调', '冰箱', '洗衣机', '电视', '微波炉', '电脑', '燃气灶'],
    // Cleaning an appliance is cleaning (保洁), which is offered.
    unless: ['清洗', '保洁'],
  },
  {
    reason: '房屋装修修缮不属于便民有偿服务范围 renovation and building repairs are not part of the paid service',
    words: ['装修', '翻新', '修缮', '改造', '拆墙', '砸墙', '吊顶'],
  },
];

export function outOfScopeReason(text: string): string | null {
  for (const rule of EXCLUDED) {
    if (rule.words.some((w) => text.includes(w)) && !(rule.unless ?? []).some((w) => text.includes(w))) return rule.reason;
  }
  return null;
}

export default defineWorker({
  type: 'check-paid-scope',
  input,
  output,
  headers: ['replyWithin'],
  async run({ job, vars, deps, headers, now }) {
    const community = await deps.directory.community(vars.communityId);
    if (!community) throw new JobFailure(`unknown community <${vars.communityId}>`);
    const zone = await zoneOf(deps, vars.communityId);
    const inCatalogue = Boolean(vars.catalogueItemId) && typeof vars.catalogueFee === 'number';
    const refusalReason = inCatalogue ? null : outOfScopeReason(vars.description);
    const inScope = refusalReason === null;
    const department = departmentOf(vars.serviceCategory ?? undefined);
    const replyDueAt = inScope ? plusIn(now, headers.duration('replyWithin'), zone) : null;

    const note = !inScope
      ? `超出服务范围 out of scope: ${refusalReason}`
      : inCatalogue
        ? `收费标准项目 catalogue item ${vars.catalogueItemId} ${vars.serviceItem ?? ''}: ¥${vars.catalogueFee}`
        : '标准外项目,需收费评审 not in the catalogue: fee assessment needed';
    await deps.orders.update(
      vars.workOrderId,
      { fields: { inScope, inCatalogue, department, ...(vars.serviceItem ? { serviceItem: vars.serviceItem } : {}) } },
      { key: `${job.key}:scope`, type: 'scope-checked', actor: 'system', elementId: job.elementId, note },
    );
    if (replyDueAt) await deps.orders.openDeadline(vars.workOrderId, { name: 'paid-reply', dueAt: replyDueAt });

    return {
      inScope,
      inCatalogue,
      refusalReason,
      serviceFee: inCatalogue ? (vars.catalogueFee ?? null) : null,
      serviceItem: vars.serviceItem ?? null,
      department,
      currentUnitId: community.firstUnitId,
      replyDueAt: replyDueAt ? isoIn(replyDueAt, zone) : null,
    };
  },
});
