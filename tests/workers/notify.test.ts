import { describe, expect, it } from 'vitest';

import worker from '../../workers/notify.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

describe('notify', () => {
  it('R-REP-1: re-sends the SMS to the unit the order is dispatched to, once per job', async () => {
    const { deps, notifier, orders } = fakes();
    const handler = worker.createHandler(deps);
    const reminder = job('notify', { currentUnitId: 'U-A' }, headersOf('notify-sign-off-first-reminder'), 'job-r1');
    expect(await handler(reminder)).toEqual({ outcome: 'complete', variables: {} });
    await handler(reminder);
    expect(notifier.sent).toHaveLength(1);
    expect(notifier.sent[0]).toMatchObject({ to: 'unit:U-A', channel: 'sms' });
    expect(notifier.sent[0]?.text).toContain('BX-20261123-0001');
    expect(orders.types()).toEqual(['reminder']);
  });

  it('R-REP-1: every firing of the reminder cycle is a new job and sends again', async () => {
    const { deps, notifier } = fakes();
    const handler = worker.createHandler(deps);
    for (const key of ['c1', 'c2', 'c3']) await handler(job('notify', { currentUnitId: 'U-A' }, headersOf('notify-sign-off-first-reminder'), key));
    expect(notifier.to('unit:U-A')).toHaveLength(3);
  });

  it('R-REP-5: reminds the duty group (day or night) of an order waiting for triage', async () => {
    const { deps, notifier } = fakes();
    await worker.createHandler(deps)(job('notify', { dutyGroup: 'monitoring-centre' }, headersOf('notify-triage-reminder')));
    expect(notifier.to('group:monitoring-centre')).toHaveLength(1);
  });

  it('fails with a clear message when the model names a recipient the variables cannot resolve', async () => {
    const { deps } = fakes();
    const outcome = await worker.createHandler(deps)(job('notify', {}, headersOf('notify-sign-off-first-reminder')));
    expect(outcome).toMatchObject({ outcome: 'fail', retries: 0 });
    expect(outcome.outcome === 'fail' && outcome.message).toMatch(/currentUnitId/);
  });

  it('fails when the text header is missing', async () => {
    const { deps } = fakes();
    const outcome = await worker.createHandler(deps)(job('notify', {}, { to: 'resident' }));
    expect(outcome.outcome === 'fail' && outcome.message).toMatch(/header <text>/);
  });
});
