import { Duration } from 'luxon';
import { z } from 'zod';
import { dateOrDateTime } from '../common-schemas.js';

export const kpiQuery = z.object({
  from: dateOrDateTime.optional(),
  to: dateOrDateTime.optional(),
  groupBy: z.enum(['community', 'unit', 'kind', 'priority']).default('community'),
});
export type KpiQuery = z.output<typeof kpiQuery>;

export const kpiRow = z.object({
  key: z.string(),
  total: z.number(),
  timely: z.number(),
  timelyRate: z.number().nullable().describe('timely ÷ total, 0–1 (R-KPI-1): no deadline breached or overdue'),
  reworkRate: z.number().nullable().describe('orders dispatched again ÷ total, 0–1 (R-KPI-2)'),
  firstTimeFixRate: z.number().nullable().describe('fixed without rework ÷ fixed, 0–1 (R-KPI-2)'),
  satisfaction: z.number().nullable().describe("mean of the residents' ratings 1–5"),
  breachedDeadlines: z.number(),
});
export const kpiResponse = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  groupBy: z.string(),
  rows: z.array(kpiRow),
  summary: kpiRow.describe('the same figures over every order of the range'),
  targets: z.object({ timelyRate: z.number(), reworkRate: z.number() }).describe('R-KPI-2 targets: timely ≥ 98 %, rework ≤ 1 %'),
});

export const spotCheckQuery = z.object({
  week: z.string().regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, 'must be an ISO week such as 2026-W47'),
});

export const spotCheckResponse = z.object({
  week: z.string(),
  from: z.string(),
  to: z.string(),
  rate: z.number(),
  population: z.number(),
  sampleSize: z.number(),
  items: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      kind: z.string(),
      status: z.string(),
      communityId: z.string(),
      assignedUnitId: z.string().nullable(),
      technicianId: z.string().nullable(),
      priority: z.number().nullable(),
      reportedAt: z.string(),
    }),
  ),
});

/** A positive ISO-8601 duration up to 31 days. */
const window = z
  .string()
  .max(32)
  .refine((v) => {
    const d = Duration.fromISO(v);
    return v.startsWith('P') && d.isValid && d.as('milliseconds') > 0 && d.as('days') <= 31;
  }, 'must be an ISO-8601 duration up to P31D, e.g. PT1H');

export const breachingSoonQuery = z.object({
  within: window.default('PT1H'),
  communityId: z.string().trim().min(1).max(32).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type BreachingSoonQuery = z.output<typeof breachingSoonQuery>;

export const breachingSoonResponse = z.object({
  now: z.string(),
  within: z.string(),
  until: z.string(),
  items: z.array(
    z.object({
      workOrderId: z.string(),
      number: z.string(),
      kind: z.string(),
      status: z.string(),
      communityId: z.string(),
      assignedUnitId: z.string().nullable(),
      priority: z.number().nullable(),
      deadline: z.string(),
      dueAt: z.string(),
      minutesLeft: z.number().describe('negative when already overdue'),
      overdue: z.boolean(),
    }),
  ),
});
