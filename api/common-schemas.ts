/** Schemas shared by several resources. */
import { DateTime } from 'luxon';
import { z } from 'zod';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 date-time with an offset (`Z` or `+08:00`); seconds optional. */
export function isIsoDateTime(value: string): boolean {
  return ISO_DATE_TIME.test(value) && DateTime.fromISO(value, { setZone: true }).isValid;
}

export const isoDateTime = z
  .string()
  .refine(isIsoDateTime, 'must be an ISO-8601 date-time with offset, e.g. 2026-11-23T22:00:00+08:00')
  .meta({ format: 'date-time' });

/** A calendar date `YYYY-MM-DD` that exists. */
export function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid;
}

/** `from` / `to` filters: a date (community local day) or a date-time with offset. */
export const dateOrDateTime = z
  .string()
  .refine((v) => isIsoDateTime(v) || isIsoDate(v), 'must be a date (2026-11-23) or an ISO date-time with offset');

/** Non-empty trimmed text with a maximum length. */
export const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

/** Ids in paths: printable, no slashes, bounded. */
export const idParam = z.strictObject({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'is not a valid id') });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('SNAKE_CASE_CODE'),
      message: z.string().describe('human sentence'),
      details: z.array(z.object({ path: z.string(), message: z.string() })).describe('each bad field (400)'),
    }),
  })
  .meta({ id: 'Error' });

/** `?limit=&offset=` paging. */
export const paging = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

/** A query value that may be repeated or comma-separated: `?status=a,b` or `?status=a&status=b`. */
export function listParam<T extends string>(values: readonly [T, ...T[]]) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).max(values.length * 2))
    .describe(`one or more of ${values.join(', ')} (comma-separated or repeated)`);
}
