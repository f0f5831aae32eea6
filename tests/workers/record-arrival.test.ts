import { describe, expect, it } from 'vitest';

import worker from '../../workers/record-arrival.js';
import { fakes, job } from './fakes.js';

describe('record-arrival', () => {
  it('R-REP-7: on site in time: arrival met, status on-site', async () => {
    const { deps, orders } = fakes('2026-11-23T11:10:00+08:00');
    const outcome = await worker.createHandler(deps)(job('record-arrival', { arrivalCheckAt: '2026-11-23T11:30:00+08:00' }));
    expect(outcome).toEqual({ outcome: 'complete', variables: { arrivedAt: '2026-11-23T11:10:00+08:00' } });
    expect(orders.order().status).toBe('on-site');
    expect(orders.closes).toMatchObject([{ name: 'arrival', outcome: 'met' }]);
  });

  it('R-REP-7: a reported arrival time after the limit is a breach; a future one is taken as now', async () => {
    const { deps, orders } = fakes('2026-11-23T12:00:00+08:00');
    const handler = worker.createHandler(deps);
    await handler(job('record-arrival', { arrivalCheckAt: '2026-11-23T11:30:00+08:00', arrivedAt: '2026-11-23T11:45:00+08:00' }));
    expect(orders.closes[0]).toMatchObject({ outcome: 'breached', at: new Date('2026-11-23T03:45:00Z') });
    const future = await handler(job('record-arrival', { arrivedAt: '2026-11-23T18:00:00+08:00' }));
    expect(future).toMatchObject({ variables: { arrivedAt: '2026-11-23T12:00:00+08:00' } });
  });
});
