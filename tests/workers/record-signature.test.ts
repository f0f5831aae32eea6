import { describe, expect, it } from 'vitest';

import worker from '../../workers/record-signature.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

describe('record-signature', () => {
  it('R-REP-11: the signed order is back with the rating; R-REP-12: the return visit is due within 72 h', async () => {
    const { deps, orders } = fakes('2026-11-24T16:00:00+08:00');
    const outcome = await worker.createHandler(deps)(
      job('record-signature', { quality: 5, timeliness: 4, attitude: 5, signedOrderDueAt: '2026-11-25T15:00:00+08:00' }, headersOf('record-signature')),
    );
    expect(outcome).toEqual({ outcome: 'complete', variables: { signedOrderReturnedAt: '2026-11-24T16:00:00+08:00', returnVisitDueAt: '2026-11-27T16:00:00+08:00' } });
    expect(orders.order().fields).toMatchObject({ rating: { quality: 5, timeliness: 4, attitude: 5 } });
    expect(orders.closes).toMatchObject([{ name: 'signed-order', outcome: 'met' }]);
    expect(orders.deadlines.has('return-visit')).toBe(true);
  });

  it('rejects a rating outside 1–5', async () => {
    const { deps } = fakes();
    expect(await worker.createHandler(deps)(job('record-signature', { quality: 9 }, headersOf('record-signature')))).toMatchObject({ outcome: 'fail' });
  });
});
