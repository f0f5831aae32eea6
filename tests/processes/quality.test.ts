/* eslint-disable @typescript-eslint/no-explicit-any -- process tests read arbitrary JSON answers of the API */
/**
 * Quality rectification (工程质量整改, R-QR-1..4) through the HTTP API on the
 * embedded engine, time moved only by the controllable clock. Every deadline
 * is checked on both sides: just before it nothing happens, at it the breach
 * is recorded and escalated.
 *
 * Scenario: a resident's housing quality problem is reported; engineering
 * (unit U-A) confirms it on site within 5 minutes; it enters the
 * legacy-problem register with a coordination sheet; by liable party it goes
 * through the developer's work contact sheet chain (office director →
 * customer service department → general manager → developer), the owners'
 * committee (maintenance fund), straight to the warranty unit, or closes as
 * the owner's own; the resident is told plan and ETA, progress is reported,
 * the resident accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RepairWorld, deadline, deadlinesNamed, entries, expectBreached, expectMet, expectOpen, plus, type Order } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T09:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

/** POST /api/work-orders kind quality as the dispatcher (a phone report). */
async function reportQuality(description = '卧室墙面渗水,交房后即有'): Promise<Order> {
  const res = await (await world.as('dispatcher1')).post('/api/work-orders', {
    kind: 'quality',
    communityId: 'C001',
    address: '1栋1单元101',
    description,
    reporter: { name: '张伟', phone: '13812345678' },
    channel: 'phone',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.number).toMatch(/^ZL-\d{8}-\d{4}$/);
  await world.server.engine.idle();
  return world.order(res.body.id as string);
}

async function register(workOrderId: string): Promise<any> {
  const res = await (await world.as('supervisor1')).get('/api/legacy-register?limit=500');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as any[]).find((r) => r.workOrderId === workOrderId);
}

/** From the report to a confirmed, registered problem with this liable party. */
async function confirmed(liableParty: string, extra: Record<string, unknown> = {}): Promise<Order> {
  const order = await reportQuality();
  await world.completeTask('unitA1', order.id, 'confirm-defect', { liableParty, finding: '外墙防水层破损', ...extra });
  return world.order(order.id);
}

/** The developer chain up to the developer's confirmation task (R-QR-3). */
async function toDeveloper(order: Order): Promise<void> {
  await world.completeTask('supervisor1', order.id, 'sign-contact-sheet', { note: '同意上报' });
  await world.completeTask('manager1', order.id, 'review-contact-sheet');
  await world.completeTask('manager1', order.id, 'gm-sign');
}

/** Plan told, works completed and accepted: closed (R-QR-4). */
async function rectifyAndAccept(order: Order): Promise<void> {
  await world.completeTask('supervisor1', order.id, 'report-progress', { completed: true, progress: '防水层已重做' });
  await world.completeTask('resident1', order.id, 'resident-acceptance', { accepted: true, rating: 5 });
}

describe('R-QR-1: engineering confirms on site within 5 minutes of being arranged', () => {
  it('confirmed at 4 minutes: deadline met, the problem enters the register with a coordination sheet', async () => {
    const at = await world.scenarioAt('10:00');
    const order = await reportQuality();
    expect(order).toMatchObject({ status: 'dispatched', assignedUnitId: 'U-A' });
    const task = await world.openTask('unitA1', order.id, 'confirm-defect');
    expect(task.candidateGroups).toEqual(['unit:U-A']);
    expect(task.dueAt).toBe(plus(at, 'PT5M'));
    expectOpen(deadline(order, 'confirm-defect'), plus(at, 'PT5M'));
    // R-RESP (4): apology and the follow-up person.
    const told = await world.notifications('resident1', order.id);
    expect(told.map((n) => n.text).join('\n')).toContain('跟进人:dispatcher1');

    await world.advance('PT4M');
    await world.complete('unitA1', task.id, { liableParty: 'developer', finding: '外墙防水层破损' });
    const after = await world.order(order.id);
    expectMet(deadline(after, 'confirm-defect'), plus(at, 'PT5M'), plus(at, 'PT4M'));
    expect(entries(after, 'escalation')).toEqual([]);
    expect(after.status).toBe('on-site');
    expect(after.fields).toMatchObject({ liableParty: 'developer', coordinationSheetNumber: `XTD-${order.number}` });
    expect(entries(after, 'legacy-problem-registered')).toHaveLength(1);

    const row = await register(order.id);
    expect(row).toMatchObject({
      orderNumber: order.number,
      communityId: 'C001',
      liableParty: 'developer',
      finding: '外墙防水层破损',
      coordinationSheetNumber: `XTD-${order.number}`,
    });
  });

  it('not confirmed at 5 minutes: breached and escalated to the supervisors; the confirmation still counts later', async () => {
    const at = await world.scenarioAt('10:00');
    const order = await reportQuality();
    await world.advance('PT4M59S');
    expect(entries(await world.order(order.id), 'escalation')).toEqual([]);
    await world.advance('PT1S');
    const late = await world.order(order.id);
    expectBreached(deadline(late, 'confirm-defect'), plus(at, 'PT5M'));
    expect(entries(late, 'escalation', 'qr-confirm-breach')).toHaveLength(1);
    expect((await world.notifications('supervisor1', order.id)).some((n) => n.text.includes('超时'))).toBe(true);
    // Non-interrupting: engineering can still confirm; the breach stays on the ledger.
    await world.completeTask('unitA1', order.id, 'confirm-defect', { liableParty: 'warranty-unit' });
    const after = await world.order(order.id);
    expect(deadline(after, 'confirm-defect').breached).toBe(true);
    expect(after.fields.liableParty).toBe('warranty-unit');
  });
});

