/* eslint-disable @typescript-eslint/no-explicit-any -- process tests read arbitrary JSON answers of the API */
/**
 * Links between procedures (issue 3): a repair whose cause is a developer
 * legacy defect opens a quality rectification (R-RESP (4), R-QR-1); a repair
 * dispute or loss claim opens a compensation negotiation (R-COMP-1, raised
 * with POST /api/work-orders/:id/claims). The orders are linked both ways and
 * each timeline shows the other, up to the linked order's end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RepairWorld, entries } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T09:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

describe('R-RESP (4), R-QR-1: a repair whose responsibility is the developer opens a quality rectification', () => {
  it('the repair is transferred and closed; the quality order runs its own process; both orders link and show each other', async () => {
    await world.scenarioAt('10:00');
    const repair = await world.report({ responsibility: 'developer', description: '交房后卫生间墙面持续渗水' });
    expect(repair.status).toBe('closed');
    expect(repair.fields.linkedProcedure).toBe('quality');
    const link = (repair as any).links as any[];
    expect(link).toHaveLength(1);
    expect(link[0]).toMatchObject({ kind: 'quality', relation: 'follow-up' });
    expect(link[0].number).toMatch(/^ZL-/);
    expect(repair.fields.linkedOrderNumber).toBe(link[0].number);

    const quality = await world.order(link[0].workOrderId);
    expect(quality).toMatchObject({ kind: 'quality', status: 'dispatched', communityId: 'C001', address: (repair as any).address });
    expect((quality as any).links).toEqual([expect.objectContaining({ workOrderId: repair.id, number: repair.number, kind: 'repair', relation: 'origin' })]);
    expect((quality as any).description).toBe('交房后卫生间墙面持续渗水');
    expect(entries(quality, 'linked')[0]!.note).toContain(repair.number);
    expect(entries(repair, 'linked')[0]!.note).toContain(quality.number);
    // The resident of the repair sees the quality order as their own.
    const mine = await (await world.as('resident1')).get(`/api/work-orders/${quality.id}`);
    expect(mine.status).toBe(200);

    // The quality procedure runs; its end is written on the repair's timeline.
    await world.completeTask('unitA1', quality.id, 'confirm-defect', { liableParty: 'owner' });
    const after = await world.order(repair.id);
    expect(entries(after, 'linked-order').map((e) => e.note).join('\n')).toContain(quality.number);
  });
});

describe('R-COMP-1: a dispute or loss claim on a repair opens a compensation negotiation', () => {
  it('raised by the resident on their repair: a linked compensation order with its own process; settled; both timelines', async () => {
    await world.scenarioAt('10:00');
    const repair = await world.report();
    const resident = await world.as('resident1');
    const raised = await resident.post(`/api/work-orders/${repair.id}/claims`, { claimType: 'loss', claimAmount: 500, description: '维修时损坏地砖' });
    expect(raised.status, JSON.stringify(raised.body)).toBe(201);
    expect(raised.body).toMatchObject({ kind: 'compensation', sourceWorkOrderId: repair.id, created: true });
    await world.server.engine.idle();

    const claim = await world.order(raised.body.id);
    expect(claim).toMatchObject({ kind: 'compensation', description: '维修时损坏地砖' });
    expect(claim.fields).toMatchObject({ claimType: 'loss', claimAmount: 500 });
    expect((claim as any).links).toEqual([expect.objectContaining({ workOrderId: repair.id, relation: 'origin', kind: 'repair' })]);
    const source = await world.order(repair.id);
    expect((source as any).links).toEqual([expect.objectContaining({ workOrderId: claim.id, relation: 'follow-up', kind: 'compensation' })]);
    // The repair itself goes on.
    expect(await world.openKinds('unitA1', repair.id)).toEqual(['sign-off']);

    await world.completeTask('supervisor1', claim.id, 'approve-claim', { approved: true, amount: 300 });
    const settled = await world.order(repair.id);
    expect(entries(settled, 'linked-order').map((e) => e.note).join('\n')).toContain('300.00 元');
  });

  it('who may raise it, idempotency, and what is refused', async () => {
    const repair = await world.report();
    const dispatcher = await world.as('dispatcher1');
    const first = await dispatcher.request('POST', `/api/work-orders/${repair.id}/claims`, { claimType: 'dispute' }, { 'Idempotency-Key': 'call-42' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await dispatcher.request('POST', `/api/work-orders/${repair.id}/claims`, { claimType: 'dispute' }, { 'Idempotency-Key': 'call-42' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.body.id, created: false });
    await world.server.engine.idle();
    expect(((await world.order(repair.id)) as any).links).toHaveLength(1);

    expect((await (await world.server.as('resident2')).post(`/api/work-orders/${repair.id}/claims`, { claimType: 'loss' })).status).toBe(404);
    expect((await (await world.server.as('finance1')).post(`/api/work-orders/${repair.id}/claims`, { claimType: 'loss' })).status).toBe(403);
    expect((await dispatcher.post(`/api/work-orders/${repair.id}/claims`, { claimType: 'bribe' })).status).toBe(400);
    expect((await dispatcher.post(`/api/work-orders/${first.body.id}/claims`, { claimType: 'loss' })).status).toBe(409);
    expect((await dispatcher.post('/api/work-orders/65f000000000000000000000/claims', { claimType: 'loss' })).status).toBe(404);
  });
});

describe('R-COMP-1: a claim raised at the repair return visit (the model step, no separate call)', () => {
  it('R-COMP-1, R-REP-12: the return visit with claim = loss opens a linked compensation negotiation with the amount; the repair closes as satisfied; a later return visit without a claim opens no second one', async () => {
    await world.scenarioAt('10:00');
    const repair = await world.report();
    await world.toOnSite(repair.id);
    await world.completeTask('unitA1', repair.id, 'report-result', { result: 'repaired' });
    await world.completeTask('unitA1', repair.id, 'resident-signature', { quality: 3, timeliness: 4, attitude: 4 });
    // Not satisfied and a loss claim: rework and a compensation negotiation.
    await world.completeTask('dispatcher1', repair.id, 'return-visit', { satisfied: false, rating: 2, claim: 'loss', claimAmount: 800 });

    let source = await world.order(repair.id);
    const links = (source as any).links as any[];
    expect(links).toEqual([expect.objectContaining({ kind: 'compensation', relation: 'follow-up' })]);
    const transfer = entries(source, 'transferred', 'link-compensation-procedure');
    expect(transfer).toHaveLength(1);
    expect(transfer[0]!.note).toContain('损失赔付 loss claim 800 元');
    expect(entries(source, 'linked')[0]!.note).toContain(links[0].number);
    expect(source.status).toBe('dispatched');

    const claim = await world.order(links[0].workOrderId);
    expect(claim).toMatchObject({ kind: 'compensation' });
    expect(claim.fields).toMatchObject({ claimType: 'loss', claimAmount: 800, sourceWorkOrderId: repair.id });
    expect(entries(claim, 'linked')[0]!.note).toContain(repair.number);
    expect(await world.openKinds('supervisor1', claim.id)).toEqual(['approve-claim']);

    // The rework's return visit, satisfied and without a claim: closed, still one linked claim.
    await world.toOnSite(repair.id);
    await world.completeTask('unitA1', repair.id, 'report-result', { result: 'repaired' });
    await world.completeTask('unitA1', repair.id, 'resident-signature', { quality: 5, timeliness: 5, attitude: 5 });
    await world.completeTask('dispatcher1', repair.id, 'return-visit', { satisfied: true, rating: 5 });
    source = await world.order(repair.id);
    expect(source.status).toBe('closed');
    expect((source as any).links).toHaveLength(1);
    expect(entries(source, 'transferred')).toHaveLength(1);
  });

  it('R-COMP-1: an unknown claim type is refused (400); a return visit without a claim links nothing', async () => {
    await world.scenarioAt('10:00');
    const repair = await world.report();
    await world.toOnSite(repair.id);
    await world.completeTask('unitA1', repair.id, 'report-result', { result: 'repaired' });
    await world.completeTask('unitA1', repair.id, 'resident-signature', { quality: 5, timeliness: 5, attitude: 5 });
    const visit = await world.openTask('dispatcher1', repair.id, 'return-visit');
    const bad = await world.tryComplete('dispatcher1', visit.id, { satisfied: true, claim: 'bribe' });
    expect(bad.status).toBe(400);
    await world.complete('dispatcher1', visit.id, { satisfied: true, rating: 5 });
    const done = await world.order(repair.id);
    expect(done.status).toBe('closed');
    expect((done as any).links ?? []).toEqual([]);
  });
});
