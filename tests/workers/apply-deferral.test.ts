import { describe, expect, it } from 'vitest';

import worker from '../../workers/apply-deferral.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

const headers = headersOf('apply-deferral');

describe('apply-deferral', () => {
  it('R-REP-8: a deferral with a major-repair plan moves the feedback deadline by the model limit (P30D); status deferred', async () => {
    const { deps, orders } = fakes();
    const outcome = await worker.createHandler(deps)(
      job('apply-deferral', { plan: '屋面防水大修,12 月施工', feedbackDueAt: '2026-11-27T10:05:00+08:00', completionDueAt: '2026-11-26T10:05:00+08:00' }, headers),
    );
    expect(outcome).toEqual({
      outcome: 'complete',
      variables: { deferralApplied: true, feedbackDueAt: '2026-12-27T10:05:00+08:00', completionDueAt: '2026-12-27T10:05:00+08:00' },
    });
    expect(orders.order()).toMatchObject({ status: 'deferred', fields: { plan: '屋面防水大修,12 月施工' } });
  });

  it('R-REP-8: without a plan the deferral is refused and the unit told', async () => {
    const { deps, orders, notifier } = fakes();
    const outcome = await worker.createHandler(deps)(
      job('apply-deferral', { plan: '  ', feedbackDueAt: '2026-11-27T10:05:00+08:00', currentUnitId: 'U-A' }, headers),
    );
    expect(outcome).toMatchObject({ variables: { deferralApplied: false, feedbackDueAt: '2026-11-27T10:05:00+08:00' } });
    expect(orders.order().status).toBe('reported');
    expect(notifier.to('unit:U-A')).toHaveLength(1);
  });
});
