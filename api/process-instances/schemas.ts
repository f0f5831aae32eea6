import { z } from 'zod';

export const listInstancesQuery = z.object({
  bpmnProcessId: z.string().min(1).max(128).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'is not a valid process id').optional(),
  state: z.enum(['active', 'completed', 'canceled', 'incident']).optional(),
  workOrderId: z.string().min(1).max(64).optional().describe('the business key'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const instanceKeyParam = z.strictObject({ key: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'is not a valid key') });

export const instanceView = z
  .object({
    key: z.string(),
    bpmnProcessId: z.string(),
    version: z.number(),
    state: z.enum(['active', 'completed', 'canceled', 'incident']),
    activeElementIds: z.array(z.string()),
    completedElementIds: z.array(z.string()),
    incidents: z.array(z.object({ elementId: z.string(), message: z.string(), key: z.string().optional(), createdAt: z.string().optional() })),
    variables: z.record(z.string(), z.unknown()),
    businessKey: z.string().nullable(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
  })
  .meta({ id: 'ProcessInstance' });

export const instanceList = z.object({ items: z.array(instanceView) });
