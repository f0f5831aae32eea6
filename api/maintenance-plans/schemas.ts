/** Request and response schemas of /api/maintenance-plans (设施设备维保计划, R-PM-1). */
import { Duration } from 'luxon';
import { z } from 'zod';

import { isIsoDate, text } from '../common-schemas.js';
import { reporterSchema } from '../work-orders/schemas.js';

/** Whole days, weeks, months or years: P1W, P1M, P3M, P1Y, P14D. */
export const every = z
  .string()
  .regex(/^P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, 'must be an ISO-8601 duration of whole days, weeks, months or years, e.g. P1M')
  .refine((v) => Duration.fromISO(v).isValid && Duration.fromISO(v).as('days') >= 1, 'must be at least one day');

export const createPlanBody = z
  .strictObject({
    name: text(100),
    communityId: text(32),
    address: text(200).describe('where the work is done, e.g. 2栋电梯机房'),
    equipment: text(100).describe('the facility or equipment (设施设备), the sheet\'s fault type'),
    part: text(100).optional(),
    description: text(1000),
    every,
    firstDate: z.string().refine(isIsoDate, 'must be a date YYYY-MM-DD'),
    dispatchTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm')
      .default('09:00')
      .describe('local time the sheet is issued on the planned day (seed 001 §6: in the morning)'),
    contact: reporterSchema.describe('who reports the sheets (工程维修主管或班长)'),
  })
  .meta({ id: 'CreateMaintenancePlan' });
export type CreatePlanBody = z.output<typeof createPlanBody>;

export const listPlansQuery = z.object({
  communityId: z.string().trim().min(1).max(32).optional(),
  active: z.enum(['true', 'false', 'all']).default('all'),
});
export type ListPlansQuery = z.output<typeof listPlansQuery>;

export const planView = z
  .object({
    id: z.string(),
    name: z.string(),
    communityId: z.string(),
    address: z.string(),
    equipment: z.string(),
    part: z.string().nullable(),
    description: z.string(),
    every: z.string(),
    firstDate: z.string(),
    dispatchTime: z.string(),
    contact: z.object({ name: z.string(), phone: z.string() }),
    active: z.boolean(),
    nextDueAt: z.string().nullable(),
    runs: z.array(
      z.object({ dueAt: z.string(), workOrderId: z.string(), number: z.string(), createdAt: z.string(), skipped: z.number() }),
    ),
    createdBy: z.string(),
    createdAt: z.string().nullable(),
  })
  .meta({ id: 'MaintenancePlan' });
export type PlanView = z.infer<typeof planView>;

export const planList = z.object({ items: z.array(planView), total: z.number() });
