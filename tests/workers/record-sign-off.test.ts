import { describe, expect, it } from 'vitest';

import worker from '../../workers/record-sign-off.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

const headers = headersOf('record-sign-off');
const signed = { signOffDeadline: 'sign-off', signOffDueAt: '2026-11-23T10:08:00+08:00', currentUnitId: 'U-A' };

describe('record-sign-off', () => {
  it('R-REP-6, R-REP-7, R-REP-8, R-REP-9, R-REP-13: an emergency order signed at 10:05 gets all its deadlines', async () => {
    const { deps, orders } = fakes('2026-11-23T10:05:00+08:00');
    const outcome = await worker.createHandler(deps)(job('record-sign-off', { priority: 1, responsibility: 'shared', ...signed }, headers));
    expect(outcome).toEqual({
      outcome: 'complete',
      variables: {
        signedAt: '2026-11-23T10:05:00+08:00',
        repairClass: 'emergency',
        contactDueAt: '2026-11-23T10:20:00+08:00',
        arrivalLimitAt: '2026-11-23T10:35:00+08:00',
        feedbackDueAt: '2026-11-27T10:05:00+08:00',
        completionDueAt: '2026-11-24T10:05:00+08:00',
        endOfDayAt: '2026-11-23T23:59:59+08:00',
        maxExtensions: 2,
        maxExtensionDays: 14,
        extensionCount: 0,
        extensionDaysTotal: 0,
        extensionDays: null,
        coordinationSheetOpen: false,
        signOffDeadline: null,
      },
    });
    expect(orders.order().status).toBe('signed');
    expect(orders.closes).toMatchObject([{ name: 'sign-off', outcome: 'met' }]);
    expect([...orders.deadlines.keys()].sort()).toEqual(['arrival', 'completion', 'contact-resident', 'feedback']);
  });

  it('R-REP-6: a routine order signed in working hours must be contacted within 1 h; R-REP-9: general repairs 72 h', async () => {
    const { deps } = fakes('2026-11-23T10:05:00+08:00');
    const outcome = await worker.createHandler(deps)(job('record-sign-off', { priority: 3, responsibility: 'paid', ...signed }, headers));
    expect(outcome).toMatchObject({
      variables: { contactDueAt: '2026-11-23T11:05:00+08:00', arrivalLimitAt: null, completionDueAt: '2026-11-26T10:05:00+08:00' },
    });
  });

  it('R-REP-6: a routine order signed at night is due 1 h after the next working period starts', async () => {
    const { deps } = fakes('2026-11-23T22:40:00+08:00');
    const outcome = await worker.createHandler(deps)(job('record-sign-off', { priority: 4, ...signed }, headers));
    expect(outcome).toMatchObject({ variables: { contactDueAt: '2026-11-24T09:00:00+08:00', endOfDayAt: '2026-11-23T23:59:59+08:00' } });
  });

  it('R-REP-6: a routine order signed on a holiday is due 1 h after the holidays end', async () => {
    const { deps } = fakes('2026-10-01T11:00:00+08:00');
    const outcome = await worker.createHandler(deps)(job('record-sign-off', { priority: 3 }, headers));
    expect(outcome).toMatchObject({ variables: { contactDueAt: '2026-10-03T09:00:00+08:00' } });
  });

  it('R-REP-9: a routine repair of shared facilities is a small repair: 24 h', async () => {
    const { deps } = fakes('2026-11-23T10:05:00+08:00');
    const outcome = await worker.createHandler(deps)(job('record-sign-off', { priority: 3, responsibility: 'shared' }, headers));
    expect(outcome).toMatchObject({ variables: { completionDueAt: '2026-11-24T10:05:00+08:00' } });
  });

  it('R-REP-3: after manual supervision there is no open sign-off deadline to close', async () => {
    const { deps, orders } = fakes();
    await worker.createHandler(deps)(job('record-sign-off', { priority: 2, signOffDeadline: null }, headers));
    expect(orders.closes).toEqual([]);
  });

  it('fails when a duration header is not ISO-8601', async () => {
    const { deps } = fakes();
    const outcome = await worker.createHandler(deps)(job('record-sign-off', { priority: 2 }, { ...headers, emergencyContactWithin: '15 minutes' }));
    expect(outcome.outcome === 'fail' && outcome.message).toMatch(/emergencyContactWithin.*ISO-8601/);
  });
});
