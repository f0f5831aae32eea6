/**
 * Every FEEL expression of the models (conditions, timers, assignments, due
 * dates, io mappings) parses and evaluates with feelin, the embedded engine's
 * FEEL, to a value of the right type; gateway conditions decide as the rules say;
 * every variable an expression reads is one the process has.
 */
import { evaluate, parseExpression } from '@bpmn-io/feelin';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';

import { collectFeelExpressions, feelSubsetProblems, type FeelExpression } from '../../engine/lint/index.js';
import { workers } from '../../workers/index.js';
import { forms, models } from './load.js';

const expressions: FeelExpression[] = models.flatMap((m) => collectFeelExpressions(m.definitions));

/** Variables the API starts a repair with. */
const START_VARIABLES = {
  workOrderId: 'WO1',
  orderNumber: 'BX-20261123-0042',
  communityId: 'C001',
  kind: 'repair',
  priority: 3,
  responsibility: 'shared',
  faultType: '水管',
  description: '厨房水管漏水',
  channel: 'phone',
  reportedBy: 'dispatcher1',
  reporterUserId: 'U-resident1',
  // POST /api/outages starts the outage notice with these (R-OUT-1)
  outageId: '6740a0000000000000000001',
  utility: 'water',
  planned: true,
  startsAt: '2026-11-25T09:00:00+08:00',
};

/** A process state late in the repair: every variable an expression may read. */
const SAMPLE: Record<string, unknown> = {
  ...START_VARIABLES,
  repairClass: 'routine',
  isReportMatter: false,
  needsTriage: false,
  dutyGroup: 'dispatcher',
  followUpUsers: ['dispatcher1'],
  currentUnitId: 'U-A',
  hasSecondUnit: true,
  dispatchStage: 'first',
  signOffDeadline: null,
  signOffDueAt: '2026-11-23T10:08:00+08:00',
  outcome: 'signed',
  signedAt: '2026-11-23T10:05:00+08:00',
  contactDueAt: '2026-11-23T11:05:00+08:00',
  arrivalLimitAt: null,
  feedbackDueAt: '2026-11-27T10:05:00+08:00',
  completionDueAt: '2026-11-24T10:05:00+08:00',
  endOfDayAt: '2026-11-23T23:59:59+08:00',
  maxExtensions: 2,
  maxExtensionDays: 14,
  extensionCount: 0,
  extensionDaysTotal: 0,
  extensionDays: null,
  agreedArrivalAt: '2026-11-23T11:00:00+08:00',
  arrivalDueAt: '2026-11-23T11:30:00+08:00',
  arrivalCheckAt: '2026-11-23T11:30:00+08:00',
  callbackNeeded: false,
  consent: true,
  result: 'repaired',
  withdrawalReason: null,
  approved: true,
  signedOrderDueAt: '2026-11-24T15:00:00+08:00',
  returnVisitDueAt: '2026-11-27T16:00:00+08:00',
  satisfied: true,
  // urgent appeal, paid service, complaint, consultation, outage notice
  handlingDueAt: '2026-11-23T10:30:00+08:00',
  reportDueAt: '2026-11-23T23:59:59+08:00',
  replyDueAt: '2026-11-23T10:10:00+08:00',
  handoverDueAt: '2026-11-23T23:59:59+08:00',
  handlerGroup: 'supervisor',
  resolutionDueAt: '2026-11-26T10:30:00+08:00',
  answerDueAt: '2026-11-24T10:00:00+08:00',
  noticeDueAt: '2026-11-23T10:10:00+08:00',
  notifyAt: '2026-11-24T09:00:00+08:00',
  // quality rectification (工程质量整改)
  confirmDueAt: '2026-11-23T10:05:00+08:00',
  liableParty: 'developer',
  developerConfirmDueAt: '2026-11-26T10:30:00+08:00',
  developerConfirmed: true,
  progressDueAt: '2026-11-27T10:30:00+08:00',
  completed: true,
  accepted: true,
  // compensation (赔付商谈)
  claimType: 'loss',
  claimAmount: 800,
  smallClaimThreshold: 2000,
  negotiationOutcome: 'agreed',
  smallFix: false,
  reviewDueAt: '2026-11-26T10:00:00+08:00',
};

