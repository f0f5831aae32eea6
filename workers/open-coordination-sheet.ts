/**
 * open-coordination-sheet (工作协调单): R-REP-13. Work not finished on the
 * sign-off day becomes a coordination sheet the dispatcher follows up daily.
 * The first call opens it; later calls (the report task entered again after
 * another day ended) are daily follow-ups. endOfDayAt moves to the end of the
 * next day, so entering the task again never fires for a day already handled.
 */
import { z } from 'zod';

import { isoDateTime } from '../domain/schemas.js';
import { calendarOf, date, defineWorker, iso, optionalText, plus, workOrderId } from './support.js';

export const input = z.object({
  workOrderId,
  orderNumber: optionalText,
  communityId: optionalText,
  endOfDayAt: isoDateTime,
  coordinationSheetOpen: z.boolean().nullish(),
});

export const output = z.object({ coordinationSheetOpen: z.literal(true), endOfDayAt: z.string() });

export default defineWorker({
  type: 'open-coordination-sheet',
  input,
  output,
  async run({ job, vars, deps, now }) {
    const calendar = await calendarOf(deps, vars.communityId);
    const opening = vars.coordinationSheetOpen !== true;
    const key = `coordination-sheet:${vars.endOfDayAt}`;
    await deps.orders.update(
      vars.workOrderId,
      opening ? { fields: { coordinationSheet: true, coordinationSheetOpenedAt: now.toISOString() } } : {},
      {
        key,
        type: opening ? 'coordination-sheet-opened' : 'coordination-sheet-follow-up',
        actor: 'system',
        elementId: job.elementId,
        note: opening ? '当日未完成,转工作协调单 not finished today: coordination sheet opened' : '工作协调单每日跟进 coordination sheet: daily follow-up',
      },
    );
    await deps.notifier.send({
      // Notification keys are unique across orders; timeline keys only per order.
      key: `${vars.workOrderId}:${key}:group:dispatcher`,
      workOrderId: vars.workOrderId,
      to: 'group:dispatcher',
      channel: 'app',
      text: `报修单 ${vars.orderNumber ?? vars.workOrderId} 当日未完成,请按工作协调单每日跟进。Not finished today: follow the coordination sheet daily.`,
    });
    const next = calendar.endOfDay(plus(date(vars.endOfDayAt), 'P1D', calendar));
    return { coordinationSheetOpen: true as const, endOfDayAt: iso(next, calendar) };
  },
});
