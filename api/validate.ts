/**
 * `validate(schemas)`: parses body, query and params with zod, reports every
 * bad field at once (400, details `[{path, message}]`), and replaces the
 * request data with the parsed values (coerced, defaulted, stripped).
 */
import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { ValidationError, type ErrorDetail } from './errors.js';

export interface RequestSchemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

/** zod issues → contract details; unknown keys become one detail each. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const issue of issues) {
    const base = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) details.push({ path: pathOf([...base, key]), message: 'unknown field' });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0 && !('discriminator' in issue)) {
      // Report the branch that got furthest rather than a bare "invalid input".
      const best = issue.errors.reduce((a, b) => (a.length <= b.length ? a : b));
      details.push(...issuesToDetails(best, base));
    } else {
      details.push({ path: pathOf(base), message: issue.message });
    }
  }
  return details;
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: readonly PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError('The request is invalid.', issuesToDetails(result.error.issues, prefix));
  return result.data;
}

export function validate(schemas: RequestSchemas): RequestHandler {
  return (req: Request, _res, next) => {
    const details: ErrorDetail[] = [];
    const parsed: { body?: unknown; query?: unknown; params?: unknown } = {};
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      // No body at all (Express 5 leaves req.body undefined) reads as an empty object.
      const input = part === 'body' ? (req.body ?? {}) : req[part];
      const result = schema.safeParse(input);
      if (result.success) parsed[part] = result.data;
      else details.push(...issuesToDetails(result.error.issues));
    }
    if (details.length > 0) {
      next(new ValidationError('The request is invalid.', details));
      return;
    }
    if ('body' in parsed) req.body = parsed.body;
    // Express 5 exposes req.query through a getter: shadow it with the parsed value.
    if ('query' in parsed) Object.defineProperty(req, 'query', { value: parsed.query, writable: true, configurable: true, enumerable: true });
    if ('params' in parsed) req.params = parsed.params as Request['params'];
    next();
  };
}
