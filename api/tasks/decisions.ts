/**
 * The contract's decision variables per task kind (api-contract.md, "Decision
 * variables"): completing a task with only these must be accepted; the form
 * may add optional fields. Where the form and this table both name a field,
 * this table decides its type and whether it is required.
 */
import { z } from 'zod';
import { isoDateTime } from '../common-schemas.js';

const money = z.number().min(0, 'must not be negative').max(100_000_000);
const shortText = (max: number) => z.string().trim().min(1, 'is required').max(max);

export const REPORT_RESULTS = ['repaired', 'extension', 'deferral', 'withdrawal'] as const;
export const WITHDRAWAL_REASONS = ['wrong-info', 'out-of-scope', 'self-resolved'] as const;

export const DECISIONS: Record<string, Record<string, z.ZodType>> = {
  // 签收
  'sign-off': { note: z.string().max(2000).optional() },
  // R-REP-6/7: later than the arrival limit → platform call-back
  'contact-resident': { agreedArrivalAt: isoDateTime },
  'confirm-arrival': { arrivedAt: isoDateTime.optional() },
  // R-REP-8/10
  'report-result': {
    result: z.enum(REPORT_RESULTS),
    extensionDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1').max(365).optional(),
    withdrawalReason: z.enum(WITHDRAWAL_REASONS).optional(),
    plan: z.string().max(5000).optional(),
    actualItem: z.string().max(500).optional(),
    fee: money.optional(),
  },
  'approve-extension': { approved: z.boolean() },
  // R-REP-12: not satisfied → dispatched again
  'return-visit': {
    satisfied: z.boolean(),
    rating: z.number().int('must be a whole number').min(1, 'must be 1–5').max(5, 'must be 1–5').optional(),
    comment: z.string().max(2000).optional(),
  },
  'manual-supervision': { outcome: z.enum(['signed', 'failed']) },
  // R-PRI, R-RESP
  triage: {
    priority: z.number().int('must be an integer').min(1, 'must be 1–4').max(4, 'must be 1–4'),
    responsibility: z.enum(['shared', 'paid', 'owner', 'developer']),
  },
  // R-PAID-3
  'fee-assessment': { fee: money },
  'resident-consent': { consent: z.boolean() },
  // R-PAID-5
  'collect-fee': { receiptNumber: shortText(64), amount: money },
  // R-CMP-1
  'classify-complaint': { classification: z.enum(['valid', 'assistance', 'excessive']) },
  // R-COMP-2/3
  'approve-claim': { approved: z.boolean(), amount: money.optional() },
  negotiate: { agreed: z.boolean(), amount: money.optional() },
  // R-COMP-4
  'sign-settlement': { memoNumber: shortText(64) },
};

/** Every kind accepts a free-text note. */
export const COMMON_OPTIONAL: Record<string, z.ZodType> = { note: z.string().max(2000).optional() };

/**
 * Variables a task completion may never set: the order's identity and the
 * counters the process keeps (R-REP-8 would be trivially bypassed otherwise),
 * and names bpmn-engine overwrites.
 */
export const PROTECTED_VARIABLES = new Set([
  'workOrderId',
  'orderNumber',
  'communityId',
  'kind',
  'reportedBy',
  'reporterUserId',
  'firstUnitId',
  'secondUnitId',
  'extensionCount',
  'extensionDaysTotal',
  'fields',
  'content',
  'properties',
]);
