import { describe, expect, it } from 'vitest';

import worker from '../../workers/redispatch.js';
import { fakes, job } from './fakes.js';

describe('redispatch', () => {
  it('R-REP-12: not satisfied: the visit counts, reworkCount + 1, back to dispatch', async () => {
    const { deps, orders } = fakes('2026-11-28T10:00:00+08:00');
    const handler = worker.createHandler(deps);
    expect(await handler(job('redispatch', { satisfied: false, comment: '还在漏', returnVisitDueAt: '2026-11-27T16:00:00+08:00' }))).toEqual({
      outcome: 'complete',
      variables: { reworkCount: 1 },
    });
    expect(orders.closes).toMatchObject([{ name: 'return-visit', outcome: 'breached' }]);
    expect(await handler(job('redispatch', { reworkCount: 1 }))).toMatchObject({ variables: { reworkCount: 2 } });
    expect(orders.order().fields).toMatchObject({ reworkCount: 2 });
  });
});
