import { describe, expect, it } from 'vitest';

import { isoDateTime, repairClassOf, requiredVariables, taskKinds, taskVariableSchemas, taskVariablesSchema } from '../../domain/schemas.js';

/** api-contract.md, "Decision variables": kind → required variables. */
const CONTRACT: Record<string, string[]> = {
  'sign-off': [],
  'contact-resident': ['agreedArrivalAt'],
  'confirm-arrival': [],
  'report-result': ['result'],
  'approve-extension': ['approved'],
  'return-visit': ['satisfied'],
  'manual-supervision': ['outcome'],
  triage: ['priority', 'responsibility'],
  'fee-assessment': ['fee'],
  'resident-consent': ['consent'],
  'collect-fee': ['receiptNumber', 'amount'],
  'classify-complaint': ['classification'],
  'approve-claim': ['approved'],
  negotiate: ['agreed'],
  'sign-settlement': ['memoNumber'],
};

/** api-contract.md: the kinds that at least exist. */
const CONTRACT_KINDS = [
  'sign-off', 'contact-resident', 'confirm-arrival', 'report-result', 'approve-extension', 'return-visit', 'manual-supervision',
  'emergency-centre', 'street-office-supervision', 'triage', 'fee-assessment', 'resident-consent', 'collect-fee', 'confirm-defect',
  'developer-confirmation', 'negotiate', 'approve-claim', 'sign-settlement', 'classify-complaint', 'handle-complaint',
  'urgent-handling', 'urgent-report',
];

describe('task decision variables (api-contract.md)', () => {
  it('has a schema for every kind the contract names', () => {
    expect(CONTRACT_KINDS.filter((kind) => !taskKinds.includes(kind as never))).toEqual([]);
  });

  it.each(Object.entries(CONTRACT))('%s requires exactly %j', (kind, required) => {
    expect(requiredVariables(kind as never).sort()).toEqual([...required].sort());
  });

  it('accepts a completion with only the contract variables', () => {
    expect(taskVariableSchemas['report-result'].parse({ result: 'extension' })).toEqual({ result: 'extension' });
    expect(taskVariableSchemas['contact-resident'].safeParse({ agreedArrivalAt: '2026-11-23T11:00+08:00' }).success).toBe(true);
    expect(taskVariableSchemas['return-visit'].safeParse({ satisfied: false }).success).toBe(true);
  });

  it('R-PRI, R-RESP: triage takes priority 1–4 and the four responsibilities only', () => {
    const triage = taskVariableSchemas.triage;
    expect(triage.safeParse({ priority: 1, responsibility: 'developer' }).success).toBe(true);
    expect(triage.safeParse({ priority: 5, responsibility: 'shared' }).success).toBe(false);
    expect(triage.safeParse({ priority: 2.5, responsibility: 'shared' }).success).toBe(false);
    expect(triage.safeParse({ priority: 2, responsibility: 'government' }).success).toBe(false);
  });

  it('R-REP-8: results and withdrawal reasons are the rule\'s', () => {
    const report = taskVariableSchemas['report-result'];
    expect(report.safeParse({ result: 'withdrawal', withdrawalReason: 'self-resolved' }).success).toBe(true);
    expect(report.safeParse({ result: 'withdrawal', withdrawalReason: 'bored' }).success).toBe(false);
    expect(report.safeParse({ result: 'fixed' }).success).toBe(false);
    expect(report.safeParse({ result: 'extension', extensionDays: 0 }).success).toBe(false);
  });

  it('strips variables the schema does not know', () => {
    expect(taskVariableSchemas['sign-off'].parse({ note: 'ok', fields: 'x' })).toEqual({ note: 'ok' });
  });

  it('knows no schema for an unknown kind', () => {
    expect(taskVariablesSchema('make-coffee')).toBeUndefined();
    expect(taskVariablesSchema('triage')).toBe(taskVariableSchemas.triage);
  });
});

describe('value types', () => {
  it('date-times need an offset; form-js minutes-only values pass', () => {
    expect(isoDateTime.safeParse('2026-11-23T11:00:00+08:00').success).toBe(true);
    expect(isoDateTime.safeParse('2026-11-23T03:00:00.000Z').success).toBe(true);
    expect(isoDateTime.safeParse('2026-11-23T11:00+08:00').success).toBe(true);
    expect(isoDateTime.safeParse('2026-11-23T11:00:00').success).toBe(false);
    expect(isoDateTime.safeParse('2026-13-45T11:00:00Z').success).toBe(false);
  });

  it('R-PRI: levels 1–2 are emergency (应急), 3–4 routine (日常)', () => {
    expect([1, 2, 3, 4].map(repairClassOf)).toEqual(['emergency', 'emergency', 'routine', 'routine']);
  });
});
