/**
 * GET /api/legacy-register: the legacy-problem register (工程遗留问题汇总表,
 * R-QR-1) — every housing quality problem engineering confirmed, with its
 * liable party (R-QR-2), coordination and contact sheets, the contact sheet's
 * sign-off chain (R-QR-3), plan, ETA and progress (R-QR-4). Staff only; the
 * register holds no resident names or phones (R-LED-1).
 */
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { getModels } from '../../domain/models.js';
import { LEGACY_PROBLEM_STATUSES, LIABLE_PARTIES, type LegacyProblemDoc } from '../../domain/legacy-problem.model.js';
import { dateOrDateTime, listParam, paging } from '../common-schemas.js';
import { ValidationError } from '../errors.js';
import { endpoint, type Endpoint } from '../http.js';
import { rangeOf } from '../reports/range.js';

export const legacyRegisterQuery = z.object({
  communityId: z.string().trim().min(1).max(32).optional(),
  status: listParam(LEGACY_PROBLEM_STATUSES).optional(),
  liableParty: listParam(LIABLE_PARTIES).optional(),
  from: dateOrDateTime.optional(),
  to: dateOrDateTime.optional(),
  ...paging,
});

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

export const legacyProblemView = z
  .object({
    workOrderId: z.string(),
    orderNumber: z.string(),
    communityId: z.string(),
    address: z.string(),
    description: z.string(),
    sourceWorkOrderId: z.string().nullable(),
    liableParty: z.enum(LIABLE_PARTIES).nullable(),
    finding: z.string().nullable(),
    proposal: z.string().nullable(),
    coordinationSheetNumber: z.string().nullable(),
    contactSheetNumber: z.string().nullable(),
    contactSheetSteps: z.array(z.object({ step: z.string(), at: z.string(), note: z.string().nullable() })),
    plan: z.string().nullable(),
    residentAction: z.string().nullable(),
    etaAt: z.string().nullable(),
    status: z.enum(LEGACY_PROBLEM_STATUSES),
    progress: z.array(z.object({ at: z.string(), note: z.string() })),
    registeredAt: z.string(),
    confirmedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'LegacyProblem' });

function toView(d: LegacyProblemDoc): z.infer<typeof legacyProblemView> {
  return {
    workOrderId: d._id,
    orderNumber: d.orderNumber,
    communityId: d.communityId,
    address: d.address ?? '',
    description: d.description ?? '',
    sourceWorkOrderId: d.sourceWorkOrderId ?? null,
    liableParty: d.liableParty ?? null,
    finding: d.finding ?? null,
    proposal: d.proposal ?? null,
    coordinationSheetNumber: d.coordinationSheetNumber ?? null,
    contactSheetNumber: d.contactSheetNumber ?? null,
    contactSheetSteps: (d.contactSheetSteps ?? []).map((s) => ({ step: s.step, at: new Date(s.at).toISOString(), note: s.note ?? null })),
    plan: d.plan ?? null,
    residentAction: d.residentAction ?? null,
    etaAt: iso(d.etaAt),
    status: d.status,
    progress: (d.progress ?? []).map((p) => ({ at: new Date(p.at).toISOString(), note: p.note })),
    registeredAt: new Date(d.registeredAt).toISOString(),
    confirmedAt: iso(d.confirmedAt),
    closedAt: iso(d.closedAt),
  };
}

export function legacyRegisterRoutes(conn: Connection): Endpoint[] {
  const models = getModels(conn);
  return [
    endpoint({
      method: 'get',
      path: '/legacy-register',
      tag: 'quality',
      summary: 'The legacy-problem register 工程遗留问题汇总表 (R-QR-1..4)',
      description: 'Newest first; filters communityId, status, liableParty, from/to (registration time).',
      access: ['dispatcher', 'unit', 'supervisor', 'manager', 'admin'],
      query: legacyRegisterQuery,
      response: z.object({ items: z.array(legacyProblemView), total: z.number() }),
      handle: async ({ query }) => {
        const range = rangeOf(query.from, query.to);
        if (range.invalid) throw new ValidationError('The request is invalid.', [{ path: 'to', message: 'must not be before from' }]);
        const filter: Record<string, unknown> = {};
        if (query.communityId) filter.communityId = query.communityId;
        if (query.status?.length) filter.status = { $in: query.status };
        if (query.liableParty?.length) filter.liableParty = { $in: query.liableParty };
        if (range.from || range.to) filter.registeredAt = { ...(range.from ? { $gte: range.from } : {}), ...(range.to ? { $lt: range.to } : {}) };
        const [total, docs] = await Promise.all([
          models.LegacyProblem.countDocuments(filter),
          models.LegacyProblem.find(filter).sort({ registeredAt: -1, _id: 1 }).skip(query.offset).limit(query.limit).lean<LegacyProblemDoc[]>(),
        ]);
        return { items: docs.map(toView), total };
      },
    }),
  ];
}
