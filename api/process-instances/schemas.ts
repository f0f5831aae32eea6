import { z } from 'zod';

/** `variable.<name>=<value>`: a root variable equal to the value (query parameters of this form, any number of them). */
export const VARIABLE_PARAM = /^variable\.([A-Za-z_][A-Za-z0-9_]{0,63})$/;

export const listInstancesQuery = z
  .object({
    bpmnProcessId: z.string().min(1).max(128).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'is not a valid process id').optional(),
    state: z.enum(['active', 'completed', 'canceled', 'incident']).optional(),
    workOrderId: z.string().min(1).max(64).optional().describe('the business key'),
    q: z
      .string()
      .trim()
      .max(100)
      .optional()
      .describe('a part of the order number, address, description, fault, community id or service item (case-insensitive)'),
    resident: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .optional()
      .describe("a part of the reporting resident's name, or of their phone number (the answer masks both)"),
    offset: z.coerce.number().int().min(0).max(100_000).default(0).describe('newest first: skip this many'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .catchall(z.unknown())
  .superRefine((q, ctx) => {
    for (const [key, value] of Object.entries(q)) {
      if (!key.startsWith('variable.')) continue;
      if (!VARIABLE_PARAM.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'is not a variable name (variable.<name>, letters, digits and _)' });
      else if (typeof value !== 'string' || value.length > 200) ctx.addIssue({ code: 'custom', path: [key], message: 'must be given once, at most 200 characters' });
    }
  })
  .describe('Further parameters `variable.<name>=<value>` filter by a root variable (e.g. `variable.communityId=C001`, `variable.priority=1`, `variable.callbackNeeded=true`).');

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

export const instanceList = z.object({
  items: z.array(instanceView),
  offset: z.number().describe('as asked'),
  limit: z.number().describe('as asked'),
  hasMore: z.boolean().describe('further instances match: ask again with offset + limit'),
});