function run(feel: FeelExpression, context: Record<string, unknown>): unknown {
  return evaluate(feel.expression, context).value;
}

function kindOf(feel: FeelExpression): 'condition' | 'date' | 'groups' | 'users' | 'other' {
  if (feel.property === 'conditionExpression') return 'condition';
  if (/timeDate$|dueDate$|followUpDate$/.test(feel.property)) return 'date';
  if (feel.property.endsWith('candidateGroups')) return 'groups';
  if (feel.property.endsWith('candidateUsers')) return 'users';
  return 'other';
}

const label = (feel: FeelExpression): string => `${feel.elementId} ${feel.property}: =${feel.expression}`;

describe('FEEL in the models', () => {
  it('there are expressions to check', () => {
    expect(expressions.length).toBeGreaterThan(20);
  });

  it.each(expressions.map((e) => [label(e), e] as const))('%s stays in the FEEL subset feelin and Zeebe share', (_, feel) => {
    expect(feelSubsetProblems(feel.expression)).toEqual([]);
  });

  it.each(expressions.map((e) => [label(e), e] as const))('%s evaluates with feelin to the right type', (_, feel) => {
    const value = run(feel, SAMPLE);
    switch (kindOf(feel)) {
      case 'condition':
        expect(typeof value).toBe('boolean');
        break;
      case 'date':
        expect(typeof value).toBe('string');
        expect(DateTime.fromISO(String(value), { setZone: true }).isValid).toBe(true);
        break;
      case 'groups':
        // Zeebe evaluates a candidateGroups expression as an array of strings
        // (a plain string is an incident there); the embedded engine takes both.
        expect(Array.isArray(value), 'a FEEL list of group names').toBe(true);
        for (const g of value as unknown[]) expect(typeof g === 'string' ? g : '').toMatch(/^[\w:.-]+$/);
        break;
      case 'users':
        expect(Array.isArray(value) && value.every((v) => typeof v === 'string')).toBe(true);
        break;
      default:
        expect(value).not.toBeNull();
    }
  });

  it('every variable an expression reads is a start variable, a worker output or a form field', () => {
    const known = new Set<string>([
      ...Object.keys(START_VARIABLES),
      ...workers.flatMap((w) => Object.keys(w.output.shape)),
      ...forms.flatMap((f) => f.components.map((c) => c.key).filter((k): k is string => k !== undefined)),
    ]);
    const unknown = expressions.flatMap((feel) => readVariables(feel.expression).filter((v) => !known.has(v)).map((v) => `${label(feel)} reads ${v}`));
    expect(unknown).toEqual([]);
  });

  it("every variable a worker requires is a start variable, a worker output or a form field", () => {
    const known = new Set<string>([
      ...Object.keys(START_VARIABLES),
      ...workers.flatMap((w) => Object.keys(w.output.shape)),
      ...forms.flatMap((f) => f.components.map((c) => c.key).filter((k): k is string => k !== undefined)),
    ]);
    const missing = workers.flatMap((w) =>
      Object.entries(w.input.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>)
        .filter(([key, schema]) => !schema.safeParse(undefined).success && !known.has(key))
        .map(([key]) => `${w.type} needs ${key}`),
    );
    expect(missing).toEqual([]);
  });
});

/** Variable names an expression reads (not function names, not properties after a dot). */
function readVariables(expression: string): string[] {
  const names: string[] = [];
  parseExpression(expression, {}, undefined).iterate({
    enter(ref) {
      if (ref.name !== 'VariableName') return;
      const parent = ref.node.parent;
      if (parent?.name === 'FunctionInvocation' && parent.firstChild?.from === ref.from) return;
      if (expression.slice(0, ref.from).trimEnd().endsWith('.')) return;
      names.push(expression.slice(ref.from, ref.to).trim());
    },
  });
  return names;
}