describe('R-QR-2, R-QR-3, R-QR-4: a developer defect through the contact sheet chain to the resident\'s acceptance', () => {
  it('director → customer service → GM → developer confirms in time; plan told; progress; accepted; closed', async () => {
    await world.scenarioAt('09:30');
    const order = await confirmed('developer');
    const withSheet = await world.order(order.id);
    expect(withSheet.fields.contactSheetNumber).toBe(`LXD-${order.number}`);

    // R-QR-3: office director (supervisor), customer service department and GM (managers), in this order.
    expect(await world.openKinds('manager1', order.id)).toEqual([]);
    await world.completeTask('supervisor1', order.id, 'sign-contact-sheet');
    expect(await world.openKinds('supervisor1', order.id)).toEqual([]);
    await world.completeTask('manager1', order.id, 'review-contact-sheet');
    const gm = await world.completeTask('manager1', order.id, 'gm-sign');
    expect(gm.kind).toBe('gm-sign');
    const sentAt = await world.now();
    const developerTask = await world.openTask('manager1', order.id, 'developer-confirmation');
    expect(developerTask.candidateGroups).toEqual(['developer', 'manager']);
    expect(developerTask.dueAt).toBe(plus(sentAt, 'P3D'));

    // Both sides of the developer's deadline: just before it, nothing.
    await world.advance('P2DT23H59M');
    expect(entries(await world.order(order.id), 'escalation')).toEqual([]);
    await world.complete('manager1', developerTask.id, {
      confirmed: true,
      plan: '开发商安排施工队重做外墙防水',
      etaAt: plus(await world.now(), 'P7D'),
      residentAction: '施工当天请在家开门',
    });
    let now = await world.order(order.id);
    expectMet(deadline(now, 'developer-confirmation'), plus(sentAt, 'P3D'), plus(sentAt, 'P2DT23H59M'));
    expect(now.status).toBe('scheduled');
    expect(now.fields.rectificationPlan).toBe('开发商安排施工队重做外墙防水');
    const sms = (await world.notifications('resident1', order.id)).map((n) => n.text).join('\n');
    expect(sms).toContain('开发商安排施工队重做外墙防水');
    expect(sms).toContain('施工当天请在家开门');
    expect(sms).toContain('预计完成');

    // R-QR-4: progress reported (not yet complete), the resident told.
    const progress = await world.openTask('supervisor1', order.id, 'report-progress');
    expect(progress.dueAt).toBe(plus(await world.now(), 'P1D'));
    await world.complete('supervisor1', progress.id, { completed: false, progress: '已进场施工' });
    expect((await world.notifications('resident1', order.id)).some((n) => n.text.includes('已进场施工'))).toBe(true);
    await rectifyAndAccept(order);

    now = await world.order(order.id);
    expect(now.status).toBe('closed');
    expect(now.fields).toMatchObject({ qualityOutcome: 'accepted', satisfaction: 5 });
    expect((await world.instance(now.processInstanceKey)).state).toBe('completed');
    const row = await register(order.id);
    expect(row.status).toBe('closed');
    expect(row.contactSheetNumber).toBe(`LXD-${order.number}`);
    expect(row.contactSheetSteps.map((s: any) => s.step)).toEqual(['director', 'service-dept', 'gm', 'developer']);
    expect(row.progress.map((p: any) => p.note)).toEqual(['已进场施工', '防水层已重做']);
    expect(row.plan).toBe('开发商安排施工队重做外墙防水');
    expect(entries(now, 'contact-sheet-signed')).toHaveLength(4);
  });

  it('R-QR-3: the developer does not confirm within 3 days: escalated; a refusal sends the sheet back to the customer service department', async () => {
    await world.scenarioAt('09:30');
    const order = await confirmed('developer');
    await toDeveloper(order);
    const sentAt = await world.now();
    await world.advance('P3D');
    const late = await world.order(order.id);
    expectBreached(deadline(late, 'developer-confirmation'), plus(sentAt, 'P3D'));
    expect(entries(late, 'escalation', 'qr-developer-breach')).toHaveLength(1);

    await world.completeTask('manager1', order.id, 'developer-confirmation', { confirmed: false, note: '开发商认为属业主使用不当' });
    expect(await world.openKinds('manager1', order.id)).toEqual(['review-contact-sheet']);
    expect(late.fields.developerConfirmed).toBeUndefined();
    expect((await world.order(order.id)).fields.developerConfirmed).toBe(false);
  });
});

