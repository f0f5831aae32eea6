import { describe, expect, it } from 'vitest';

import worker from '../../workers/open-coordination-sheet.js';
import { fakes, job } from './fakes.js';

describe('open-coordination-sheet', () => {
  it('R-REP-13: not finished on the sign-off day: a coordination sheet, the dispatchers told, the next end of day armed', async () => {
    const { deps, orders, notifier } = fakes('2026-11-23T23:59:59+08:00');
    const outcome = await worker.createHandler(deps)(job('open-coordination-sheet', { endOfDayAt: '2026-11-23T23:59:59+08:00' }));
    expect(outcome).toEqual({ outcome: 'complete', variables: { coordinationSheetOpen: true, endOfDayAt: '2026-11-24T23:59:59+08:00' } });
    expect(orders.order().fields).toMatchObject({ coordinationSheet: true });
    expect(orders.types()).toEqual(['coordination-sheet-opened']);
    expect(notifier.to('group:dispatcher')).toHaveLength(1);
  });

  it('R-REP-13: two orders left unfinished the same day each tell the dispatchers', async () => {
    const { deps, orders, notifier } = fakes('2026-11-23T23:59:59+08:00');
    orders.orders.set('WO2', { id: 'WO2', number: 'BX-WO2', kind: 'repair', status: 'signed', communityId: 'C001', fields: {} });
    const handler = worker.createHandler(deps);
    for (const workOrderId of ['WO1', 'WO2']) await handler(job('open-coordination-sheet', { workOrderId, endOfDayAt: '2026-11-23T23:59:59+08:00' }));
    expect(notifier.to('group:dispatcher').map((m) => m.workOrderId)).toEqual(['WO1', 'WO2']);
  });

  it('R-REP-13: the same day fires once; a later day is a daily follow-up', async () => {
    const { deps, orders } = fakes();
    const handler = worker.createHandler(deps);
    await handler(job('open-coordination-sheet', { endOfDayAt: '2026-11-24T23:59:59+08:00', coordinationSheetOpen: true }));
    await handler(job('open-coordination-sheet', { endOfDayAt: '2026-11-24T23:59:59+08:00', coordinationSheetOpen: true }));
    expect(orders.types()).toEqual(['coordination-sheet-follow-up']);
  });
});
