/**
 * The workers of the service procedures with in-memory fakes and the models'
 * own headers: urgent appeal (R-URG), paid service (R-PAID), complaint
 * (R-CMP), consultation (R-CONS), outage notice (R-OUT).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import type { OutageEvent, OutagePatch, OutageStore } from '../../domain/outages.js';
import { flowElements, parseModel, processes, taskHeaders } from '../../engine/lint/index.js';
import checkPaidScope, { outOfScopeReason } from '../../workers/check-paid-scope.js';
import openUrgentAppeal from '../../workers/open-urgent-appeal.js';
import recordComplaintContact from '../../workers/record-complaint-contact.js';
import recordFee from '../../workers/record-fee.js';
import recordOverdue from '../../workers/record-overdue.js';
import recordStep from '../../workers/record-step.js';
import scheduleOutageNotice from '../../workers/schedule-outage-notice.js';
import { fakes, job } from './fakes.js';

/** Task headers of an element of one of processes/*.bpmn (without `kind`). */
async function headers(model: string, elementId: string): Promise<Record<string, string>> {
  const xml = readFileSync(fileURLToPath(new URL(`../../processes/${model}.bpmn`, import.meta.url)), 'utf8');
  const element = processes((await parseModel(xml)).definitions)
    .flatMap((p) => flowElements(p))
    .find((e) => e.id === elementId);
  if (!element) throw new Error(`${model}.bpmn has no ${elementId}`);
  const h = taskHeaders(element);
  delete h['kind'];
  return h;
}

class FakeOutages implements OutageStore {
  readonly patches: OutagePatch[] = [];
  readonly events: OutageEvent[] = [];
  update(_id: string, patch: OutagePatch, event: OutageEvent): Promise<void> {
    if (!this.events.some((e) => e.key === event.key)) {
      this.patches.push(patch);
      this.events.push(event);
    }
    return Promise.resolve();
  }
}

describe('open-urgent-appeal', () => {
  it('R-URG-1, R-URG-2: urgent, the liaison phoned, handling due in 30 minutes, the report by 23:59:59 local', async () => {
    const { deps, orders, notifier } = fakes('2026-11-23T22:40:00+08:00');
    const outcome = await openUrgentAppeal.createHandler(deps)(job('open-urgent-appeal', { description: '深夜装修' }, await headers('urgent-appeal', 'open-urgent-appeal')));
    expect(outcome).toEqual({
      outcome: 'complete',
      variables: { currentUnitId: 'U-A', priority: 2, handlingDueAt: '2026-11-23T23:10:00+08:00', reportDueAt: '2026-11-23T23:59:59+08:00' },
    });
    expect(orders.order().status).toBe('dispatched');
    expect(orders.deadlines.get('urgent-report')?.dueAt.toISOString()).toBe('2026-11-23T15:59:59.000Z');
    expect(notifier.to('unit:U-A').map((m) => m.channel)).toEqual(['phone']);
  });

  it('R-URG-1: a priority-1 appeal stays priority 1', async () => {
    const { deps } = fakes();
    const outcome = await openUrgentAppeal.createHandler(deps)(job('open-urgent-appeal', { priority: 1 }, await headers('urgent-appeal', 'open-urgent-appeal')));
    expect(outcome).toMatchObject({ variables: { priority: 1 } });
  });
});

describe('record-overdue in the service procedures', () => {
  it('R-URG-3: breached, escalated and told once, however often the timers fire for the same due time', async () => {
    const { deps, orders, notifier } = fakes();
    const handler = recordOverdue.createHandler(deps);
    const vars = { reportDueAt: '2026-11-23T23:59:59+08:00', currentUnitId: 'U-A' };
    await handler(job('record-overdue', vars, await headers('urgent-appeal', 'escalate-report-overdue-early'), 'first'));
    await handler(job('record-overdue', vars, await headers('urgent-appeal', 'escalate-report-overdue'), 'second'));
    expect(orders.closes.map((c) => [c.name, c.outcome])).toEqual([
      ['urgent-report', 'breached'],
      ['urgent-report', 'breached'],
    ]);
    expect(orders.order().status).toBe('escalated');
    expect(orders.timeline).toHaveLength(1);
    expect(notifier.to('group:supervisor')).toHaveLength(1);
    expect(notifier.to('unit:U-A')).toHaveLength(1);
  });

  it('R-CMP-3: the handler group is resolved from the process', async () => {
    const { deps, notifier } = fakes();
    await recordOverdue.createHandler(deps)(
      job('record-overdue', { contactDueAt: '2026-11-23T10:30:00+08:00', handlerGroup: 'manager' }, await headers('complaint', 'escalate-contact')),
    );
    expect(notifier.sent.map((m) => m.to).sort()).toEqual(['group:manager', 'group:supervisor']);
  });

  it('a deadline the worker does not know fails the job without retries', async () => {
    const { deps } = fakes();
    const outcome = await recordOverdue.createHandler(deps)(job('record-overdue', {}, { deadline: 'sign-off' }));
    expect(outcome).toMatchObject({ outcome: 'fail', retries: 0 });
  });
});

