import { describe, expect, it } from 'vitest';

import worker from '../../workers/close-order.js';
import { fakes, job } from './fakes.js';

describe('close-order', () => {
  it('R-REP-12: satisfied at the return visit: closed with the rating', async () => {
    const { deps, orders } = fakes('2026-11-25T10:00:00+08:00');
    const outcome = await worker.createHandler(deps)(job('close-order', { satisfied: true, rating: 5, comment: '很好', returnVisitDueAt: '2026-11-27T16:00:00+08:00' }));
    expect(outcome).toEqual({ outcome: 'complete', variables: { closedAt: '2026-11-25T10:00:00+08:00' } });
    expect(orders.order()).toMatchObject({ status: 'closed', fields: { satisfaction: 5, returnVisitComment: '很好' } });
    expect(orders.closes).toMatchObject([{ name: 'return-visit', outcome: 'met' }]);
  });
});
