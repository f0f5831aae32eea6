import { z } from 'zod';
import { text } from '../common-schemas.js';

export const processIdParam = z.strictObject({
  bpmnProcessId: z.string().min(1).max(128).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'is not a valid process id'),
});

export const xmlQuery = z.object({ version: z.coerce.number().int().min(1).optional() });

export const deploymentBody = z.object({
  name: text(200)
    .regex(/^[A-Za-z0-9_.\- ]+$/, 'must be a file name such as repair.bpmn')
    .describe('file name of the model, e.g. repair.bpmn'),
  xml: z.string().min(1, 'is required').max(5_000_000),
  forms: z
    .array(z.object({ name: text(200).regex(/^[A-Za-z0-9_.\-/ ]+\.form$/, 'must end in .form'), content: z.string().min(2).max(1_000_000) }))
    .max(50)
    .optional()
    .describe('Camunda forms (form-js JSON) deployed with the model'),
});

const flag = z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'] });

export const deploymentQuery = z.object({
  dryRun: flag.default(false).describe('lint only: 200 {valid, findings}, nothing deployed (the modeler\'s live lint)'),
});

export const processView = z
  .object({
    bpmnProcessId: z.string(),
    version: z.number(),
    name: z.string(),
    deployedAt: z.string(),
    processDefinitionKey: z.string(),
  })
  .meta({ id: 'ProcessDefinition' });

export const processList = z.object({ items: z.array(processView) });

export const deploymentResponse = z.object({
  bpmnProcessId: z.string(),
  version: z.number(),
  duplicate: z.boolean(),
  processes: z.array(processView.extend({ duplicate: z.boolean() })),
});
