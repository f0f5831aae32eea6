/**
 * The schema a task's completion variables must satisfy: its form's fields
 * merged with the contract's decision variables for its kind. Unknown fields
 * are refused (400), so a completion cannot overwrite other process variables.
 */
import { z } from 'zod';
import { COMMON_OPTIONAL, DECISIONS, PROTECTED_VARIABLES } from './decisions.js';
import { fieldSchema, type FormDefinition, type FormField } from './forms.js';

interface Node {
  field?: FormField;
  children: Map<string, Node>;
}

function optionalWithDefault(schema: z.ZodType, field: FormField | undefined): z.ZodType {
  // Forms submit null for a cleared optional field; both read as "not given".
  const base = z.union([schema, z.null()]).optional();
  if (field?.defaultValue === undefined) return base;
  const def = field.defaultValue;
  return base.transform((v) => (v === undefined || v === null ? def : v));
}

function nodeSchema(node: Node, forceOptional: boolean): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, child] of node.children) {
    if (child.field && child.children.size === 0) {
      const f = child.field;
      const required = f.required && !f.conditional && !f.readonly && !forceOptional && f.defaultValue === undefined;
      shape[key] = required ? fieldSchema(f) : optionalWithDefault(fieldSchema(f), f);
    } else {
      shape[key] = nodeSchema(child, forceOptional).optional();
    }
  }
  return z.strictObject(shape);
}

/**
 * `kind` in the decision table: the table's fields as it says, the form's
 * other fields optional ("further form fields are optional or have defaults").
 * Other kinds: the form as it says. Neither form nor table: any JSON values
 * except protected names.
 */
export function completionSchema(kind: string, form: FormDefinition | undefined): z.ZodType<Record<string, unknown>> {
  const decision = DECISIONS[kind];
  if (!form && !decision) {
    return z.record(z.string(), z.unknown()).superRefine((vars, ctx) => {
      for (const key of Object.keys(vars)) {
        if (PROTECTED_VARIABLES.has(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'may not be set by completing a task' });
        else if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'is not a valid variable name' });
      }
    });
  }

  const root: Node = { children: new Map() };
  for (const field of form?.fields ?? []) {
    let node = root;
    for (const part of field.path) {
      let next = node.children.get(part);
      if (!next) {
        next = { children: new Map() };
        node.children.set(part, next);
      }
      node = next;
    }
    node.field = field;
  }
  const formObject = nodeSchema(root, decision !== undefined) as z.ZodObject;
  const shape: Record<string, z.ZodType> = { ...COMMON_OPTIONAL, ...formObject.shape };
  for (const [key, schema] of Object.entries(decision ?? {})) {
    // Both name it: the table decides type and required-ness, the form's own
    // constraints (options, min/max, lengths) still apply to a given value.
    const formField = root.children.get(key)?.field;
    shape[key] = formField ? (schema as z.ZodType).pipe(optionalWithDefault(fieldSchema(formField), formField)) : (schema as z.ZodType);
  }
  for (const key of Object.keys(shape)) if (PROTECTED_VARIABLES.has(key) && !(decision && key in decision)) delete shape[key];
  return z.strictObject(shape) as unknown as z.ZodType<Record<string, unknown>>;
}
