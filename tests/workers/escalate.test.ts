import { describe, expect, it } from 'vitest';

import worker from '../../workers/escalate.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

describe('escalate', () => {
  it('R-REP-3: manual supervision: sign-off breached, status escalated, supervisors told', async () => {
    const { deps, orders, notifier } = fakes();
    const outcome = await worker.createHandler(deps)(job('escalate', { signOffDeadline: 'second-unit-sign-off' }, headersOf('escalate-supervision')));
    expect(outcome).toEqual({ outcome: 'complete', variables: { escalationLevel: 'manual-supervision', signOffDeadline: null } });
    expect(orders.closes).toMatchObject([{ name: 'second-unit-sign-off', outcome: 'breached' }]);
    expect(orders.order().status).toBe('escalated');
    expect(notifier.to('group:supervisor')).toHaveLength(1);
  });

  it('R-REP-4: failed supervision goes to the district emergency centre or the street office', async () => {
    const { deps, notifier, orders } = fakes();
    const handler = worker.createHandler(deps);
    await handler(job('escalate', { signOffDeadline: null }, headersOf('escalate-district-centre')));
    await handler(job('escalate', {}, headersOf('escalate-street-office')));
    expect(notifier.to('district-centre')).toMatchObject([{ channel: 'phone' }]);
    expect(notifier.to('street-office')).toHaveLength(1);
    expect(orders.closes).toHaveLength(0);
  });
});