describe('gateway conditions decide as the rules say (a false condition is false, not null)', () => {
  const byFlow = new Map(expressions.filter((e) => e.property === 'conditionExpression').map((e) => [e.elementId, e]));
  const decide = (flowId: string, overrides: Record<string, unknown>): unknown => {
    const feel = byFlow.get(flowId);
    if (!feel) throw new Error(`no condition on ${flowId}`);
    return run(feel, { ...SAMPLE, ...overrides });
  };

  const cases: [string, string, Record<string, unknown>, boolean][] = [
    ['R-WO-3', 'f-report-matter', { isReportMatter: true }, true],
    ['R-WO-3', 'f-report-matter', { isReportMatter: false }, false],
    ['R-PRI', 'f-needs-triage', { needsTriage: true }, true],
    ['R-RESP', 'f-developer', { responsibility: 'developer' }, true],
    ['R-RESP', 'f-developer', { responsibility: 'shared' }, false],
    ['R-REP-2', 'f-second-unit', { hasSecondUnit: false }, false],
    ['R-REP-3', 'f-supervision-signed', { outcome: 'failed' }, false],
    ['R-REP-4', 'f-emergency', { priority: 2 }, true],
    ['R-REP-4', 'f-emergency', { priority: 3 }, false],
    ['R-REP-7', 'f-callback', { callbackNeeded: true }, true],
    ['R-REP-10', 'f-resident-pays', { responsibility: 'owner' }, true],
    ['R-REP-10', 'f-resident-pays', { responsibility: 'paid' }, true],
    ['R-REP-10', 'f-resident-pays', { responsibility: 'shared' }, false],
    ['R-REP-10', 'f-consent', { consent: false }, false],
    ['R-REP-8', 'f-repaired', { result: 'extension' }, false],
    ['R-REP-8', 'f-extension', { result: 'extension' }, true],
    ['R-REP-8', 'f-deferral', { result: 'deferral' }, true],
    ['R-REP-8', 'f-withdrawal', { result: 'withdrawal', withdrawalReason: 'wrong-info' }, true],
    ['R-REP-8', 'f-withdrawal', { result: 'withdrawal', withdrawalReason: null }, false],
    ['R-REP-8', 'f-extension-allowed', { extensionCount: 0, extensionDaysTotal: 0, extensionDays: 5 }, true],
    ['R-REP-8', 'f-extension-allowed', { extensionCount: 1, extensionDaysTotal: 10, extensionDays: null }, true],
    ['R-REP-8', 'f-extension-allowed', { extensionCount: 2, extensionDaysTotal: 6, extensionDays: 3 }, false],
    ['R-REP-8', 'f-extension-allowed', { extensionCount: 1, extensionDaysTotal: 10, extensionDays: 5 }, false],
    ['R-REP-8', 'f-approved', { approved: false }, false],
    ['R-REP-12', 'f-satisfied', { satisfied: false }, false],
    ['R-PAID-1', 'f-paid-in-scope', { inScope: true }, true],
    ['R-PAID-1', 'f-paid-in-scope', { inScope: false }, false],
    ['R-PAID-3', 'f-paid-in-catalogue', { inCatalogue: true }, true],
    ['R-PAID-3', 'f-paid-in-catalogue', { inCatalogue: false }, false],
    ['R-PAID-3', 'f-paid-infeasible', { feasible: false }, true],
    ['R-PAID-3', 'f-paid-infeasible', { feasible: true }, false],
    ['R-PAID-3', 'f-paid-consent', { consent: true }, true],
    ['R-PAID-3', 'f-paid-consent', { consent: false }, false],
    ['R-PAID-5', 'f-paid-accepted', { accepted: true }, true],
    ['R-PAID-5', 'f-paid-accepted', { accepted: false }, false],
    ['R-PAID-6', 'f-paid-satisfied', { satisfied: false }, false],
    ['R-CMP-1', 'f-cmp-assistance', { classification: 'assistance' }, true],
    ['R-CMP-1', 'f-cmp-assistance', { classification: 'valid' }, false],
    ['R-CMP-1', 'f-cmp-excessive', { classification: 'excessive' }, true],
    ['R-CMP-1', 'f-cmp-excessive', { classification: 'assistance' }, false],
    ['R-CMP-2', 'f-cmp-serious', { serious: true, beyondAuthority: false }, true],
    ['R-CMP-2', 'f-cmp-serious', { serious: false, beyondAuthority: true }, true],
    ['R-CMP-2', 'f-cmp-serious', { serious: false, beyondAuthority: false }, false],
    ['R-CMP-4', 'f-cmp-satisfied', { satisfied: false }, false],
    ['R-OUT-1', 'f-out-planned', { plannedNotice: true }, true],
    ['R-OUT-1', 'f-out-planned', { plannedNotice: false }, false],
    ['R-QR-2', 'qr-f-developer', { liableParty: 'developer' }, true],
    ['R-QR-2', 'qr-f-developer', { liableParty: 'owner' }, false],
    ['R-QR-2', 'qr-f-warranty', { liableParty: 'warranty-unit' }, true],
    ['R-QR-2', 'qr-f-warranty', { liableParty: 'developer' }, false],
    ['R-QR-2', 'qr-f-fund', { liableParty: 'maintenance-fund' }, true],
    ['R-QR-2', 'qr-f-fund', { liableParty: 'owner' }, false],
    ['R-QR-2', 'qr-f-fund-approved', { approved: false }, false],
    ['R-QR-3', 'qr-f-developer-confirmed', { developerConfirmed: false }, false],
    ['R-QR-4', 'qr-f-completed', { completed: false }, false],
    ['R-QR-4', 'qr-f-accepted', { accepted: false }, false],
    ['R-COMP-5', 'pf-f-quality', { claimType: 'quality-dissatisfaction' }, true],
    ['R-COMP-5', 'pf-f-quality', { claimType: 'loss' }, false],
    ['R-COMP-2', 'pf-f-small', { claimAmount: 2000, smallClaimThreshold: 2000 }, true],
    ['R-COMP-3', 'pf-f-small', { claimAmount: 2000.01, smallClaimThreshold: 2000 }, false],
    ['R-COMP-2', 'pf-f-small-approved', { approved: false }, false],
    ['R-COMP-3', 'pf-f-authorised', { approved: false }, false],
    ['R-COMP-4', 'pf-f-agreed', { negotiationOutcome: 'continue' }, false],
    ['R-COMP-1', 'pf-f-over-authority', { negotiationOutcome: 'over-authority' }, true],
    ['R-COMP-3', 'pf-f-failed', { negotiationOutcome: 'failed' }, true],
    ['R-COMP-3', 'pf-f-failed', { negotiationOutcome: 'continue' }, false],
    ['R-COMP-5', 'pf-f-small-fix', { smallFix: false }, false],
    ['R-COMP-5', 'pf-f-fix-approved', { approved: false }, false],
    ['R-COMP-5', 'pf-f-developer-confirmed', { developerConfirmed: false }, false],
  ];

  it.each(cases)('%s: %s with %j is %s', (_, flowId, overrides, expected) => {
    expect(decide(flowId, overrides)).toBe(expected);
  });

  it('R-REP-8: a condition on a variable missing from the process is false in feelin (not an error)', () => {
    const feel = byFlow.get('f-withdrawal');
    const withoutReason: Record<string, unknown> = { ...SAMPLE, result: 'withdrawal' };
    delete withoutReason['withdrawalReason'];
    expect(feel && run(feel, withoutReason)).toBe(false);
  });

  it('R-REP-1: the sign-off task is offered to the dispatched unit', () => {
    const groups = expressions.find((e) => e.elementId === 'sign-off-first' && e.property.endsWith('candidateGroups'));
    expect(groups && run(groups, { currentUnitId: 'U-B' })).toEqual(['unit:U-B']);
  });

  it('R-WO-5: triage is offered to the duty group of the moment', () => {
    const groups = expressions.find((e) => e.elementId === 'triage' && e.property.endsWith('candidateGroups'));
    expect(groups && run(groups, { dutyGroup: 'monitoring-centre' })).toEqual(['monitoring-centre']);
  });
});
