/**
 * The resident portal: a resident does their own steps. The tasks of kind
 * `resident-consent` (repair R-REP-10, paid service R-PAID-3), `return-visit`
 * (repair R-REP-12, paid service R-PAID-6) and the complaint's signature and
 * rating (R-CMP-4) are open to the group `resident` as well as to the staff
 * group, and the tasklist shows a group-`resident` task only to the order's
 * own reporter: resident1 sees and completes the steps of their order,
 * resident2 (another flat) neither sees them nor may complete them (403).
 * Through the HTTP API on the embedded engine, the models of processes/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type DemoUser, RepairWorld, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T08:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

/** resident1 sees exactly one open task of `kind` on the order, resident2 none: not in the list, 404 by id, 403 to complete. */
async function onlyTheReporterSees(orderId: string, kind: string): Promise<string> {
  const mine = await world.openTask('resident1', orderId, kind);
  expect(mine.candidateGroups).toContain('resident');
  expect(await world.openKinds('resident2', orderId)).toEqual([]);
  expect((await world.taskQuery('resident2', `kind=${kind}`)).map((t) => t.id)).not.toContain(mine.id);
  expect((await (await world.as('resident2')).get(`/api/tasks/${mine.id}`)).status).toBe(404);
  const refused = await world.tryComplete('resident2', mine.id, kind === 'resident-consent' ? { consent: true } : { satisfied: true, rating: 5 });
  expect(refused.status, JSON.stringify(refused.body)).toBe(403);
  expect(refused.body.error.code).toBe('TASK_NOT_YOURS');
  return mine.id;
}

/** The staff group still sees the step too (the unit's device, the service centre's phone call). */
async function staffSeesToo(user: DemoUser, orderId: string, kind: string): Promise<void> {
  expect((await world.openKinds(user, orderId)).includes(kind)).toBe(true);
}

describe('resident portal: the resident does their own steps', () => {
  it('R-REP-10, R-REP-12: resident1 accepts the fee and answers the return visit of their own repair; resident2 cannot', async () => {
    const at = await world.scenarioAt('09:00');
    const order = await world.create('repair', {
      faultType: 'plumbing',
      symptom: '漏水',
      part: '厨房',
      description: '厨房水龙头更换 Kitchen tap to replace',
      priority: 3,
      responsibility: 'paid',
      channel: 'app',
    }, 'resident1');
    await world.completeTask('unitA1', order.id, 'sign-off');
    await world.completeTask('unitA1', order.id, 'contact-resident', { agreedArrivalAt: plus(at, 'PT40M') });
    await world.completeTask('unitA1', order.id, 'confirm-arrival');

    await staffSeesToo('unitA1', order.id, 'resident-consent');
    const consent = await onlyTheReporterSees(order.id, 'resident-consent');
    await world.complete('resident1', consent, { consent: true });
    expect(await world.openKinds('unitA1', order.id)).toEqual(['report-result']);

    await world.completeTask('unitA1', order.id, 'report-result', { result: 'repaired', actualItem: '更换水龙头', fee: 80 });
    await world.completeTask('unitA1', order.id, 'resident-signature', { quality: 5, timeliness: 5, attitude: 5 });

    await staffSeesToo('dispatcher1', order.id, 'return-visit');
    const visit = await onlyTheReporterSees(order.id, 'return-visit');
    await world.complete('resident1', visit, { satisfied: true, rating: 5, comment: '师傅很专业' });
    const done = await world.order(order.id);
    expect(done.status).toBe('closed');
    expect(done.timeline.some((e) => e.type === 'task-completed' && e.elementId === 'return-visit' && e.actor === 'resident1')).toBe(true);
  });

  it('R-PAID-3, R-PAID-6: resident1 consents to the assessed fee and answers the return visit of their paid service', async () => {
    const at = await world.scenarioAt('09:00');
    const order = await world.create('paid-service', { description: '阳台加装一路进水管' });
    await world.completeTask('dispatcher1', order.id, 'fee-assessment', { fee: 150, plan: 'PPR 管明装 2 米' });

    await staffSeesToo('dispatcher1', order.id, 'resident-consent');
    const consent = await onlyTheReporterSees(order.id, 'resident-consent');
    await world.complete('resident1', consent, { consent: true });
    // Consent given: only then the service centre replies with the appointment (R-PAID-3).
    expect(await world.openKinds('dispatcher1', order.id)).toEqual(['reply-resident']);
    expect((await world.order(order.id)).assignedUnitId).toBeNull();

    await world.completeTask('dispatcher1', order.id, 'reply-resident', { appointmentAt: plus(at, 'PT2H') });
    await world.completeTask('unitA1', order.id, 'resident-inspection', { accepted: true });
    await world.completeTask('dispatcher1', order.id, 'collect-fee', { receiptNumber: 'R-0001', amount: 150 });
    await world.completeTask('finance1', order.id, 'finance-handover', { amountReceived: 150 });
    const visit = await onlyTheReporterSees(order.id, 'return-visit');
    await world.complete('resident1', visit, { satisfied: true, rating: 4 });
    expect((await world.order(order.id)).status).toBe('closed');
  });

  it('R-CMP-4: resident1 signs and rates the outcome of their own complaint; resident2 cannot', async () => {
    await world.scenarioAt('09:00');
    const order = await world.create('complaint', { description: '保洁人员态度恶劣 cleaner rude' });
    await world.completeTask('dispatcher1', order.id, 'classify-complaint', { classification: 'valid' });
    await world.completeTask('supervisor1', order.id, 'contact-complainant', { resolutionPromisedAt: plus(await world.now(), 'P1D') });
    await world.completeTask('supervisor1', order.id, 'handle-complaint', { resolution: '已更换保洁员' });

    await staffSeesToo('supervisor1', order.id, 'complaint-signature');
    const signature = await onlyTheReporterSees(order.id, 'complaint-signature');
    await world.complete('resident1', signature, { satisfied: true, rating: 5 });
    expect((await world.order(order.id)).status).toBe('closed');
  });
});