describe('record-step in the service procedures', () => {
  it('R-PAID-1: refused with the reason kept on the order and told to the resident', async () => {
    const { deps, orders, notifier } = fakes();
    await recordStep.createHandler(deps)(job('record-step', { refusalReason: '家电维修不属于服务范围' }, await headers('paid-service', 'refuse-out-of-scope')));
    expect(orders.order()).toMatchObject({ status: 'rejected', fields: { refusalReason: '家电维修不属于服务范围' } });
    expect(notifier.to('resident')[0]!.text).toContain('家电维修不属于服务范围');
  });

  it('R-URG-2: closing meets the report deadline on time, breaches it when late', async () => {
    for (const [now, outcome] of [
      ['2026-11-23T23:00:00+08:00', 'met'],
      ['2026-11-24T00:00:01+08:00', 'breached'],
    ] as const) {
      const { deps, orders } = fakes(now);
      await recordStep.createHandler(deps)(job('record-step', { reportDueAt: '2026-11-23T23:59:59+08:00' }, await headers('urgent-appeal', 'close-urgent-appeal')));
      expect(orders.closes).toMatchObject([{ name: 'urgent-report', outcome }]);
      expect(orders.order().status).toBe('closed');
    }
  });

  it('a model that names an unknown deadline to meet fails the job', async () => {
    const { deps } = fakes();
    expect(await recordStep.createHandler(deps)(job('record-step', {}, { meetDeadlines: 'sign-off', note: 'x' }))).toMatchObject({ outcome: 'fail', retries: 0 });
  });

  it('R-PAID-6: closing keeps the return visit\'s rating on the order', async () => {
    const { deps, orders } = fakes();
    await recordStep.createHandler(deps)(job('record-step', { satisfied: true, rating: 4, comment: '不错' }, await headers('paid-service', 'close-paid-service')));
    expect(orders.order()).toMatchObject({ status: 'closed', fields: { rating: { score: 4, satisfied: true, comment: '不错' } } });
  });
});

describe('check-paid-scope', () => {
  it.each([
    ['空调不制冷', '家电维修'],
    ['洗衣机漏水修理', '家电维修'],
    ['卫生间重新装修', '装修修缮'],
    ['油烟机清洗', null],
    ['更换水龙头', null],
  ])('R-PAID-1: "%s" → %s', (text, reason) => {
    const found = outOfScopeReason(text);
    if (reason === null) expect(found).toBeNull();
    else expect(found).toContain(reason);
  });

  it('R-PAID-2, R-PAID-3: a catalogue item is in scope with its price; the reply is due in 10 minutes', async () => {
    const { deps, orders } = fakes('2026-11-23T10:00:00+08:00');
    const outcome = await checkPaidScope.createHandler(deps)(
      job(
        'check-paid-scope',
        { description: '空调旁的插座坏了', catalogueItemId: 'E-01', serviceItem: '更换开关或插座', catalogueFee: 15, serviceCategory: 'electric' },
        await headers('paid-service', 'check-scope'),
      ),
    );
    expect(outcome).toMatchObject({ variables: { inScope: true, inCatalogue: true, serviceFee: 15, department: 'engineering', replyDueAt: '2026-11-23T10:10:00+08:00' } });
    expect(orders.deadlines.get('paid-reply')?.dueAt.toISOString()).toBe('2026-11-23T02:10:00.000Z');
  });

  it('R-PAID-1: out of scope: no reply deadline is opened', async () => {
    const { deps, orders } = fakes();
    const outcome = await checkPaidScope.createHandler(deps)(job('check-paid-scope', { description: '冰箱不制冷' }, await headers('paid-service', 'check-scope')));
    expect(outcome).toMatchObject({ variables: { inScope: false, replyDueAt: null } });
    expect(orders.deadlines.size).toBe(0);
  });
});

