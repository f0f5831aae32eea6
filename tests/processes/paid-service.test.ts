/**
 * Paid service (便民有偿服务, seed 003) through the HTTP API on the embedded
 * engine, with the engine clock: R-PAID-1 scope and refusal, R-PAID-2 the
 * 10-minute reply, R-PAID-3 catalogue price or fee assessment and consent
 * before dispatch, R-PAID-4 the service notice, R-PAID-5 inspection, receipt
 * and same-day hand-over, R-PAID-6 free rework until satisfied, R-PAID-7 the
 * monthly reconciliation computed independently from the ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Order, RepairWorld, deadline, endOfLocalDay, entries, expectBreached, expectMet, expectOpen, local, localDay, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-02T08:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

const toilet = { description: '马桶堵塞,需要疏通', catalogueItemId: 'W-05' };

/** Registered, replied with an appointment in `replyAfter`, the notice issued. */
async function scheduled(fields: Record<string, unknown> = toilet, replyAfter = 'PT5M'): Promise<Order> {
  const order = await world.create('paid-service', fields);
  await world.advance(replyAfter);
  await world.completeTask('dispatcher1', order.id, 'reply-resident', { appointmentAt: plus(await world.now(), 'PT2H') });
  return world.order(order.id);
}

/** … inspected and accepted, the fee collected with a receipt. */
async function collected(fields: Record<string, unknown> = toilet, amount = 80): Promise<Order> {
  const order = await scheduled(fields);
  await world.advance('PT2H');
  await world.completeTask('unitA1', order.id, 'resident-inspection', { accepted: true });
  await world.completeTask('dispatcher1', order.id, 'collect-fee', { receiptNumber: `R${order.number.slice(-4)}`, amount });
  return world.order(order.id);
}

describe('R-PAID-1: scope', () => {
  it.each([
    ['appliance repair', '空调不制冷,需要维修', '家电维修'],
    ['renovation', '厨房翻新,重新铺砖', '装修修缮'],
  ])('R-PAID-1: %s is refused with the reason: status rejected, the resident told, nothing dispatched', async (_what, description, reason) => {
    await world.scenarioAt('09:00');
    const order = await world.create('paid-service', { description });
    expect(order.status).toBe('rejected');
    expect(String(order.fields.refusalReason)).toContain(reason);
    expect(entries(order, 'refused')).toHaveLength(1);
    const toResident = (await world.notifications('resident1', order.id)).filter((n) => n.to === 'resident');
    expect(toResident.map((n) => n.text).join()).toContain(reason);
    expect(await world.openKinds('dispatcher1', order.id)).toEqual([]);
    expect((await world.instance(order.processInstanceKey)).state).toBe('completed');
  });

  it('R-PAID-1: cleaning an appliance is cleaning, and is in scope', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('paid-service', { description: '油烟机清洗' });
    expect(order.status).toBe('reported');
    expect(await world.openKinds('dispatcher1', order.id)).toEqual(['fee-assessment']);
  });

  it('R-PAID-3: a catalogue item that does not exist is refused by the API (400 naming catalogueItemId), nothing stored', async () => {
    const before = (await (await world.as('dispatcher1')).get('/api/work-orders?kind=paid-service')).body.total;
    const res = await world.tryCreate('paid-service', { description: '疏通', catalogueItemId: 'NOPE-1' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'catalogueItemId', message: expect.any(String) }]);
    expect((await (await world.as('dispatcher1')).get('/api/work-orders?kind=paid-service')).body.total).toBe(before);
  });
});

