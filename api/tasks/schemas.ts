import { z } from 'zod';
import { DECISIONS } from './decisions.js';

const decisionSummary = Object.entries(DECISIONS)
  .map(([kind, shape]) => `${kind}: ${Object.entries(shape).map(([k, s]) => (s.safeParse(undefined).success ? `${k}?` : k)).join(', ') || '—'}`)
  .join('; ');

export const listTasksQuery = z.object({
  workOrderId: z.string().trim().min(1).max(64).optional(),
  kind: z.string().trim().min(1).max(64).regex(/^[a-z0-9-]+$/, 'must be a task kind such as sign-off').optional(),
  assignee: z.literal('me', { error: 'only "me" is supported' }).optional(),
  state: z.enum(['open', 'completed']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListTasksQuery = z.output<typeof listTasksQuery>;

export const taskIdParam = z.strictObject({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'is not a valid task id') });

export const completeTaskBody = z.object({
  variables: z
    .record(z.string(), z.unknown(), { error: 'must be an object of variables' })
    .default({})
    .describe(`The task's form fields; the contract's decision variables per kind — ${decisionSummary}`),
});

const formFieldView = z.object({
  key: z.string(),
  type: z.string(),
  label: z.string().optional(),
  required: z.boolean(),
  options: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export const taskView = z
  .object({
    id: z.string(),
    kind: z.string().describe('stable domain name of the step (task header `kind`)'),
    name: z.string(),
    state: z.enum(['open', 'completed', 'canceled']),
    workOrderId: z.string().nullable(),
    processInstanceKey: z.string(),
    bpmnProcessId: z.string(),
    processVersion: z.number(),
    elementId: z.string(),
    candidateGroups: z.array(z.string()),
    candidateUsers: z.array(z.string()),
    candidateUnitId: z.string().nullable(),
    assignee: z.string().nullable(),
    createdAt: z.string(),
    dueAt: z.string().nullable(),
    followUpAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    completedBy: z.string().nullable(),
    form: z
      .object({ id: z.string(), fields: z.array(formFieldView), schema: z.unknown().describe('the form-js JSON') })
      .nullable(),
    variables: z.record(z.string(), z.unknown()),
    customHeaders: z.record(z.string(), z.string()),
  })
  .meta({ id: 'Task' });

export const taskList = z.object({ items: z.array(taskView) });

export const completeResponse = z.object({
  id: z.string(),
  kind: z.string(),
  state: z.literal('completed'),
  completedBy: z.string(),
  variables: z.record(z.string(), z.unknown()),
});
