import { describe, expect, it } from 'vitest';

import worker from '../../workers/apply-extension.js';
import { fakes, job } from './fakes.js';
import { headersOf } from './model.js';

const headers = headersOf('apply-extension');
const base = { maxExtensions: 2, maxExtensionDays: 14, feedbackDueAt: '2026-11-27T10:05:00+08:00', completionDueAt: '2026-11-26T10:05:00+08:00' };

describe('apply-extension', () => {
  it('R-REP-8: an approved extension moves feedback and completion by its days; status extended', async () => {
    const { deps, orders } = fakes();
    const outcome = await worker.createHandler(deps)(job('apply-extension', { ...base, extensionCount: 0, extensionDaysTotal: 0, extensionDays: 5 }, headers));
    expect(outcome).toEqual({
      outcome: 'complete',
      variables: {
        extensionApplied: true,
        extensionCount: 1,
        extensionDaysTotal: 5,
        extensionDays: null,
        feedbackDueAt: '2026-12-02T10:05:00+08:00',
        completionDueAt: '2026-12-01T10:05:00+08:00',
      },
    });
    expect(orders.order().status).toBe('extended');
    expect(orders.deadlines.get('feedback')?.dueAt.toISOString()).toBe('2026-12-02T02:05:00.000Z');
  });

  it('R-REP-8: without days the model default applies, capped at the 14 days in total', async () => {
    const { deps } = fakes();
    const outcome = await worker.createHandler(deps)(job('apply-extension', { ...base, extensionCount: 1, extensionDaysTotal: 10 }, headers));
    expect(outcome).toMatchObject({ variables: { extensionApplied: true, extensionCount: 2, extensionDaysTotal: 14, feedbackDueAt: '2026-12-01T10:05:00+08:00' } });
  });

  it('R-REP-8: a third extension is refused and changes no deadline', async () => {
    const { deps, orders } = fakes();
    const outcome = await worker.createHandler(deps)(job('apply-extension', { ...base, extensionCount: 2, extensionDaysTotal: 6, extensionDays: 3 }, headers));
    expect(outcome).toMatchObject({ variables: { extensionApplied: false, extensionCount: 2, feedbackDueAt: base.feedbackDueAt } });
    expect(orders.types()).toEqual(['extension-refused']);
    expect(orders.deadlines.size).toBe(0);
  });

  it('R-REP-8: no days left (14 used) is refused', async () => {
    const { deps } = fakes();
    const outcome = await worker.createHandler(deps)(job('apply-extension', { ...base, extensionCount: 1, extensionDaysTotal: 14, extensionDays: 1 }, headers));
    expect(outcome).toMatchObject({ variables: { extensionApplied: false } });
  });
});