describe('R-PAID-2 … R-PAID-6: a catalogue item from registration to closing', () => {
  it('goes through reply, notice, inspection, receipt, hand-over and return visit', async () => {
    const at = await world.scenarioAt('09:00');
    const order = await world.create('paid-service', toilet);
    expect(order.number).toMatch(/^YC-\d{8}-\d{4}$/);
    expect(order.fields).toMatchObject({ inScope: true, inCatalogue: true });
    expectOpen(deadline(order, 'paid-reply'), plus(at, 'PT10M'));
    // R-PAID-3: the price is known: no assessment, no consent step.
    expect(await world.openKinds('dispatcher1', order.id)).toEqual(['reply-resident']);

    // R-PAID-2: replied with the appointment time within 10 minutes.
    await world.advance('PT9M');
    await world.completeTask('dispatcher1', order.id, 'reply-resident', { appointmentAt: plus(at, 'PT3H') });
    let now = await world.order(order.id);
    expectMet(deadline(now, 'paid-reply'), plus(at, 'PT10M'), plus(at, 'PT9M'));

    // R-PAID-4: the service notice to finance, the department and the archive; the resident is told when and how much.
    expect(now).toMatchObject({ status: 'scheduled', assignedUnitId: 'U-A' });
    expect(now.fields.serviceNotice).toMatchObject({ number: `${order.number}-TZ`, fee: 80, copies: ['finance', 'department', 'archive'] });
    expect(entries(now, 'service-notice-archived')).toHaveLength(1);
    expect((await world.notifications('finance1', order.id)).filter((n) => n.to === 'group:finance')).toHaveLength(1);
    expect((await world.notifications('unitA1', order.id)).filter((n) => n.to === 'unit:U-A' && n.text.includes('有偿服务通知单'))).toHaveLength(1);
    expect((await world.notifications('resident1', order.id)).some((n) => n.text.includes('¥80'))).toBe(true);

    // R-PAID-5: the resident inspects and signs; the fee needs a receipt number.
    await world.advance('PT3H');
    await world.completeTask('unitA1', order.id, 'resident-inspection', { accepted: true });
    const fee = await world.openTask('dispatcher1', order.id, 'collect-fee');
    for (const variables of [{ amount: 80 }, { amount: 80, receiptNumber: '   ' }]) {
      const refused = await world.tryComplete('dispatcher1', fee.id, variables);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.map((d: { path: string }) => d.path)).toContain('variables.receiptNumber');
    }
    expect(((await world.order(order.id)) as Order & { fees: unknown }).fees).toBeNull();
    await world.complete('dispatcher1', fee.id, { receiptNumber: 'SJ-0001', amount: 80 });
    now = await world.order(order.id);
    expect(now.status).toBe('resolved');
    expect((now as Order & { fees: Record<string, unknown> }).fees).toMatchObject({ amount: 80, receiptNumber: 'SJ-0001', catalogueItemId: 'W-05' });

    // The cash goes to finance the same day, then the service centre calls back.
    expect(await world.openKinds('finance1', order.id)).toEqual(['finance-handover']);
    expect(await world.openKinds('dispatcher1', order.id)).toEqual([]);
    await world.advance('PT1H');
    await world.completeTask('finance1', order.id, 'finance-handover', { amountReceived: 80 });
    expect((await world.order(order.id)).status).toBe('resolved');
    await world.completeTask('dispatcher1', order.id, 'return-visit', { satisfied: true, rating: 5 });

    const done = await world.order(order.id);
    expect(done.status).toBe('closed');
    expect(done.rating).toMatchObject({ score: 5, satisfied: true });
    expect(done.fields.financeHandover).toMatchObject({ amountReceived: 80, difference: 0, onTime: true });
    expectMet(deadline(done, 'finance-handover'), endOfLocalDay(at), plus(at, 'PT4H9M'));
    expect(done.deadlines.every((d) => !d.breached)).toBe(true);
    expect((await world.instance(done.processInstanceKey)).state).toBe('completed');
  });

  it('R-PAID-3: an order keeps the price it was registered with when the admin changes the catalogue', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('paid-service', { description: '更换水龙头', catalogueItemId: 'W-01' });
    const admin = await world.as('admin1');
    const item = (await admin.get('/api/fee-catalogue/W-01')).body;
    const put = await admin.request('PUT', '/api/fee-catalogue/W-01', { name: item.name, category: item.category, unit: item.unit, price: 25, active: true });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await world.completeTask('dispatcher1', order.id, 'reply-resident', { appointmentAt: plus(await world.now(), 'PT1H') });
    expect((await world.order(order.id)).fields.agreedFee).toBe(20);
    const next = await world.create('paid-service', { description: '更换水龙头', catalogueItemId: 'W-01' });
    await world.completeTask('dispatcher1', next.id, 'reply-resident', { appointmentAt: plus(await world.now(), 'PT1H') });
    expect((await world.order(next.id)).fields.agreedFee).toBe(25);
  });
});

