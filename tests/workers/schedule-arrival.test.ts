import { describe, expect, it } from 'vitest';

import worker from '../../workers/schedule-arrival.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

const headers = headersOf('schedule-arrival');

describe('schedule-arrival', () => {
  it('R-REP-7: routine: on site within 1 h of the contact; an agreed time inside the limit needs no call-back; R-NOTE-1 resident told', async () => {
    const { deps, orders, notifier } = fakes('2026-11-23T10:30:00+08:00');
    const outcome = await worker.createHandler(deps)(
      job('schedule-arrival', { priority: 3, agreedArrivalAt: '2026-11-23T11:00:00+08:00', contactDueAt: '2026-11-23T11:05:00+08:00', currentUnitId: 'U-A' }, headers),
    );
    expect(outcome).toEqual({
      outcome: 'complete',
      variables: {
        contactedAt: '2026-11-23T10:30:00+08:00',
        arrivalDueAt: '2026-11-23T11:30:00+08:00',
        arrivalCheckAt: '2026-11-23T11:30:00+08:00',
        callbackNeeded: false,
      },
    });
    expect(orders.order().status).toBe('scheduled');
    expect(orders.closes).toMatchObject([{ name: 'contact-resident', outcome: 'met' }]);
    const [toResident] = notifier.to('resident');
    expect(toResident?.text).toContain('管理处工程组');
    expect(toResident?.text).toContain('2026-11-23 11:00');
  });

  it('R-REP-7: an agreed time later than the limit is reported to the platform, which calls back at that time', async () => {
    const { deps, orders, notifier } = fakes('2026-11-23T10:30:00+08:00');
    const outcome = await worker.createHandler(deps)(
      job('schedule-arrival', { priority: 3, agreedArrivalAt: '2026-11-23T16:00:00+08:00', currentUnitId: 'U-A' }, headers),
    );
    expect(outcome).toMatchObject({ variables: { callbackNeeded: true, arrivalCheckAt: '2026-11-23T16:00:00+08:00' } });
    expect(orders.types()).toContain('arrival-time-reported');
    expect(notifier.to('group:dispatcher')).toHaveLength(1);
    expect(orders.deadlines.get('arrival')?.dueAt.toISOString()).toBe('2026-11-23T08:00:00.000Z');
  });

  it('R-REP-7: emergency: the limit is sign-off + 30 min, whatever the contact time', async () => {
    const { deps, orders } = fakes('2026-11-23T10:25:00+08:00');
    const outcome = await worker.createHandler(deps)(
      job('schedule-arrival', { priority: 1, agreedArrivalAt: '2026-11-23T10:30:00+08:00', arrivalLimitAt: '2026-11-23T10:35:00+08:00', contactDueAt: '2026-11-23T10:20:00+08:00' }, headers),
    );
    expect(outcome).toMatchObject({ variables: { arrivalDueAt: '2026-11-23T10:35:00+08:00', callbackNeeded: false } });
    expect(orders.closes).toMatchObject([{ name: 'contact-resident', outcome: 'breached' }]);
  });

  it('fails on an agreed time that is not a date-time', async () => {
    const { deps } = fakes();
    const outcome = await worker.createHandler(deps)(job('schedule-arrival', { priority: 3, agreedArrivalAt: 'tomorrow' }, headers));
    expect(outcome.outcome === 'fail' && outcome.message).toMatch(/agreedArrivalAt/);
  });
});
