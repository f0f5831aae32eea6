import { Duration } from 'luxon';
import { z } from 'zod';
import { isoDateTime } from '../common-schemas.js';

/** An ISO-8601 duration, positive: `PT9M`, `P2D`, `P1DT2H`. */
export const isoDuration = z
  .string()
  .refine((v) => {
    const d = Duration.fromISO(v);
    return d.isValid && d.as('milliseconds') > 0;
  }, 'must be a positive ISO-8601 duration such as PT9M');

export const moveClockBody = z
  .object({
    add: isoDuration.optional().describe('move forward by this duration'),
    pin: isoDateTime.optional().describe('set the clock to this time (forward only)'),
  })
  .superRefine((v, ctx) => {
    if ((v.add === undefined) === (v.pin === undefined)) {
      ctx.addIssue({ code: 'custom', path: [v.add === undefined ? 'add' : 'pin'], message: 'give exactly one of add or pin' });
    }
  });

export const clockView = z.object({ now: z.string(), controllable: z.boolean() }).meta({ id: 'Clock' });
