/* eslint-disable @typescript-eslint/no-explicit-any -- process tests read arbitrary JSON answers of the API */
/**
 * Compensation negotiation (赔付商谈, R-COMP-1..5) through the HTTP API on the
 * embedded engine, time moved only by the controllable clock.
 *
 * Scenario: a claim brings the office director on site (R-COMP-1); up to the
 * model's smallClaimThreshold (2000 yuan) the director gets the developer
 * leader's approval by phone, answers on site and files a contact sheet
 * (R-COMP-2); above it the claim and its floor are recorded, the customer
 * service manager drafts a solution, the general manager signs, the developer
 * authorises an amount and negotiations repeat until agreement or a recorded
 * failure (R-COMP-3); agreement is signed in a settlement memo and settled
 * against memo and contact sheet (R-COMP-4); dissatisfaction with repair
 * quality is fixed at once when small, else reviewed within 3 days (R-COMP-5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RepairWorld, deadline, entries, expectBreached, expectMet, plus, type Order } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T09:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

/** POST /api/work-orders kind compensation as the dispatcher; `faultType` names the claim type of a direct report. */
async function reportClaim(claimAmount: number, claimType?: string): Promise<Order> {
  const res = await (await world.as('dispatcher1')).post('/api/work-orders', {
    kind: 'compensation',
    communityId: 'C001',
    address: '1栋1单元101',
    description: '楼上漏水泡坏木地板,要求赔偿',
    claimAmount,
    ...(claimType ? { faultType: claimType } : {}),
    reporter: { name: '张伟', phone: '13812345678' },
    channel: 'phone',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.number).toMatch(/^PF-\d{8}-\d{4}$/);
  await world.server.engine.idle();
  return world.order(res.body.id as string);
}

/** The large-claim path up to the developer's authorisation task (R-COMP-3). */
async function toAuthorisation(order: Order): Promise<void> {
  await world.completeTask('supervisor1', order.id, 'record-claim', { floorAmount: 6000, negotiationAt: plus(await world.now(), 'P1D') });
  await world.completeTask('manager1', order.id, 'draft-solution', { solution: '更换受损木地板并补偿误工', proposedAmount: 6500 });
  await world.completeTask('manager1', order.id, 'gm-sign');
}

describe('R-COMP-1, R-COMP-2: a small claim', () => {
  it('the director goes on site; the developer leader approves by phone; answered on site, contact sheet filed, settled against it', async () => {
    await world.scenarioAt('10:00');
    const order = await reportClaim(800, 'loss');
    expect(order.status).toBe('dispatched');
    expect(order.fields).toMatchObject({ claimType: 'loss', claimAmount: 800, smallClaimThreshold: 2000, claimSize: 'small' });
    const director = await world.notifications('supervisor1', order.id);
    expect(director.some((n) => n.channel === 'phone' && n.text.includes('不得超越职权'))).toBe(true);

    const approval = await world.openTask('supervisor1', order.id, 'approve-claim');
    expect(approval.candidateGroups).toEqual(['supervisor']);
    expect((await world.tryComplete('supervisor1', approval.id, { amount: 600 })).status).toBe(400);
    await world.complete('supervisor1', approval.id, { approved: true, amount: 600 });

    const settled = await world.order(order.id);
    expect(settled.status).toBe('closed');
    expect(settled.fields).toMatchObject({ authorisedAmount: 600, authorisedBy: 'developer-leader', contactSheetNumber: `LXD-${order.number}`, settledAmount: 600 });
    expect((settled as any).fees.settlement).toMatchObject({ amount: 600, payer: 'developer', memoNumber: null, contactSheetNumber: `LXD-${order.number}` });
    const resident = (await world.notifications('resident1', order.id)).map((n) => n.text).join('\n');
    expect(resident).toContain('600.00 元');
    expect((await world.notifications('manager1', order.id)).length).toBeGreaterThan(0);
    expect(entries(settled, 'settled')).toHaveLength(1);
    expect((await world.instance(settled.processInstanceKey)).state).toBe('completed');
  });

  it('R-COMP-2/3: the threshold is the model\'s: 2000 yuan is small, 2000.01 is large', async () => {
    const small = await reportClaim(2000);
    expect(await world.openKinds('supervisor1', small.id)).toEqual(['approve-claim']);
    const large = await reportClaim(2000.01);
    expect(await world.openKinds('supervisor1', large.id)).toEqual(['record-claim']);
    expect((await world.order(large.id)).fields.claimSize).toBe('large');
  });

  it('R-COMP-1: the developer leader refuses: no promise on site; it is handled as a large claim', async () => {
    const order = await reportClaim(500);
    await world.completeTask('supervisor1', order.id, 'approve-claim', { approved: false });
    expect(await world.openKinds('supervisor1', order.id)).toEqual(['record-claim']);
    expect((await world.order(order.id)).fields.authorisedAmount).toBeUndefined();
  });
});

describe('R-COMP-3, R-COMP-4: a large claim, negotiated in rounds', () => {
  it('claim and floor, solution, GM, developer authorisation; rounds until agreement within authority; memo; settled against memo and sheet', async () => {
    await world.scenarioAt('10:00');
    const order = await reportClaim(10_000, 'loss');
    await toAuthorisation(order);
    let now = await world.order(order.id);
    expect(now.fields).toMatchObject({ floorAmount: 6000, solution: '更换受损木地板并补偿误工', proposedAmount: 6500, contactSheetNumber: `LXD-${order.number}` });
    expect(entries(now, 'contact-sheet-issued')).toHaveLength(1);

    const authorise = await world.openTask('manager1', order.id, 'approve-claim');
    expect(authorise.candidateGroups).toEqual(['developer', 'manager']);
    await world.complete('manager1', authorise.id, { approved: true, amount: 7000 });
    expect((await world.order(order.id)).fields.authorisedAmount).toBe(7000);

    // Round 1: not agreed, another meeting.
    const nextRoundAt = plus(await world.now(), 'P2D');
    await world.completeTask('supervisor1', order.id, 'negotiate', { agreed: false, nextRoundAt });
    now = await world.order(order.id);
    expect(now.status).toBe('scheduled');
    expect(now.fields).toMatchObject({ negotiationRound: 1, negotiationOutcome: 'continue' });
    expect((await world.notifications('resident1', order.id)).some((n) => n.text.includes('下一轮商谈'))).toBe(true);

    // Round 2: the owner agrees to 8000, above the authorised 7000: back to the developer (R-COMP-1).
    await world.completeTask('supervisor1', order.id, 'negotiate', { agreed: true, amount: 8000 });
    now = await world.order(order.id);
    expect(now.fields).toMatchObject({ negotiationRound: 2, negotiationOutcome: 'over-authority', agreedAmount: null });
    expect(await world.openKinds('supervisor1', order.id)).toEqual([]);
    await world.completeTask('manager1', order.id, 'approve-claim', { approved: true, amount: 8000 });

    // Round 3: agreed within authority; the memo (和解备忘) is signed.
    await world.completeTask('supervisor1', order.id, 'negotiate', { agreed: true, amount: 8000 });
    const memo = await world.openTask('supervisor1', order.id, 'sign-settlement');
    expect((await world.tryComplete('supervisor1', memo.id, {})).status).toBe(400);
    expect((await world.tryComplete('supervisor1', memo.id, { memoNumber: '' })).status).toBe(400);
    await world.complete('supervisor1', memo.id, { memoNumber: 'HJ-2026-0042' });

    now = await world.order(order.id);
    expect(now.status).toBe('closed');
    expect((now as any).fees.settlement).toMatchObject({ amount: 8000, amountCents: 800_000, memoNumber: 'HJ-2026-0042', contactSheetNumber: `LXD-${order.number}` });
    expect(entries(now, 'negotiation-round')).toHaveLength(3);
    expect(entries(now, 'settled')[0]!.note).toContain('HJ-2026-0042');
    expect((await world.instance(now.processInstanceKey)).state).toBe('completed');
  });

  it('R-COMP-3: the developer does not authorise: the customer service manager revises the solution', async () => {
    const order = await reportClaim(9000);
    await toAuthorisation(order);
    await world.completeTask('manager1', order.id, 'approve-claim', { approved: false });
    expect(await world.openKinds('manager1', order.id)).toEqual(['draft-solution']);
  });

  it('R-COMP-3: a failed negotiation is recorded and the claim closed as rejected', async () => {
    const order = await reportClaim(9000);
    await toAuthorisation(order);
    await world.completeTask('manager1', order.id, 'approve-claim', { approved: true });
    await world.completeTask('supervisor1', order.id, 'negotiate', { agreed: false, failed: true, note: '业主坚持全额赔偿' });
    const now = await world.order(order.id);
    expect(now.status).toBe('rejected');
    expect(now.fields.authorisedAmount).toBe(6500);
    expect(entries(now, 'negotiation-failed')).toHaveLength(1);
    expect(entries(now, 'claim-closed')).toHaveLength(1);
    expect((await world.instance(now.processInstanceKey)).state).toBe('completed');
  });
});

describe('R-COMP-5: dissatisfaction with repair quality', () => {
  it('a small fix with the developer\'s consent is done at once', async () => {
    const order = await reportClaim(0, 'quality-dissatisfaction');
    expect(order.fields.claimSize).toBe('quality');
    await world.completeTask('supervisor1', order.id, 'assess-quality-fix', { smallFix: true });
    await world.completeTask('supervisor1', order.id, 'approve-claim', { approved: true });
    // R-DISP-1: the plumbing job (漏水) in building 1 goes to the plumber based there; the supervisor confirms.
    const dispatch = await world.openTask('supervisor1', order.id, 'dispatch-technician');
    expect(dispatch.variables).toMatchObject({ proposedTechnicianId: 'T-A1' });
    expect(dispatch.variables.proposalReason).toContain('同楼栋 same building 1栋');
    await world.complete('supervisor1', dispatch.id, {});
    const now = await world.order(order.id);
    expect(now.status).toBe('closed');
    expect(now.fields).toMatchObject({ technicianRecordId: 'T-A1', technicianName: '赵磊', technicianChangedFromProposal: false });
    expect((now as any).technicianId).toBe('tech1');
    expect((await world.notifications('resident1', order.id)).some((n) => n.text.includes('赵磊'))).toBe(true);
    expect(entries(now, 'quality-fix-arranged')).toHaveLength(1);
    expect((await world.notifications('unitA1', order.id)).length).toBeGreaterThan(0);
    expect((await world.instance(now.processInstanceKey)).state).toBe('completed');
  });

  it('R-DISP-1: the supervisor changes the proposed technician; the resident hears who comes', async () => {
    const order = await reportClaim(0, 'quality-dissatisfaction');
    await world.completeTask('supervisor1', order.id, 'assess-quality-fix', { smallFix: true });
    await world.completeTask('supervisor1', order.id, 'approve-claim', { approved: true });
    await world.completeTask('supervisor1', order.id, 'dispatch-technician', { technicianId: 'T-A2', note: '赵磊休假' });
    const now = await world.order(order.id);
    expect(now.fields).toMatchObject({ technicianRecordId: 'T-A2', technicianName: '钱勇', technicianChangedFromProposal: true });
    expect(entries(now, 'technician-assigned')[0]!.note).toContain('主管改派');
    expect((await world.notifications('resident1', order.id)).some((n) => n.text.includes('钱勇'))).toBe(true);
  });

  it('a large one is reviewed within 3 days (on time at 2 days 23:59), then the GM signs and the developer replies', async () => {
    await world.scenarioAt('10:00');
    const order = await reportClaim(0, 'quality-dissatisfaction');
    await world.completeTask('supervisor1', order.id, 'assess-quality-fix', { smallFix: false });
    const sentAt = await world.now();
    const review = await world.openTask('manager1', order.id, 'review-quality');
    expect(review.dueAt).toBe(plus(sentAt, 'P3D'));
    await world.advance('P2DT23H59M');
    expect(entries(await world.order(order.id), 'escalation')).toEqual([]);
    await world.complete('manager1', review.id, { recommendation: '更换整樘窗户' });
    expectMet(deadline(await world.order(order.id), 'review-quality'), plus(sentAt, 'P3D'), plus(sentAt, 'P2DT23H59M'));
    await world.completeTask('manager1', order.id, 'gm-sign');
    await world.completeTask('manager1', order.id, 'developer-confirmation', { confirmed: true, plan: '开发商更换窗户' });
    const now = await world.order(order.id);
    expect(now.status).toBe('closed');
    expect(now.fields.recommendation).toBe('更换整樘窗户');
    expect(entries(now, 'contact-sheet-signed').map((e) => e.note).join('\n')).toContain('开发商签复');
  });

  it('not reviewed within 3 days: breached and escalated; the developer\'s refusal sends it back for review', async () => {
    await world.scenarioAt('10:00');
    const order = await reportClaim(0, 'quality-dissatisfaction');
    await world.completeTask('supervisor1', order.id, 'assess-quality-fix', { smallFix: true });
    await world.completeTask('supervisor1', order.id, 'approve-claim', { approved: false });
    const sentAt = await world.now();
    await world.advance('P3D');
    const late = await world.order(order.id);
    expectBreached(deadline(late, 'review-quality'), plus(sentAt, 'P3D'));
    expect(entries(late, 'escalation', 'pf-review-breach')).toHaveLength(1);

    await world.completeTask('manager1', order.id, 'review-quality', { recommendation: '返修' });
    await world.completeTask('manager1', order.id, 'gm-sign');
    await world.completeTask('manager1', order.id, 'developer-confirmation', { confirmed: false });
    expect(await world.openKinds('manager1', order.id)).toEqual(['review-quality']);
  });
});
