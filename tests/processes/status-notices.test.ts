/**
 * R-NOTE-1 "the resident is told who comes and when, and every change": every
 * status change of every procedure gives exactly one resident notification,
 * made in one place (the order store, where a status is set) through the
 * notification outbox, keyed by the change: a redelivered job or a replayed
 * step, which changes no status, sends nothing more. For a run of each
 * procedure the status notices are exactly the procedure's status changes, in
 * order, with no repeats; a redelivered job adds none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { staticCalendarProvider } from '../../domain/calendar.js';
import { getModels } from '../../domain/models.js';
import { createDomainServices } from '../../domain/services/index.js';
import type { Job } from '../../engine/port.js';
import { createHandlers } from '../../workers/index.js';
import { RepairWorld, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T08:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

/** The statuses the resident was told of, oldest first (the outbox entries keyed `status:<order>:…`). */
async function notifiedStatuses(orderId: string): Promise<string[]> {
  const rows = await getModels(world.server.connection)
    .Notification.find({ workOrderId: orderId })
    .sort({ createdAt: 1, _id: 1 })
    .lean();
  const notices = rows.filter((n) => n.key.startsWith(`status:${orderId}:`));
  for (const n of notices) expect(n).toMatchObject({ to: 'resident', channel: 'app' });
  return notices.map((n) => /\(status ([\w-]+)\)/.exec(n.text)?.[1] ?? `? ${n.text}`);
}

/** Every status change is told once, in order: no status twice in a row, none missing. */
async function expectToldEveryChange(orderId: string, changes: string[]): Promise<void> {
  const told = await notifiedStatuses(orderId);
  expect(told).toEqual(changes);
  expect((await world.order(orderId)).status).toBe(changes.at(-1));
  // The resident reads them in the app too (the reporter resident1's own order).
  const mine = (await world.notifications('resident1', orderId)).filter((n) => n.text.startsWith('【进度】'));
  expect(mine).toHaveLength(changes.length);
}

