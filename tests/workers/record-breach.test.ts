import { describe, expect, it } from 'vitest';

import worker from '../../workers/record-breach.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

describe('record-breach', () => {
  it('R-REP-6: a missed contact deadline is breached, on the timeline and told to the unit', async () => {
    const { deps, orders, notifier } = fakes('2026-11-23T11:05:00+08:00');
    const outcome = await worker.createHandler(deps)(
      job('record-breach', { contactDueAt: '2026-11-23T11:05:00+08:00', currentUnitId: 'U-A' }, headersOf('record-breach-contact')),
    );
    expect(outcome).toEqual({ outcome: 'complete', variables: {} });
    expect(orders.closes).toMatchObject([{ name: 'contact-resident', outcome: 'breached' }]);
    expect(orders.types()).toEqual(['deadline-breached']);
    expect(notifier.to('unit:U-A')).toHaveLength(1);
  });

  it('R-REP-8: the same breach (same deadline, same due time) is recorded once even when its timer fires again', async () => {
    const { deps, orders, notifier } = fakes();
    const handler = worker.createHandler(deps);
    const vars = { feedbackDueAt: '2026-11-27T10:05:00+08:00', currentUnitId: 'U-A' };
    await handler(job('record-breach', vars, headersOf('record-breach-feedback'), 'first-firing'));
    await handler(job('record-breach', vars, headersOf('record-breach-feedback'), 'second-firing'));
    expect(orders.timeline).toHaveLength(1);
    expect(notifier.sent).toHaveLength(1);
    // a moved deadline (extension) can be breached again
    await handler(job('record-breach', { ...vars, feedbackDueAt: '2026-12-04T10:05:00+08:00' }, headersOf('record-breach-feedback')));
    expect(orders.timeline).toHaveLength(2);
  });

  it('R-REP-6: two orders with the same deadline at the same time each tell their unit', async () => {
    const { deps, orders, notifier } = fakes('2026-11-23T11:00:00+08:00');
    orders.orders.set('WO2', { id: 'WO2', number: 'BX-WO2', kind: 'repair', status: 'signed', communityId: 'C001', fields: {} });
    const handler = worker.createHandler(deps);
    for (const workOrderId of ['WO1', 'WO2']) {
      await handler(job('record-breach', { workOrderId, contactDueAt: '2026-11-23T11:00:00+08:00', currentUnitId: 'U-A' }, headersOf('record-breach-contact')));
    }
    expect(notifier.to('unit:U-A').map((m) => m.workOrderId)).toEqual(['WO1', 'WO2']);
  });

  it('R-REP-7, R-REP-9, R-REP-11, R-REP-12: every deadline of the model is a known one', async () => {
    const { deps, orders } = fakes();
    const handler = worker.createHandler(deps);
    for (const id of ['record-breach-arrival', 'record-breach-completion', 'record-breach-signed-order', 'record-breach-return-visit']) {
      expect(await handler(job('record-breach', { currentUnitId: 'U-A' }, headersOf(id)))).toMatchObject({ outcome: 'complete' });
    }
    expect(orders.closes.map((c) => c.name)).toEqual(['arrival', 'completion', 'signed-order', 'return-visit']);
  });

  it('refuses a deadline name the worker does not know', async () => {
    const { deps } = fakes();
    expect(await worker.createHandler(deps)(job('record-breach', {}, { deadline: 'lunch' }))).toMatchObject({ outcome: 'fail', retries: 0 });
  });
});
