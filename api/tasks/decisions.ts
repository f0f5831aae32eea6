/**
 * The contract's decision variables per task kind (api-contract.md, "Decision
 * variables"): completing a task with only these must be accepted; the form
 * may add optional fields. Where the form and this table both name a field,
 * this table decides its type and whether it is required.
 */
import type { z } from 'zod';
import { taskVariableSchemas } from '../../domain/schemas.js';

/**
 * Kind → decision variables, from the shared variable schemas in
 * domain/schemas.ts (used by the API, the workers and the UI's forms alike).
 */
export const DECISIONS: Record<string, Record<string, z.ZodType>> = Object.fromEntries(
  Object.entries(taskVariableSchemas).map(([kind, schema]) => [kind, schema.shape as Record<string, z.ZodType>]),
);

const noteSchema: z.ZodType = (taskVariableSchemas['sign-off'].shape as Record<string, z.ZodType>).note;

/** Every kind accepts a free-text note. */
export const COMMON_OPTIONAL: Record<string, z.ZodType> = { note: noteSchema };

/**
 * Variables a task completion may never set: the order's identity and the
 * counters the process keeps (R-REP-8 would be trivially bypassed otherwise),
 * and names bpmn-engine overwrites.
 */
export const PROTECTED_VARIABLES = new Set([
  'workOrderId',
  'orderNumber',
  'communityId',
  'kind',
  'reportedBy',
  'reporterUserId',
  'firstUnitId',
  'secondUnitId',
  'extensionCount',
  'extensionDaysTotal',
  'fields',
  'content',
  'properties',
]);