describe('record-fee', () => {
  it('R-PAID-5: never without a receipt number: the job fails and nothing is recorded', async () => {
    const { deps, orders } = fakes();
    const outcome = await recordFee.createHandler(deps)(job('record-fee', { amount: 80, receiptNumber: ' ' }));
    expect(outcome).toMatchObject({ outcome: 'fail', retries: 0 });
    expect(orders.timeline).toEqual([]);
  });

  it('R-PAID-5: the cash is due at finance by 23:59:59 of the collection day', async () => {
    const { deps, orders } = fakes('2026-11-23T19:30:00+08:00');
    const outcome = await recordFee.createHandler(deps)(job('record-fee', { amount: 80, receiptNumber: 'SJ-1', agreedFee: 80 }));
    expect(outcome).toEqual({ outcome: 'complete', variables: { handoverDueAt: '2026-11-23T23:59:59+08:00' } });
    expect(orders.order().fields.fees).toMatchObject({ amount: 80, receiptNumber: 'SJ-1' });
  });
});

describe('record-complaint-contact', () => {
  it.each([
    ['a promise within 3 days is the due time', '2026-11-25T10:00:00+08:00', '2026-11-25T10:00:00+08:00'],
    ['a promise beyond 3 days is held to 3 days', '2026-11-30T10:00:00+08:00', '2026-11-26T10:00:00+08:00'],
    ['a promise in the past is replaced by the 3 days', '2026-11-22T10:00:00+08:00', '2026-11-26T10:00:00+08:00'],
  ])('R-CMP-3: %s', async (_what, resolutionPromisedAt, resolutionDueAt) => {
    const { deps } = fakes('2026-11-23T10:00:00+08:00');
    const outcome = await recordComplaintContact.createHandler(deps)(
      job('record-complaint-contact', { resolutionPromisedAt }, await headers('complaint', 'record-complaint-contact')),
    );
    expect(outcome).toEqual({ outcome: 'complete', variables: { resolutionDueAt } });
  });
});

describe('schedule-outage-notice', () => {
  const base = { outageId: 'O1', utility: 'water', planned: true, startsAt: '2026-11-25T09:00:00+08:00', endsAt: '2026-11-25T12:00:00+08:00' };

  it('R-OUT-1: a planned water stop is announced one day ahead, a power stop two days ahead', async () => {
    const { deps } = fakes('2026-11-23T08:00:00+08:00');
    const outages = new FakeOutages();
    const handler = scheduleOutageNotice.createHandler({ ...deps, outages });
    const h = await headers('outage-notice', 'schedule-outage-notice');
    expect(await handler(job('schedule-outage-notice', base, h))).toMatchObject({ variables: { plannedNotice: true, notifyAt: '2026-11-24T09:00:00+08:00' } });
    expect(await handler(job('schedule-outage-notice', { ...base, utility: 'power' }, h))).toMatchObject({ variables: { notifyAt: '2026-11-23T09:00:00+08:00' } });
  });

  it('R-OUT-1: a stop found too close is announced at once and recorded late; a sudden one is due in 10 minutes', async () => {
    const { deps } = fakes('2026-11-24T10:00:00+08:00');
    const outages = new FakeOutages();
    const handler = scheduleOutageNotice.createHandler({ ...deps, outages });
    const h = await headers('outage-notice', 'schedule-outage-notice');
    expect(await handler(job('schedule-outage-notice', base, h, 'late'))).toMatchObject({ variables: { notifyAt: '2026-11-24T10:00:00+08:00', noticeDueAt: '2026-11-24T09:00:00+08:00' } });
    expect(outages.patches[0]).toMatchObject({ noticeBreached: true });
    expect(await handler(job('schedule-outage-notice', { ...base, planned: false }, h, 'sudden'))).toMatchObject({
      variables: { plannedNotice: false, notifyAt: null, noticeDueAt: '2026-11-24T10:10:00+08:00' },
    });
  });

  it('without an outage store the job fails with a clear message, no retries', async () => {
    const { deps } = fakes();
    const outcome = await scheduleOutageNotice.createHandler(deps)(job('schedule-outage-notice', base, await headers('outage-notice', 'schedule-outage-notice')));
    expect(outcome).toMatchObject({ outcome: 'fail', retries: 0, message: expect.stringContaining('outage store') });
  });
});