describe('R-PAID-2: reply within 10 minutes', () => {
  it('R-PAID-2: no reply after 9:59 is still on time; at 10 minutes breached and the service centre reminded', async () => {
    const at = await world.scenarioAt('09:00');
    const order = await world.create('paid-service', toilet);
    await world.advance('PT9M59S');
    expectOpen(deadline(await world.order(order.id), 'paid-reply'), plus(at, 'PT10M'));
    expect((await world.notifications('dispatcher1', order.id)).filter((n) => n.text.includes('超时'))).toHaveLength(0);

    await world.advance('PT1S');
    const late = await world.order(order.id);
    expectBreached(deadline(late, 'paid-reply'), plus(at, 'PT10M'));
    expect((await world.notifications('dispatcher1', order.id)).filter((n) => n.to === 'group:dispatcher' && n.text.includes('10 分钟'))).toHaveLength(1);

    await world.completeTask('dispatcher1', order.id, 'reply-resident', { appointmentAt: plus(at, 'PT2H') });
    const replied = await world.order(order.id);
    expect(replied.status).toBe('scheduled');
    expectBreached(deadline(replied, 'paid-reply'), plus(at, 'PT10M'));
  });
});

describe('R-PAID-3: outside the catalogue: fee assessment and consent before dispatch', () => {
  const extraPipe = { description: '阳台加装一路进水管' };

  it('R-PAID-3: assessed by the service centre with engineering, the resident consents, then the reply and the notice', async () => {
    const at = await world.scenarioAt('09:00');
    const order = await world.create('paid-service', extraPipe);
    expect(order.fields).toMatchObject({ inScope: true, inCatalogue: false });
    expect(await world.openKinds('dispatcher1', order.id)).toEqual(['fee-assessment']);
    expect(await world.openKinds('supervisor1', order.id)).toEqual(['fee-assessment']);
    expect(await world.openKinds('unitA1', order.id)).toEqual([]);

    await world.completeTask('supervisor1', order.id, 'fee-assessment', { fee: 150, plan: 'PPR 管明装 2 米' });
    expect(await world.openKinds('dispatcher1', order.id)).toEqual(['resident-consent']);
    // Before consent nothing is dispatched.
    expect((await world.order(order.id)).assignedUnitId).toBeNull();
    expect((await world.notifications('unitA1', order.id)).length).toBe(0);

    await world.advance('PT5M');
    await world.completeTask('dispatcher1', order.id, 'resident-consent', { consent: true });
    await world.completeTask('dispatcher1', order.id, 'reply-resident', { appointmentAt: plus(at, 'P1D') });
    const now = await world.order(order.id);
    expect(now).toMatchObject({ status: 'scheduled', assignedUnitId: 'U-A' });
    expect(now.fields.agreedFee).toBe(150);
    expectMet(deadline(now, 'paid-reply'), plus(at, 'PT10M'), plus(at, 'PT5M'));
  });

  it('R-PAID-3: without the resident\'s consent nobody is dispatched: the order ends rejected', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('paid-service', extraPipe);
    await world.completeTask('dispatcher1', order.id, 'fee-assessment', { fee: 150 });
    await world.completeTask('dispatcher1', order.id, 'resident-consent', { consent: false });
    const done = await world.order(order.id);
    expect(done.status).toBe('rejected');
    expect(done.assignedUnitId).toBeNull();
    expect(entries(done, 'service-notice')).toHaveLength(0);
    expect((await world.notifications('unitA1', order.id)).length).toBe(0);
    expect((await world.instance(done.processInstanceKey)).state).toBe('completed');
  });

  it('R-PAID-3: an assessment that finds the job not feasible refuses it with the reason', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('paid-service', extraPipe);
    await world.completeTask('supervisor1', order.id, 'fee-assessment', { fee: 0, feasible: false, refusalReason: '需破坏承重墙,不能施工' });
    const done = await world.order(order.id);
    expect(done.status).toBe('rejected');
    expect(done.fields.refusalReason).toBe('需破坏承重墙,不能施工');
    expect((await world.notifications('resident1', order.id)).some((n) => n.text.includes('承重墙'))).toBe(true);
  });

  it('R-PAID-2: a long assessment misses the 10-minute reply; the breach is recorded once across the steps', async () => {
    const at = await world.scenarioAt('09:00');
    const order = await world.create('paid-service', extraPipe);
    await world.advance('PT10M');
    expectBreached(deadline(await world.order(order.id), 'paid-reply'), plus(at, 'PT10M'));
    await world.completeTask('dispatcher1', order.id, 'fee-assessment', { fee: 120 });
    await world.completeTask('dispatcher1', order.id, 'resident-consent', { consent: true });
    const now = await world.order(order.id);
    expect(now.deadlines.filter((d) => d.name === 'paid-reply')).toHaveLength(1);
    expect(entries(now, 'deadline-breached').filter((e) => e.note.includes('10 分钟'))).toHaveLength(1);
  });
});

