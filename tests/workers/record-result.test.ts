import { describe, expect, it } from 'vitest';

import worker from '../../workers/record-result.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

describe('record-result', () => {
  it('R-REP-8, R-REP-9, R-REP-10, R-REP-11: repaired: deadlines closed, fee kept, signed order due in 24 h', async () => {
    const { deps, orders, notifier } = fakes('2026-11-24T15:00:00+08:00');
    const outcome = await worker.createHandler(deps)(
      job(
        'record-result',
        { result: 'repaired', actualItem: '更换水龙头', fee: 35, feedbackDueAt: '2026-11-27T10:05:00+08:00', completionDueAt: '2026-11-24T10:05:00+08:00' },
        headersOf('record-result'),
      ),
    );
    expect(outcome).toEqual({ outcome: 'complete', variables: { resolvedAt: '2026-11-24T15:00:00+08:00', signedOrderDueAt: '2026-11-25T15:00:00+08:00' } });
    expect(orders.order()).toMatchObject({ status: 'resolved', fields: { actualItem: '更换水龙头', fee: 35 } });
    expect(orders.closes).toMatchObject([
      { name: 'feedback', outcome: 'met' },
      { name: 'completion', outcome: 'breached' },
    ]);
    expect(orders.deadlines.has('signed-order')).toBe(true);
    expect(notifier.to('resident')).toHaveLength(1);
  });

  it('rejects a negative fee', async () => {
    const { deps } = fakes();
    expect(await worker.createHandler(deps)(job('record-result', { fee: -1 }, headersOf('record-result')))).toMatchObject({ outcome: 'fail' });
  });
});
