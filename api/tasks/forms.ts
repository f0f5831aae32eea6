/**
 * Camunda forms (form-js JSON, `processes/forms/*.form`) read as validation
 * schemas: a task's submitted variables are checked against its form —
 * required fields, types, select/radio/checklist options, min/max, lengths,
 * patterns — before the engine sees them.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export type FieldType =
  | 'text'
  | 'number'
  | 'boolean'
  | 'date'
  | 'time'
  | 'datetime'
  | 'choice'
  | 'choices'
  | 'list'
  | 'any';

export interface FormField {
  key: string;
  /** Where the value sits in the variables (group paths and dotted keys nest). */
  path: string[];
  type: FieldType;
  component: string;
  label?: string;
  required: boolean;
  options?: (string | number | boolean)[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  integer?: boolean;
  defaultValue?: unknown;
  /** Shown only under a condition, read-only or disabled: never required. */
  conditional?: boolean;
  readonly?: boolean;
  /** Number serialized as string (`serializeToString`). */
  numberAsString?: boolean;
}

export interface FormDefinition {
  id: string;
  fields: FormField[];
  /** The form-js JSON as deployed, for clients that render it. */
  schema: unknown;
}

export interface FormSource {
  get(formId: string): Promise<FormDefinition | undefined>;
}

interface Component {
  type?: unknown;
  key?: unknown;
  path?: unknown;
  label?: unknown;
  components?: unknown;
  values?: unknown;
  validate?: unknown;
  defaultValue?: unknown;
  conditional?: unknown;
  readonly?: unknown;
  disabled?: unknown;
  subtype?: unknown;
  decimalDigits?: unknown;
  serializeToString?: unknown;
}

const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const NO_VALUE = new Set(['text', 'html', 'image', 'spacer', 'separator', 'button', 'iframe', 'table', 'documentPreview', 'expression']);

/** Reads form-js JSON into field descriptors. Throws on something that is not a form. */
export function parseForm(json: unknown): FormDefinition {
  const root = asRecord(json);
  if (!Array.isArray(root.components)) throw new Error('not a form-js form: no components');
  const fields: FormField[] = [];
  walk(root.components as unknown[], [], fields, false);
  return { id: typeof root.id === 'string' ? root.id : '', fields, schema: json };
}