describe('R-NOTE-1: one resident notification per status change, for every procedure', () => {
  it('R-NOTE-1: repair — dispatched, signed, scheduled, on site, resolved, closed: six changes, six notices', async () => {
    const at = await world.scenarioAt('09:00');
    const order = await world.create('repair', { faultType: 'plumbing', symptom: '漏水', part: '卫生间', priority: 3, responsibility: 'shared' });
    await world.completeTask('unitA1', order.id, 'sign-off');
    await world.completeTask('unitA1', order.id, 'contact-resident', { agreedArrivalAt: plus(at, 'PT40M') });
    await world.completeTask('unitA1', order.id, 'confirm-arrival');
    await world.completeTask('unitA1', order.id, 'report-result', { result: 'repaired' });
    await world.completeTask('unitA1', order.id, 'resident-signature', { quality: 5, timeliness: 5, attitude: 5 });
    await world.completeTask('dispatcher1', order.id, 'return-visit', { satisfied: true, rating: 5 });
    await expectToldEveryChange(order.id, ['dispatched', 'signed', 'scheduled', 'on-site', 'resolved', 'closed']);
  });

  it('R-NOTE-1: a repair canceled by the resident before sign-off — dispatched, then withdrawn', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('repair', { faultType: 'plumbing', symptom: '漏水', part: '卫生间', priority: 3, responsibility: 'shared' });
    const res = await (await world.as('resident1')).post(`/api/work-orders/${order.id}/cancel`, { reason: '已自行修好' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expectToldEveryChange(order.id, ['dispatched', 'withdrawn']);
  });

  it('R-NOTE-1: complaint — dispatched, scheduled, resolved, closed', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('complaint', { description: '保洁人员态度恶劣 cleaner rude' });
    await world.completeTask('dispatcher1', order.id, 'classify-complaint', { classification: 'valid' });
    await world.completeTask('supervisor1', order.id, 'contact-complainant', { resolutionPromisedAt: plus(await world.now(), 'P1D') });
    await world.completeTask('supervisor1', order.id, 'handle-complaint', { resolution: '已更换保洁员' });
    await world.completeTask('supervisor1', order.id, 'complaint-signature', { satisfied: true, rating: 5 });
    await expectToldEveryChange(order.id, ['dispatched', 'scheduled', 'resolved', 'closed']);
  });

  it('R-NOTE-1: paid service from the catalogue — scheduled, resolved, closed', async () => {
    const at = await world.scenarioAt('09:00');
    const order = await world.create('paid-service', { description: '马桶疏通', catalogueItemId: 'W-05' });
    await world.completeTask('dispatcher1', order.id, 'reply-resident', { appointmentAt: plus(at, 'PT3H') });
    await world.completeTask('unitA1', order.id, 'resident-inspection', { accepted: true });
    await world.completeTask('dispatcher1', order.id, 'collect-fee', { receiptNumber: 'SJ-9001', amount: 80 });
    await world.completeTask('finance1', order.id, 'finance-handover', { amountReceived: 80 });
    await world.completeTask('dispatcher1', order.id, 'return-visit', { satisfied: true, rating: 5 });
    await expectToldEveryChange(order.id, ['scheduled', 'resolved', 'closed']);
  });

  it('R-NOTE-1: paid service the resident does not consent to — rejected, told once', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('paid-service', { description: '阳台加装一路进水管' });
    await world.completeTask('dispatcher1', order.id, 'fee-assessment', { fee: 150 });
    await world.completeTask('dispatcher1', order.id, 'resident-consent', { consent: false });
    await expectToldEveryChange(order.id, ['rejected']);
  });

  it('R-NOTE-1: urgent appeal — dispatched, on site, closed; consultation — dispatched, closed', async () => {
    const at = await world.scenarioAt('22:30');
    const appeal = await world.create('urgent-appeal', { description: '楼上深夜装修噪音 renovation noise at night' });
    await world.completeTask('unitA1', appeal.id, 'urgent-handling', { arrivedAt: plus(at, 'PT10M'), note: '已劝停施工' });
    await world.completeTask('unitA1', appeal.id, 'urgent-report', { resolved: true, outcome: '施工已停止' });
    await expectToldEveryChange(appeal.id, ['dispatched', 'on-site', 'closed']);

    const question = await world.create('consultation', { description: '装修需要办理什么手续?' });
    await world.completeTask('dispatcher1', question.id, 'answer-consultation', { answer: '请到管理处登记' });
    await expectToldEveryChange(question.id, ['dispatched', 'closed']);
  });

  it('R-NOTE-1: quality rectification and compensation opened from repairs', async () => {
    await world.scenarioAt('09:00');
    const repair = await world.create('repair', { faultType: 'plumbing', symptom: '渗水', part: '卫生间', priority: 3, responsibility: 'developer' });
    const quality = ((await world.order(repair.id)) as unknown as { links: { workOrderId: string }[] }).links[0]!.workOrderId;
    await world.completeTask('unitA1', quality, 'confirm-defect', { liableParty: 'owner' });
    // The repair is transferred and closed at once; the quality order: engineering arranged, on site, owner liable → closed.
    await expectToldEveryChange(repair.id, ['closed']);
    await expectToldEveryChange(quality, ['dispatched', 'on-site', 'closed']);

    const other = await world.create('repair', { faultType: 'plumbing', symptom: '漏水', part: '卫生间', priority: 3, responsibility: 'shared' });
    const raised = await (await world.as('resident1')).post(`/api/work-orders/${other.id}/claims`, { claimType: 'loss', claimAmount: 500 });
    expect(raised.status).toBe(201);
    await world.server.engine.idle();
    await world.completeTask('supervisor1', raised.body.id, 'approve-claim', { approved: true, amount: 300 });
    // A small claim: the office director goes on site (dispatched), the developer approves, settled → closed.
    await expectToldEveryChange(raised.body.id, ['dispatched', 'closed']);
  });
});

describe('R-NOTE-1: a redelivered job tells nobody twice', () => {
  it('R-NOTE-1: the same set-status job delivered twice (and a later step that sets the same status) adds no notice', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('repair', { faultType: 'plumbing', symptom: '漏水', part: '卫生间', priority: 3, responsibility: 'shared' });
    const before = await notifiedStatuses(order.id);
    expect(before).toEqual(['dispatched']);

    const now = () => new Date(Date.now());
    const handlers = createHandlers({ ...createDomainServices(world.server.connection, now), clock: { now }, calendar: staticCalendarProvider() });
    const setStatus = handlers.get('set-status')!;
    const job = (key: string): Job => ({
      key,
      type: 'set-status',
      processInstanceKey: order.processInstanceKey,
      bpmnProcessId: 'repair',
      processDefinitionVersion: 1,
      elementId: 'withdraw-order',
      retries: 3,
      deadline: Date.now() + 30_000,
      customHeaders: { status: 'withdrawn', timelineType: 'withdrawn', note: '退单 Withdrawn' },
      variables: { workOrderId: order.id, orderNumber: order.number },
    });
    for (let delivery = 0; delivery < 2; delivery++) expect((await setStatus(job('job-redelivered')))?.outcome).toBe('complete');
    expect(await notifiedStatuses(order.id)).toEqual(['dispatched', 'withdrawn']);
    // Another job setting the status it already has: no change, no notice.
    expect((await setStatus(job('job-same-status')))?.outcome).toBe('complete');
    expect(await notifiedStatuses(order.id)).toEqual(['dispatched', 'withdrawn']);
  });
});
