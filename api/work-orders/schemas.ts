/** Request and response schemas of /api/work-orders. */
import { z } from 'zod';
import { CHANNELS, ORDER_KINDS, ORDER_STATUSES } from '../../domain/work-order.model.js';
import { dateOrDateTime, isoDateTime, listParam, paging, text } from '../common-schemas.js';

export const RESPONSIBILITIES = ['shared', 'paid', 'owner', 'developer'] as const;

export const reporterSchema = z.object({
  name: text(50),
  phone: z
    .string()
    .trim()
    .regex(/^\+?\d[\d\- ]{4,19}$/, 'must be a phone number, e.g. 13812345678'),
});

const priority = z.number().int('must be an integer').min(1, 'must be 1–4').max(4, 'must be 1–4');

/** Fields every kind accepts; what a kind needs on top is required in its own schema. */
const common = {
  communityId: text(32),
  address: text(200),
  description: text(2000),
  priority: priority.optional(),
  reporter: reporterSchema.optional(),
  channel: z.enum(CHANNELS).optional(),
  desiredTime: isoDateTime.optional(),
  attachments: z.array(text(100)).max(20).optional(),
  faultType: text(100).optional(),
  symptom: text(500).optional(),
  part: text(100).optional(),
  catalogueItemId: text(64).optional(),
  claimAmount: z.number().min(0, 'must not be negative').max(100_000_000).optional(),
  responsibility: z.enum(RESPONSIBILITIES).optional(),
};

const kindSchema = <K extends (typeof ORDER_KINDS)[number]>(kind: K) => z.literal(kind);

export const createWorkOrderBody = z
  .discriminatedUnion('kind', [
    // 报修: what is broken, how it shows, where (R-WO-1).
    z.object({ ...common, kind: kindSchema('repair'), faultType: text(100), symptom: text(500), part: text(100) }),
    z.object({ ...common, kind: kindSchema('urgent-appeal') }),
    z.object({ ...common, kind: kindSchema('paid-service') }),
    z.object({ ...common, kind: kindSchema('quality') }),
    z.object({ ...common, kind: kindSchema('complaint') }),
    // 赔付: the amount claimed decides small vs large (R-COMP-2/3).
    z.object({ ...common, kind: kindSchema('compensation'), claimAmount: z.number().min(0, 'must not be negative').max(100_000_000) }),
    z.object({ ...common, kind: kindSchema('consultation') }),
  ])
  .meta({ id: 'CreateWorkOrder' });
export type CreateWorkOrderBody = z.output<typeof createWorkOrderBody>;


const ledgerFilters = {
  status: listParam(ORDER_STATUSES).optional(),
  kind: listParam(ORDER_KINDS).optional(),
  communityId: z.string().trim().min(1).max(32).optional(),
  priority: z.coerce.number().int().min(1).max(4).optional(),
  from: dateOrDateTime.optional(),
  to: dateOrDateTime.optional(),
  q: z.string().trim().min(1).max(100).optional(),
};

export const listWorkOrdersQuery = z.object({ ...ledgerFilters, ...paging });
export type ListWorkOrdersQuery = z.output<typeof listWorkOrdersQuery>;

export const exportWorkOrdersQuery = z.object({
  ...ledgerFilters,
  format: z.enum(['csv']).default('csv'),
});
export type ExportWorkOrdersQuery = z.output<typeof exportWorkOrdersQuery>;

export const cancelWorkOrderBody = z.object({ reason: text(500) });

/* ---------------------------------------------------------------- responses */

const deadlineView = z.object({
  name: z.string(),
  dueAt: z.string(),
  metAt: z.string().nullable(),
  breached: z.boolean(),
  canceledAt: z.string().nullable().optional(),
  taskKey: z.string().optional(),
});

const timelineView = z.object({
  at: z.string(),
  type: z.string(),
  actor: z.string(),
  note: z.string(),
  elementId: z.string().nullable(),
});

export const workOrderView = z
  .object({
    id: z.string(),
    number: z.string().describe('BX-YYYYMMDD-NNNN'),
    kind: z.enum(ORDER_KINDS),
    status: z.enum(ORDER_STATUSES),
    processInstanceKey: z.string().nullable(),
    bpmnProcessId: z.string().nullable(),
    processVersion: z.number().nullable(),
    communityId: z.string(),
    address: z.string(),
    description: z.string(),
    faultType: z.string().nullable(),
    symptom: z.string().nullable(),
    part: z.string().nullable(),
    priority: z.number().nullable(),
    repairClass: z.enum(['emergency', 'routine']).nullable(),
    responsibility: z.enum(RESPONSIBILITIES).nullable(),
    reporter: z.object({ name: z.string(), phone: z.string() }).nullable(),
    reporterMasked: z.boolean().describe('true when name and phone are masked for this caller'),
    reporterUserId: z.string().nullable(),
    reportedBy: z.string().describe('username of who created the order'),
    channel: z.enum(CHANNELS),
    reportedAt: z.string(),
    desiredTime: z.string().nullable(),
    catalogueItemId: z.string().nullable(),
    claimAmount: z.number().nullable(),
    attachments: z.array(z.string()),
    assignedUnitId: z.string().nullable(),
    technicianId: z.string().nullable(),
    signedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
    deadlines: z.array(deadlineView),
    timeline: z.array(timelineView).optional().describe('on GET /work-orders/{id} only'),
    fees: z.record(z.string(), z.unknown()).nullable(),
    rating: z.record(z.string(), z.unknown()).nullable(),
    fields: z.record(z.string(), z.unknown()).describe('further business fields written by the procedures'),
    links: z
      .array(
        z.object({
          workOrderId: z.string(),
          number: z.string(),
          kind: z.enum(ORDER_KINDS),
          relation: z.enum(['follow-up', 'origin']).describe('follow-up: opened from this order; origin: this order was opened from it'),
          reason: z.string().nullable(),
          at: z.string(),
        }),
      )
      .describe('orders of other procedures linked to this one (quality rectification, compensation)'),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WorkOrder' });

export const workOrderList = z.object({ items: z.array(workOrderView), total: z.number(), limit: z.number(), offset: z.number() });