describe('R-QR-2: warranty unit, maintenance fund and owner', () => {
  it('warranty unit: the office arranges it directly; plan told, no contact sheet chain', async () => {
    await world.scenarioAt('09:30');
    const order = await confirmed('warranty-unit', { proposal: '联系保修单位更换窗框密封条' });
    expect(await world.openKinds('supervisor1', order.id)).toEqual(['report-progress']);
    const now = await world.order(order.id);
    expect(now.fields.rectificationPlan).toBe('联系保修单位更换窗框密封条');
    expect(now.fields.contactSheetNumber).toBeUndefined();
    await rectifyAndAccept(order);
    expect((await world.order(order.id)).status).toBe('closed');
  });

  it('maintenance fund: needs the owners\' committee; approved → rectified; refused → closed with the reason', async () => {
    await world.scenarioAt('09:30');
    const approved = await confirmed('maintenance-fund');
    const fund = await world.openTask('supervisor1', approved.id, 'fund-approval');
    expect(fund.candidateGroups).toEqual(['supervisor', 'owners-committee']);
    expect((await world.tryComplete('supervisor1', fund.id, {})).status).toBe(400);
    await world.complete('supervisor1', fund.id, { approved: true });
    // R-DISP-1: the company repairs from the fund: a technician is proposed and dispatched.
    await world.completeTask('supervisor1', approved.id, 'dispatch-technician');
    expect((await world.order(approved.id)).fields.technicianName).toBeDefined();
    expect(await world.openKinds('supervisor1', approved.id)).toEqual(['report-progress']);

    const refused = await confirmed('maintenance-fund');
    await world.completeTask('supervisor1', refused.id, 'fund-approval', { approved: false });
    const closed = await world.order(refused.id);
    expect(closed.status).toBe('closed');
    expect(closed.fields.qualityOutcome).toBe('fund-refused');
    expect((await register(refused.id)).status).toBe('rejected');
  });

  it('owner: explained, paid service offered, closed; the register keeps it as rejected', async () => {
    await world.scenarioAt('09:30');
    const order = await confirmed('owner');
    const closed = await world.order(order.id);
    expect(closed.status).toBe('closed');
    expect(closed.fields.qualityOutcome).toBe('owner-liable');
    expect((await world.notifications('resident1', order.id)).some((n) => n.text.includes('有偿'))).toBe(true);
    expect((await register(order.id)).status).toBe('rejected');
    expect((await world.instance(closed.processInstanceKey)).state).toBe('completed');
  });
});

describe('R-QR-4: progress is reported daily; closing needs the resident\'s acceptance', () => {
  it('a progress report is due a day later: on time at 23:59, breached at 24:00; the next report has its own deadline', async () => {
    await world.scenarioAt('09:30');
    const order = await confirmed('warranty-unit');
    const planned = await world.now();
    await world.advance('PT23H59M');
    expect(deadlinesNamed(await world.order(order.id), 'report-progress').every((d) => !d.breached)).toBe(true);
    await world.advance('PT1M');
    const late = await world.order(order.id);
    expectBreached(deadlinesNamed(late, 'report-progress')[0]!, plus(planned, 'P1D'));
    expect(entries(late, 'deadline-breached', 'qr-progress-breach')).toHaveLength(1);

    await world.completeTask('supervisor1', order.id, 'report-progress', { completed: false, progress: '材料已到场' });
    const reportedAt = await world.now();
    const next = deadlinesNamed(await world.order(order.id), 'report-progress').at(-1)!;
    expectOpen(next, plus(reportedAt, 'P1D'));
  });

  it('the resident does not accept: rectification continues (rework counted) until accepted', async () => {
    await world.scenarioAt('09:30');
    const order = await confirmed('warranty-unit');
    await world.completeTask('supervisor1', order.id, 'report-progress', { completed: true });
    expect((await world.order(order.id)).status).toBe('resolved');
    // The resident sees the acceptance in the app; another resident does not.
    expect((await world.tasks('resident1', order.id)).map((t) => t.kind)).toEqual(['resident-acceptance']);
    await world.completeTask('resident1', order.id, 'resident-acceptance', { accepted: false, comment: '墙面仍有水迹' });
    let now = await world.order(order.id);
    expect(now.status).toBe('scheduled');
    expect(now.fields.reworkCount).toBe(1);
    expect(entries(now, 'rework')).toHaveLength(1);
    await rectifyAndAccept(order);
    now = await world.order(order.id);
    expect(now.status).toBe('closed');
  });
});
