/**
 * record-arrival (到场): R-REP-7. The technician is on site: the arrival
 * deadline is met or breached; status on-site.
 */
import { z } from 'zod';

import { isoDateTime } from '../domain/schemas.js';
import { calendarOf, date, defineWorker, iso, optionalDate, optionalText, outcomeAt, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  communityId: optionalText,
  arrivedAt: isoDateTime.nullish(),
  arrivalCheckAt: optionalDate,
  currentUnitId: optionalText,
});

export const output = z.object({ arrivedAt: z.string() });

export default defineWorker({
  type: 'record-arrival',
  input,
  output,
  async run({ job, vars, deps, now }) {
    const calendar = await calendarOf(deps, vars.communityId);
    // A reported arrival time in the future is a typo: the confirmation itself is the latest arrival.
    const reported = vars.arrivedAt ? date(vars.arrivedAt) : now;
    const arrivedAt = reported.getTime() > now.getTime() ? now : reported;
    const outcome = outcomeAt(arrivedAt, vars.arrivalCheckAt);
    await deps.orders.update(
      vars.workOrderId,
      { status: 'on-site', fields: { arrivedAt: arrivedAt.toISOString() }, closeDeadlines: [{ name: 'arrival', outcome, at: arrivedAt }] },
      {
        key: `${job.key}:on-site`,
        type: 'on-site',
        actor: vars.currentUnitId ? `unit:${vars.currentUnitId}` : 'system',
        elementId: job.elementId,
        note: `已到场 on site${outcome === 'breached' ? ' (超时 late)' : ''}`,
        at: arrivedAt,
      },
    );
    return { arrivedAt: iso(arrivedAt, calendar) };
  },
});