describe('R-PAID-5: inspection, receipt and the same-day hand-over', () => {
  it('R-PAID-5: work not accepted at inspection is redone before the fee is collected', async () => {
    await world.scenarioAt('09:00');
    const order = await scheduled();
    await world.completeTask('unitA1', order.id, 'resident-inspection', { accepted: false, note: '仍然下水慢' });
    let now = await world.order(order.id);
    expect(now.fields.reworkCount).toBe(1);
    expect(await world.openKinds('unitA1', order.id)).toEqual(['resident-inspection']);
    expect(await world.openKinds('dispatcher1', order.id)).toEqual([]);
    await world.completeTask('unitA1', order.id, 'resident-inspection', { accepted: true });
    now = await world.order(order.id);
    expect(await world.openKinds('dispatcher1', order.id)).toEqual(['collect-fee']);
  });

  it('R-PAID-5: cash not at finance by 23:59:59 of the collection day → breached, service centre, finance and supervisors told', async () => {
    await world.scenarioAt('16:00');
    const order = await collected();
    const day = localDay(await world.now());
    const dueAt = local(day, '23:59:59');

    await world.pin(local(day, '23:59:58'));
    expectOpen(deadline(await world.order(order.id), 'finance-handover'), dueAt);
    await world.advance('PT1S');
    const late = await world.order(order.id);
    expectBreached(deadline(late, 'finance-handover'), dueAt);
    for (const [user, group] of [['dispatcher1', 'group:dispatcher'], ['finance1', 'group:finance'], ['supervisor1', 'group:supervisor']] as const) {
      expect((await world.notifications(user, order.id)).filter((n) => n.to === group && n.text.includes('交财务')), user).toHaveLength(1);
    }

    await world.advance('PT9H');
    await world.completeTask('finance1', order.id, 'finance-handover', { amountReceived: 70 });
    const handed = await world.order(order.id);
    expect(handed.fields.financeHandover).toMatchObject({ amountReceived: 70, difference: -10, onTime: false });
    expect((await world.notifications('finance1', order.id)).some((n) => n.text.includes('交款差额'))).toBe(true);
  });
});

describe('R-PAID-6: return visit and free rework', () => {
  it('R-PAID-6: a problem found at the return visit is reworked free of charge until the resident is satisfied', async () => {
    await world.scenarioAt('09:00');
    const order = await collected();
    await world.completeTask('finance1', order.id, 'finance-handover', { amountReceived: 80 });

    await world.completeTask('dispatcher1', order.id, 'return-visit', { satisfied: false, comment: '第二天又堵了' });
    let now = await world.order(order.id);
    expect(now.status).toBe('scheduled');
    expect(now.fields.reworkCount).toBe(1);
    expect((await world.notifications('unitA1', order.id)).filter((n) => n.text.includes('无偿返修'))).toHaveLength(1);
    expect(await world.openKinds('unitA1', order.id)).toEqual(['resident-inspection']);

    await world.completeTask('unitA1', order.id, 'resident-inspection', { accepted: true });
    await world.completeTask('dispatcher1', order.id, 'return-visit', { satisfied: false });
    await world.completeTask('unitA1', order.id, 'resident-inspection', { accepted: true });
    await world.completeTask('dispatcher1', order.id, 'return-visit', { satisfied: true, rating: 4 });

    now = await world.order(order.id);
    expect(now.status).toBe('closed');
    expect(now.fields.reworkCount).toBe(2);
    // Rework is free: one fee, one receipt.
    expect(entries(now, 'fee-collected')).toHaveLength(1);
    expect((now as Order & { fees: Record<string, unknown> }).fees).toMatchObject({ amount: 80 });
  });
});