function walk(components: unknown[], base: string[], out: FormField[], inheritedConditional: boolean): void {
  for (const raw of components) {
    const c = raw as Component;
    const type = typeof c.type === 'string' ? c.type : '';
    const conditional = inheritedConditional || Boolean(asRecord(c.conditional).hide);
    if (type === 'group' || type === 'dynamiclist') {
      const sub = Array.isArray(c.components) ? (c.components as unknown[]) : [];
      const p = typeof c.path === 'string' && c.path ? [...base, ...c.path.split('.')] : base;
      if (type === 'dynamiclist' && typeof c.path === 'string' && c.path) {
        out.push({ key: c.path, path: p, type: 'list', component: type, required: false, conditional });
      } else walk(sub, p, out, conditional);
      continue;
    }
    if (NO_VALUE.has(type) || typeof c.key !== 'string' || !c.key) continue;
    const v = asRecord(c.validate);
    const options = Array.isArray(c.values)
      ? (c.values as unknown[])
          .map((o) => asRecord(o).value)
          .filter((x): x is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof x))
      : undefined;
    const field: FormField = {
      key: c.key,
      path: [...base, ...c.key.split('.')],
      type: 'any',
      component: type,
      required: v.required === true,
      conditional,
      readonly: c.readonly === true || c.disabled === true,
      ...(typeof c.label === 'string' ? { label: c.label } : {}),
      ...(c.defaultValue !== undefined ? { defaultValue: c.defaultValue } : {}),
    };
    switch (type) {
      case 'textfield':
      case 'textarea':
        field.type = 'text';
        if (num(v.minLength) !== undefined) field.minLength = num(v.minLength);
        if (num(v.maxLength) !== undefined) field.maxLength = num(v.maxLength);
        if (typeof v.pattern === 'string' && v.pattern) field.pattern = v.pattern;
        if (v.validationType === 'email') field.pattern = '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$';
        if (v.validationType === 'phone') field.pattern = '^\\+?[0-9][0-9\\- ]{4,19}$';
        break;
      case 'number':
        field.type = 'number';
        if (num(v.min) !== undefined) field.min = num(v.min);
        if (num(v.max) !== undefined) field.max = num(v.max);
        if (c.decimalDigits === 0) field.integer = true;
        if (c.serializeToString === true) field.numberAsString = true;
        break;
      case 'checkbox':
        field.type = 'boolean';
        break;
      case 'radio':
      case 'select':
        field.type = 'choice';
        if (options && options.length > 0) field.options = options;
        break;
      case 'checklist':
      case 'taglist':
        field.type = 'choices';
        if (options && options.length > 0) field.options = options;
        break;
      case 'datetime':
        field.type = c.subtype === 'date' ? 'date' : c.subtype === 'time' ? 'time' : 'datetime';
        break;
      default:
        field.type = 'any';
    }
    out.push(field);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** The zod schema of one form field's value (without required-ness). */
export function fieldSchema(f: FormField): z.ZodType {
  switch (f.type) {
    case 'text': {
      let s = z.string();
      if (f.minLength !== undefined) s = s.min(f.minLength, `must be at least ${f.minLength} characters`);
      if (f.maxLength !== undefined) s = s.max(f.maxLength, `must be at most ${f.maxLength} characters`);
      if (f.pattern !== undefined) {
        let rx: RegExp | undefined;
        try {
          rx = new RegExp(f.pattern);
        } catch {
          rx = undefined; // a broken pattern in a form is the model's problem, not the caller's
        }
        if (rx) s = s.regex(rx, 'has the wrong format');
      }
      return s;
    }
    case 'number': {
      let n = z.number();
      if (f.integer) n = n.int('must be an integer');
      if (f.min !== undefined) n = n.min(f.min, `must be at least ${f.min}`);
      if (f.max !== undefined) n = n.max(f.max, `must be at most ${f.max}`);
      return f.numberAsString ? z.union([n, z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a number')]) : n;
    }
    case 'boolean':
      return z.boolean();
    case 'date':
      return z.string().regex(DATE, 'must be a date YYYY-MM-DD');
    case 'time':
      return z.string().regex(TIME, 'must be a time HH:mm');
    case 'datetime':
      return z.string().regex(DATETIME, 'must be an ISO-8601 date-time').refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date-time');
    case 'choice':
      return f.options ? literalOf(f.options) : z.union([z.string(), z.number(), z.boolean()]);
    case 'choices':
      return z.array(f.options ? literalOf(f.options) : z.union([z.string(), z.number(), z.boolean()]));
    case 'list':
      return z.array(z.record(z.string(), z.unknown()));
    case 'any':
      return z.unknown();
  }
}

function literalOf(options: (string | number | boolean)[]): z.ZodType {
  const allowed = options.map((o) => JSON.stringify(o)).join(', ');
  return z.unknown().refine((v) => options.some((o) => o === v), `must be one of ${allowed}`);
}

/** Reads `<dir>/<formId>.form`, or any `.form` in `dir` whose JSON `id` is formId. Cached. */
export function fileFormSource(dir: string = defaultFormsDir()): FormSource {
  const cache = new Map<string, Promise<FormDefinition | undefined>>();
  let index: Promise<Map<string, string>> | undefined;

  const buildIndex = async (): Promise<Map<string, string>> => {
    const map = new Map<string, string>();
    let names: string[] = [];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.form'));
    } catch {
      return map;
    }
    for (const name of names) {
      try {
        const json: unknown = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
        const id = asRecord(json).id;
        if (typeof id === 'string') map.set(id, name);
      } catch {
        // an unreadable form file is skipped; tasks that name it get no form check
      }
    }
    return map;
  };

  const load = async (formId: string): Promise<FormDefinition | undefined> => {
    if (!/^[A-Za-z0-9_.-]+$/.test(formId)) return undefined;
    let file = path.join(dir, `${formId}.form`);
    let text: string | undefined = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      index ??= buildIndex();
      const name = (await index).get(formId);
      if (!name) return undefined;
      file = path.join(dir, name);
      text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) return undefined;
    }
    const form = parseForm(JSON.parse(text));
    return { ...form, id: form.id || formId };
  };

  return {
    get(formId) {
      let entry = cache.get(formId);
      if (!entry) {
        entry = load(formId).catch(() => undefined);
        cache.set(formId, entry);
      }
      return entry;
    },
  };
}

export function defaultFormsDir(): string {
  return fileURLToPath(new URL('../../processes/forms/', import.meta.url));
}

/** Forms given in memory (tests, or forms deployed through the API). */
export function memoryFormSource(forms: Record<string, unknown>): FormSource {
  const parsed = new Map(Object.entries(forms).map(([id, json]) => [id, { ...parseForm(json), id }]));
  return { get: async (formId) => parsed.get(formId) };
}
