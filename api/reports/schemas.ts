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
  timelyRate: z.number().nullable().describe('timely ÷ total, 0–1 (R-KPI-1)'),
  reworkRate: z.number().nullable().describe('orders dispatched again ÷ total, 0–1'),
  firstTimeFixRate: z.number().nullable().describe('resolved without rework ÷ resolved, 0–1'),
  satisfaction: z.number().nullable().describe('mean rating 1–5'),
  breachedDeadlines: z.number(),
});
export const kpiResponse = z.object({ from: z.string().nullable(), to: z.string().nullable(), groupBy: z.string(), rows: z.array(kpiRow) });

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
    z.object({ id: z.string(), number: z.string(), kind: z.string(), status: z.string(), communityId: z.string(), assignedUnitId: z.string().nullable(), reportedAt: z.string() }),
  ),
});