describe('R-PAID-7: the monthly reconciliation', () => {
  it('R-PAID-7: count, fees, by item and uncollected agree with the ledger, computed independently', async () => {
    // One more collected service outside the catalogue, so that both kinds of item are in the month.
    await world.scenarioAt('09:00');
    const other = await world.create('paid-service', { description: '阳台加装一路进水管' });
    await world.completeTask('dispatcher1', other.id, 'fee-assessment', { fee: 150 });
    await world.completeTask('dispatcher1', other.id, 'resident-consent', { consent: true });
    await world.completeTask('dispatcher1', other.id, 'reply-resident', { appointmentAt: plus(await world.now(), 'PT1H') });
    await world.completeTask('unitA1', other.id, 'resident-inspection', { accepted: true });
    await world.completeTask('dispatcher1', other.id, 'collect-fee', { receiptNumber: 'SJ-9001', amount: 150 });

    const ledger = (await (await world.as('dispatcher1')).get('/api/work-orders?kind=paid-service&from=2026-11-01&to=2026-11-30&limit=500')).body.items as (Order & {
      fees: { amount: number; receiptNumber: string; catalogueItemId: string | null } | null;
      catalogueItemId: string | null;
    })[];
    expect(ledger.length).toBeGreaterThan(10);
    const taken = ledger.filter((o) => o.status !== 'rejected' && o.status !== 'withdrawn');
    const paid = taken.filter((o) => o.fees?.receiptNumber);
    const expectedByItem = new Map<string, { count: number; collected: number; total: number }>();
    for (const o of taken) {
      const key = o.fees?.catalogueItemId ?? o.catalogueItemId ?? '(assessed)';
      const e = expectedByItem.get(key) ?? { count: 0, collected: 0, total: 0 };
      e.count += 1;
      if (o.fees?.receiptNumber) {
        e.collected += 1;
        e.total += o.fees.amount;
      }
      expectedByItem.set(key, e);
    }

    const res = await (await world.as('finance1')).get('/api/reports/paid-services?month=2026-11');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const report = res.body;
    expect(report).toMatchObject({
      month: '2026-11',
      registered: ledger.length,
      refused: ledger.length - taken.length,
      count: taken.length,
      collected: paid.length,
      totalFees: paid.reduce((s, o) => s + o.fees!.amount, 0),
    });
    expect(report.uncollected.map((u: { number: string }) => u.number).sort()).toEqual(taken.filter((o) => !o.fees?.receiptNumber).map((o) => o.number).sort());
    expect(
      Object.fromEntries(report.byItem.map((b: { catalogueItemId: string | null; count: number; collected: number; total: number }) => [b.catalogueItemId ?? '(assessed)', { count: b.count, collected: b.collected, total: b.total }])),
    ).toEqual(Object.fromEntries(expectedByItem));
    const handedOver = paid.filter((o) => o.fields.financeHandover);
    expect(report.handedOver.count).toBe(handedOver.length);
    expect(report.notHandedOver.map((n: { number: string }) => n.number).sort()).toEqual(paid.filter((o) => !o.fields.financeHandover).map((o) => o.number).sort());
    expect(report.differences.map((d: { amountReceived: number }) => d.amountReceived)).toEqual([70]);
    expect(report.byItem.find((b: { catalogueItemId: string | null }) => b.catalogueItemId === 'W-05')).toMatchObject({ item: '疏通马桶 Unblock a toilet' });

    // Another month has nothing; the report is for the service centre, finance and managers only.
    expect((await (await world.as('finance1')).get('/api/reports/paid-services?month=2026-10')).body).toMatchObject({ registered: 0, totalFees: 0 });
    expect((await (await world.as('resident1')).get('/api/reports/paid-services?month=2026-11')).status).toBe(403);
    const bad = await (await world.as('finance1')).get('/api/reports/paid-services?month=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('month');
  });
});
