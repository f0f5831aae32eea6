import { describe, expect, it } from 'vitest';

import worker from '../../workers/set-status.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

describe('set-status', () => {
  it('R-WO-3: a report matter is logged and closed without dispatch', async () => {
    const { deps, orders } = fakes();
    const outcome = await worker.createHandler(deps)(job('set-status', {}, headersOf('log-report-matter')));
    expect(outcome).toEqual({ outcome: 'complete', variables: { orderStatus: 'closed' } });
    expect(orders.types()).toEqual(['report-matter-logged']);
  });

  it('R-REP-10: fee not accepted: rejected, deadlines closed, the dispatchers told', async () => {
    const { deps, orders, notifier } = fakes('2026-11-23T12:00:00+08:00');
    await worker.createHandler(deps)(
      job('set-status', { feedbackDueAt: '2026-11-27T10:00:00+08:00', completionDueAt: '2026-11-23T11:00:00+08:00' }, headersOf('reject-no-consent')),
    );
    expect(orders.order().status).toBe('rejected');
    expect(orders.closes).toMatchObject([
      { name: 'feedback', outcome: 'met' },
      { name: 'completion', outcome: 'breached' },
    ]);
    expect(notifier.to('group:dispatcher')[0]?.text).toContain('BX-20261123-0001');
  });

  it('R-REP-8: a withdrawal records its reason', async () => {
    const { deps, orders } = fakes();
    await worker.createHandler(deps)(job('set-status', { withdrawalReason: 'self-resolved' }, headersOf('withdraw-order')));
    expect(orders.order()).toMatchObject({ status: 'withdrawn', fields: { withdrawalReason: 'self-resolved' } });
    expect(orders.timeline[0]?.note).toMatch(/自行解决/);
  });

  it('refuses an unknown status or deadline in the headers', async () => {
    const { deps } = fakes();
    const handler = worker.createHandler(deps);
    expect(await handler(job('set-status', {}, { status: 'happy' }))).toMatchObject({ outcome: 'fail', retries: 0 });
    expect(await handler(job('set-status', {}, { status: 'closed', closeDeadlines: 'lunch' }))).toMatchObject({ outcome: 'fail' });
  });
});
