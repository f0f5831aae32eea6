import { describe, expect, it } from 'vitest';

import worker from '../../workers/dispatch-unit.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

describe('dispatch-unit', () => {
  it('R-REP-1: dispatches to the first unit, which has 8 minutes to sign; the unit gets an SMS', async () => {
    const { deps, orders, notifier } = fakes('2026-11-23T10:00:00+08:00');
    const outcome = await worker.createHandler(deps)(job('dispatch-unit', { priority: 3, responsibility: 'shared' }, headersOf('dispatch-first')));
    expect(outcome).toEqual({
      outcome: 'complete',
      variables: {
        currentUnitId: 'U-A',
        hasSecondUnit: true,
        dispatchStage: 'first',
        signOffDeadline: 'sign-off',
        signOffDueAt: '2026-11-23T10:08:00+08:00',
        repairClass: 'routine',
      },
    });
    expect(orders.order()).toMatchObject({ status: 'dispatched', assignedUnitId: 'U-A' });
    expect(orders.deadlines.get('sign-off')?.dueAt.toISOString()).toBe('2026-11-23T02:08:00.000Z');
    expect(notifier.to('unit:U-A')).toMatchObject([{ channel: 'sms' }]);
  });

  it('R-REP-2: the second dispatch goes to the second unit and marks the first sign-off breached', async () => {
    const { deps, orders } = fakes('2026-11-23T10:08:00+08:00');
    const outcome = await worker.createHandler(deps)(job('dispatch-unit', { priority: 1 }, headersOf('dispatch-second')));
    expect(outcome).toMatchObject({
      outcome: 'complete',
      variables: { currentUnitId: 'U-B', hasSecondUnit: false, dispatchStage: 'second', signOffDeadline: 'second-unit-sign-off', repairClass: 'emergency' },
    });
    expect(orders.closes).toEqual([{ name: 'sign-off', outcome: 'breached', at: new Date('2026-11-23T02:08:00Z') }]);
    expect(orders.order().assignedUnitId).toBe('U-B');
  });

  it('R-REP-3: a community without a second unit says so (hasSecondUnit false)', async () => {
    const { deps } = fakes();
    const outcome = await worker.createHandler(deps)(job('dispatch-unit', { communityId: 'C002', priority: 3 }, headersOf('dispatch-first')));
    expect(outcome).toMatchObject({ variables: { currentUnitId: 'U-C', hasSecondUnit: false } });
  });

  it('fails for an unknown community and for a second stage without a second unit', async () => {
    const { deps } = fakes();
    const handler = worker.createHandler(deps);
    expect(await handler(job('dispatch-unit', { communityId: 'C404', priority: 3 }, headersOf('dispatch-first')))).toMatchObject({ outcome: 'fail' });
    const second = await handler(job('dispatch-unit', { communityId: 'C002', priority: 3 }, headersOf('dispatch-second')));
    expect(second.outcome === 'fail' && second.message).toMatch(/no second unit/);
  });

  it('fails when the model lacks the signOffWithin header (durations live in the model)', async () => {
    const { deps } = fakes();
    const outcome = await worker.createHandler(deps)(job('dispatch-unit', { priority: 3 }, { stage: 'first' }));
    expect(outcome.outcome === 'fail' && outcome.message).toMatch(/signOffWithin/);
  });
});
