/**
 * The workers of quality rectification and compensation (and smart dispatch)
 * with in-memory fakes and the models' own headers: every path ends in
 * complete or a deliberate fail, and a redelivered job writes nothing twice.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import type { TechnicianCandidate, TechnicianPool } from '../../domain/dispatch.js';
import type { LegacyProblemPatch, LegacyRegister, LegacyRegistration } from '../../domain/legacy-register.js';
import type { OpenProcedureInput, OpenedProcedure, ProcedureLauncher } from '../../domain/procedures.js';
import { flowElements, parseModel, processes, taskHeaders } from '../../engine/lint/index.js';
import arrange from '../../workers/arrange-defect-confirmation.js';
import assignTechnician from '../../workers/assign-technician.js';
import linkProcedure from '../../workers/link-procedure.js';
import proposeTechnician from '../../workers/propose-technician.js';
import recordNegotiationRound from '../../workers/record-negotiation-round.js';
import recordOverdue from '../../workers/record-overdue.js';
import recordStep from '../../workers/record-step.js';
import registerClaim from '../../workers/register-claim.js';
import registerLegacyProblem from '../../workers/register-legacy-problem.js';
import settleClaim from '../../workers/settle-claim.js';
import { fakes, job } from './fakes.js';
import { headersOf as repairHeadersOf } from './model.js';

async function headersIn(model: string): Promise<(id: string) => Record<string, string>> {
  const file = fileURLToPath(new URL(`../../processes/${model}.bpmn`, import.meta.url));
  const parsed = await parseModel(readFileSync(file, 'utf8'));
  const elements = new Map(processes(parsed.definitions).flatMap((p) => flowElements(p)).map((e) => [String(e.id), e]));
  return (id) => {
    const element = elements.get(id);
    if (!element) throw new Error(`${model}.bpmn has no element ${id}`);
    return taskHeaders(element);
  };
}
const quality = await headersIn('quality');
const compensation = await headersIn('compensation');

class FakeRegister implements LegacyRegister {
  readonly rows = new Map<string, LegacyRegistration & { patches: LegacyProblemPatch[] }>();
  register(entry: LegacyRegistration): Promise<void> {
    if (!this.rows.has(entry.workOrderId)) this.rows.set(entry.workOrderId, { ...entry, patches: [] });
    return Promise.resolve();
  }
  update(id: string, patch: LegacyProblemPatch): Promise<void> {
    this.rows.get(id)?.patches.push(patch);
    return Promise.resolve();
  }
  addContactSheetStep(): Promise<void> {
    return Promise.resolve();
  }
  addProgress(): Promise<void> {
    return Promise.resolve();
  }
}

class FakeLauncher implements ProcedureLauncher {
  readonly opened = new Map<string, OpenProcedureInput>();
  open(input: OpenProcedureInput): Promise<OpenedProcedure> {
    const created = !this.opened.has(input.key);
    this.opened.set(input.key, input);
    return Promise.resolve({ workOrderId: `WO-${input.kind}`, number: 'ZL-20261123-0001', kind: input.kind, processInstanceKey: 'PI-9', created });
  }
}

class FakePool implements TechnicianPool {
  constructor(readonly technicians: TechnicianCandidate[]) {}
  candidates(unitId: string): Promise<TechnicianCandidate[]> {
    return Promise.resolve(this.technicians.filter((t) => t.unitId === unitId));
  }
  get(id: string): Promise<TechnicianCandidate | undefined> {
    return Promise.resolve(this.technicians.find((t) => t.id === id));
  }
}

describe('quality rectification workers', () => {
  it('R-QR-1: arrange-defect-confirmation: due 5 minutes later by the model, the unit and the resident told once', async () => {
    const { deps, orders, notifier } = fakes();
    const handler = arrange.createHandler(deps);
    const j = job('arrange-defect-confirmation', { channel: 'phone', reportedBy: 'dispatcher1' }, quality('qr-arrange-confirmation'), 'k-arrange');
    const outcome = await handler(j);
    expect(outcome).toEqual({
      outcome: 'complete',
      variables: { currentUnitId: 'U-A', confirmDueAt: '2026-11-23T10:05:00+08:00', followUpUsers: ['dispatcher1'] },
    });
    await handler(j);
    expect(notifier.sent.map((m) => m.to).sort()).toEqual(['resident', 'unit:U-A']);
    expect(orders.order()).toMatchObject({ status: 'dispatched', assignedUnitId: 'U-A' });
    expect(orders.deadlines.get('confirm-defect')?.dueAt.toISOString()).toBe('2026-11-23T02:05:00.000Z');
  });

  it('R-QR-1, R-QR-2: register-legacy-problem: the developer unless engineering says otherwise; no register wired → a clear incident', async () => {
    const { deps, orders } = fakes();
    const register = new FakeRegister();
    const outcome = await registerLegacyProblem.createHandler({ ...deps, register })(job('register-legacy-problem', { orderNumber: 'ZL-20261123-0001' }));
    expect(outcome).toEqual({ outcome: 'complete', variables: { liableParty: 'developer', coordinationSheetNumber: 'XTD-ZL-20261123-0001' } });
    expect(register.rows.get('WO1')).toMatchObject({ liableParty: 'developer', coordinationSheetNumber: 'XTD-ZL-20261123-0001' });
    expect(orders.order().status).toBe('on-site');
    const unwired = await registerLegacyProblem.createHandler(deps)(job('register-legacy-problem', {}));
    expect(unwired).toMatchObject({ outcome: 'fail', retries: 0 });
  });

  it('R-QR-1: record-overdue: once per deadline and due time, escalated to the model\'s recipients; an unknown deadline is an incident', async () => {
    const { deps, orders, notifier } = fakes();
    const handler = recordOverdue.createHandler(deps);
    const vars = { confirmDueAt: '2026-11-23T10:05:00+08:00', currentUnitId: 'U-A' };
    await handler(job('record-overdue', vars, quality('qr-confirm-breach')));
    await handler(job('record-overdue', vars, quality('qr-confirm-breach')));
    expect(orders.types()).toEqual(['escalation']);
    expect(orders.closes).toHaveLength(2);
    expect(notifier.sent.map((m) => m.to).sort()).toEqual(['group:supervisor', 'unit:U-A']);
    expect(await handler(job('record-overdue', vars, { deadline: 'sign-off' }))).toMatchObject({ outcome: 'fail', retries: 0 });
  });

  it('R-RESP (4): link-procedure opens the quality order through the launcher, keyed by the job', async () => {
    const { deps, orders } = fakes();
    const procedures = new FakeLauncher();
    const j = job('link-procedure', { responsibility: 'developer' }, repairHeadersOf('link-quality-procedure'), 'k-link');
    const outcome = await linkProcedure.createHandler({ ...deps, procedures })(j);
    expect(outcome).toEqual({
      outcome: 'complete',
      variables: { linkedProcedure: 'quality', linkedWorkOrderId: 'WO-quality', linkedOrderNumber: 'ZL-20261123-0001' },
    });
    expect(procedures.opened.get('k-link')).toMatchObject({ kind: 'quality', fromWorkOrderId: 'WO1', actor: 'system' });
    expect(orders.order().fields).toMatchObject({ linkedWorkOrderId: 'WO-quality' });
  });
});

describe('compensation workers', () => {
  it('R-COMP-2/3: register-claim reads the threshold from the model and the claim type from the claim or the fault type', async () => {
    const { deps, orders } = fakes();
    const handler = registerClaim.createHandler(deps);
    expect(await handler(job('register-claim', { claimAmount: 2000, faultType: 'loss' }, compensation('pf-register-claim')))).toMatchObject({
      outcome: 'complete',
      variables: { claimType: 'loss', claimAmount: 2000, smallClaimThreshold: 2000, currentUnitId: 'U-A' },
    });
    expect(orders.order().fields['claimSize']).toBe('small');
    expect(await handler(job('register-claim', { claimType: 'quality-dissatisfaction' }, compensation('pf-register-claim')))).toMatchObject({
      variables: { claimType: 'quality-dissatisfaction', claimAmount: 0 },
    });
    expect(await handler(job('register-claim', {}, { smallClaimThreshold: 'two thousand' }))).toMatchObject({ outcome: 'fail', retries: 0 });
  });

  it.each([
    [{ agreed: true, amount: 7000, authorisedAmount: 7000 }, 'agreed', 7000],
    [{ agreed: true, authorisedAmount: 6500 }, 'agreed', 6500],
    [{ agreed: true, amount: 7000.01, authorisedAmount: 7000 }, 'over-authority', null],
    [{ agreed: false, failed: true }, 'failed', null],
    [{ agreed: false }, 'continue', null],
  ])('R-COMP-1, R-COMP-3: a round %j is %s', async (vars, outcome, agreedAmount) => {
    const { deps } = fakes();
    const result = await recordNegotiationRound.createHandler(deps)(job('record-negotiation-round', { ...vars, negotiationRound: 1 }));
    expect(result).toEqual({ outcome: 'complete', variables: { negotiationRound: 2, negotiationOutcome: outcome, agreedAmount } });
  });

  it('R-COMP-4: settle-claim never settles without the papers the model asks for', async () => {
    const { deps, orders } = fakes();
    const handler = settleClaim.createHandler(deps);
    expect(await handler(job('settle-claim', { contactSheetNumber: 'LXD-1', agreedAmount: 800 }, compensation('pf-settle')))).toMatchObject({ outcome: 'fail', retries: 0 });
    expect(await handler(job('settle-claim', { memoNumber: 'HJ-1', agreedAmount: 800 }, compensation('pf-settle')))).toMatchObject({ outcome: 'fail', retries: 0 });
    expect(orders.order().status).toBe('reported');
    const ok = await handler(job('settle-claim', { memoNumber: 'HJ-1', contactSheetNumber: 'LXD-1', agreedAmount: 800 }, compensation('pf-settle')));
    expect(ok).toMatchObject({ outcome: 'complete', variables: { settledAmount: 800 } });
    expect(orders.order().status).toBe('closed');
    expect(await handler(job('settle-claim', { contactSheetNumber: 'LXD-1', authorisedAmount: 300 }, compensation('pf-settle-small')))).toMatchObject({
      outcome: 'complete',
      variables: { settledAmount: 300 },
    });
  });

  it('record-step keeps the named decision fields, fills the note, leaves unknown placeholders readable', async () => {
    const { deps, orders } = fakes();
    const outcome = await recordStep.createHandler(deps)(job('record-step', { claimAmount: 9000, negotiationAt: null }, compensation('pf-record-claim-details')));
    expect(outcome).toEqual({ outcome: 'complete', variables: {} });
    expect(orders.order().fields).toMatchObject({ claimAmount: 9000, negotiationAt: null });
    expect(orders.timeline[0]?.note).toContain('诉求 9000 元,底线 - 元');
    expect(await recordStep.createHandler(deps)(job('record-step', {}, { fields: 'a.b', note: 'x' }))).toMatchObject({ outcome: 'fail', retries: 0 });
  });
});

describe('smart dispatch workers (R-DISP-1)', () => {
  const pool = () =>
    new FakePool([
      { id: 'T1', name: '赵磊', unitId: 'U-A', skills: ['plumbing'], homeBuilding: '1栋', load: 1, username: 'tech1' },
      { id: 'T2', name: '钱勇', unitId: 'U-A', skills: ['electrical'], homeBuilding: '2栋', load: 0 },
      { id: 'T3', name: '李军', unitId: 'U-B', skills: ['plumbing'], load: 0 },
    ]);

  it('proposes by skill, building and load among the unit\'s technicians, with the reason', async () => {
    const { deps, orders } = fakes();
    const handler = proposeTechnician.createHandler({ ...deps, technicians: pool() });
    const outcome = await handler(job('propose-technician', { currentUnitId: 'U-A', description: '厨房水管漏水', address: '2栋101' }));
    expect(outcome).toMatchObject({ outcome: 'complete', variables: { proposedTechnicianId: 'T1' } });
    expect(orders.order().fields['proposalReason']).toContain('技能匹配 plumbing');
    const none = await handler(job('propose-technician', { currentUnitId: 'U-Z', description: '漏水' }));
    expect(none).toMatchObject({ outcome: 'complete', variables: { proposedTechnicianId: null } });
    expect(await proposeTechnician.createHandler(deps)(job('propose-technician', { currentUnitId: 'U-A' }))).toMatchObject({ outcome: 'fail' });
  });

  it('assigns the supervisor\'s choice (or the proposal) by their login, tells the resident who comes, once', async () => {
    const { deps, orders, notifier } = fakes();
    const technicians = pool();
    const handler = assignTechnician.createHandler({ ...deps, technicians });
    const j = job('assign-technician', { proposedTechnicianId: 'T1' }, {}, 'k-assign');
    expect(await handler(j)).toEqual({ outcome: 'complete', variables: { assignedTechnicianId: 'T1' } });
    await handler(j);
    expect(orders.order().fields).toMatchObject({ technicianRecordId: 'T1', technicianChangedFromProposal: false });
    expect(notifier.to('resident')).toHaveLength(1);
    expect(await handler(job('assign-technician', {}))).toMatchObject({ outcome: 'fail', retries: 0 });
    expect(await handler(job('assign-technician', { technicianId: 'T9' }))).toMatchObject({ outcome: 'fail', retries: 0 });
  });
});
