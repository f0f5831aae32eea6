/**
 * The decision variables of every task kind (api-contract.md, "Decision
 * variables"), shared by the API (completing a task), the workers and the
 * UI's forms. Required here = required in the contract table; everything
 * else a form offers is optional. The Camunda forms in processes/forms/ are
 * checked against these schemas by tests/processes-lint.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';

/* ------------------------------------------------------------ value types */

/** ISO-8601 date-time with an offset or `Z` (seconds optional, as form-js writes them). */
export const isoDateTime = z
  .string()
  .refine(
    (value) => /(Z|[+-]\d{2}:?\d{2})$/.test(value) && DateTime.fromISO(value, { setZone: true }).isValid,
    'expected an ISO-8601 date-time with offset, e.g. 2026-11-23T10:00:00+08:00',
  );

/** R-PRI: 1 emergency 紧急, 2 urgent 加急, 3 general 一般, 4 planned 计划性. */
export const priority = z.number().int().min(1).max(4);
export type Priority = z.infer<typeof priority>;

/** R-RESP: who pays and who repairs. */
export const responsibility = z.enum(['shared', 'paid', 'owner', 'developer']);
export type Responsibility = z.infer<typeof responsibility>;

/** 报修类型: levels 1–2 follow the emergency (应急) deadlines, 3–4 the routine (日常) ones. */
export const repairClass = z.enum(['emergency', 'routine']);
export type RepairClass = z.infer<typeof repairClass>;

export function repairClassOf(p: number): RepairClass {
  return p <= 2 ? 'emergency' : 'routine';
}

export const channel = z.enum(['phone', 'app', 'web', 'walk-in', 'sensor']);
export type Channel = z.infer<typeof channel>;

/** R-REP-8: the results a unit may report. */
export const repairResult = z.enum(['repaired', 'extension', 'deferral', 'withdrawal']);
export type RepairResult = z.infer<typeof repairResult>;

/** R-REP-8: the only grounds for a withdrawal (退单). */
export const withdrawalReason = z.enum(['wrong-info', 'out-of-scope', 'self-resolved']);
export type WithdrawalReason = z.infer<typeof withdrawalReason>;

export const supervisionOutcome = z.enum(['signed', 'failed']);
export const complaintClassification = z.enum(['valid', 'assistance', 'excessive']);

/** R-CMP-1: who an assistance matter (协办事项) is forwarded to. */
export const responsibleParty = z.enum(['other-resident', 'developer', 'owners-committee', 'utility', 'government', 'other']);
export type ResponsibleParty = z.infer<typeof responsibleParty>;

/** R-QR-2: who answers for a housing quality defect (责任方). */
export const liableParty = z.enum(['developer', 'warranty-unit', 'maintenance-fund', 'owner']);
export type LiableParty = z.infer<typeof liableParty>;

/** R-COMP-1: what brings the office director on site (责任分歧 / 损失赔付 / 维修质量不满意). */
export const claimType = z.enum(['dispute', 'loss', 'quality-dissatisfaction']);
export type ClaimType = z.infer<typeof claimType>;

const rating = z.number().int().min(1).max(5);
const money = z.number().min(0);
const text = z.string().max(4000);

/* ------------------------------------------------------------ task kinds */

/**
 * Decision variables per task kind. The required keys are exactly the
 * contract's; the optional ones are the further fields of the kind's form.
 * Unknown keys are stripped, so only declared variables reach the engine.
 */
export const taskVariableSchemas = {
  // repair (报修)
  triage: z.object({ priority, responsibility, note: text.optional() }),
  'sign-off': z.object({ note: text.optional() }),
  'manual-supervision': z.object({ outcome: supervisionOutcome, note: text.optional() }),
  'emergency-centre': z.object({ note: text.optional() }),
  'street-office-supervision': z.object({ note: text.optional() }),
  'contact-resident': z.object({ agreedArrivalAt: isoDateTime, note: text.optional() }),
  'confirm-arrival': z.object({ arrivedAt: isoDateTime.optional(), note: text.optional() }),
  'arrival-callback': z.object({ arrived: z.boolean().optional(), note: text.optional() }),
  'resident-consent': z.object({ consent: z.boolean(), actualItem: text.optional(), fee: money.optional() }),
  'report-result': z.object({
    result: repairResult,
    extensionDays: z.number().int().min(1).optional(),
    withdrawalReason: withdrawalReason.optional(),
    plan: text.optional(),
    actualItem: text.optional(),
    fee: money.optional(),
  }),
  'approve-extension': z.object({ approved: z.boolean(), approvalComment: text.optional() }),
  'resident-signature': z.object({
    quality: rating.optional(),
    timeliness: rating.optional(),
    attitude: rating.optional(),
    note: text.optional(),
  }),
  'return-visit': z.object({
    satisfied: z.boolean(),
    rating: rating.optional(),
    comment: text.optional(),
    // R-COMP-1: a dispute or loss claim raised at the repair's return visit opens a linked compensation negotiation.
    claim: claimType.optional(),
    claimAmount: money.optional(),
  }),

  // paid service (便民有偿服务)
  'fee-assessment': z.object({
    fee: money,
    feasible: z.boolean().optional(),
    plan: text.optional(),
    refusalReason: text.optional(),
    note: text.optional(),
  }),
  'reply-resident': z.object({ appointmentAt: isoDateTime, note: text.optional() }),
  'resident-inspection': z.object({ accepted: z.boolean(), actualItem: text.optional(), note: text.optional() }),
  // R-PAID-5: never without a receipt number (blank is none).
  'collect-fee': z.object({ receiptNumber: z.string().trim().min(1).max(64), amount: money, note: text.optional() }),
  'finance-handover': z.object({ amountReceived: money, note: text.optional() }),

  // quality rectification (工程质量整改); the contract names no required variable of
  // confirm-defect and developer-confirmation: the defaults are the common case.
  'confirm-defect': z.object({
    liableParty: liableParty.optional(),
    finding: text.optional(),
    proposal: text.optional(),
    etaAt: isoDateTime.optional(),
    note: text.optional(),
  }),
  'sign-contact-sheet': z.object({ note: text.optional() }),
  'review-contact-sheet': z.object({ note: text.optional() }),
  'gm-sign': z.object({ note: text.optional() }),
  'developer-confirmation': z.object({
    confirmed: z.boolean().optional(),
    plan: text.optional(),
    etaAt: isoDateTime.optional(),
    residentAction: text.optional(),
    note: text.optional(),
  }),
  'fund-approval': z.object({ approved: z.boolean(), note: text.optional() }),
  'report-progress': z.object({ completed: z.boolean(), progress: text.optional(), note: text.optional() }),
  'resident-acceptance': z.object({ accepted: z.boolean(), rating: rating.optional(), comment: text.optional() }),

  // compensation (赔付商谈)
  'approve-claim': z.object({ approved: z.boolean(), amount: money.optional(), note: text.optional() }),
  'record-claim': z.object({
    claimAmount: money.optional(),
    floorAmount: money.optional(),
    negotiationAt: isoDateTime.optional(),
    note: text.optional(),
  }),
  'draft-solution': z.object({ solution: z.string().min(1).max(4000), proposedAmount: money.optional() }),
  negotiate: z.object({
    agreed: z.boolean(),
    amount: money.optional(),
    failed: z.boolean().optional(),
    nextRoundAt: isoDateTime.optional(),
    note: text.optional(),
  }),
  'sign-settlement': z.object({ memoNumber: z.string().min(1).max(64), amount: money.optional(), note: text.optional() }),
  'assess-quality-fix': z.object({ smallFix: z.boolean(), note: text.optional() }),
  'review-quality': z.object({ recommendation: z.string().min(1).max(4000), note: text.optional() }),

  // smart dispatch (R-DISP-1): the supervisor confirms the proposed technician or names another
  'dispatch-technician': z.object({ technicianId: z.string().regex(/^[\w.-]{1,32}$/).optional(), note: text.optional() }),

  // complaint (投诉)
  'classify-complaint': z.object({
    classification: complaintClassification,
    serious: z.boolean().optional(),
    beyondAuthority: z.boolean().optional(),
    responsibleParty: responsibleParty.optional(),
    explanation: text.optional(),
    note: text.optional(),
  }),
  'contact-complainant': z.object({ resolutionPromisedAt: isoDateTime, note: text.optional() }),
  'handle-complaint': z.object({ resolution: text.optional(), note: text.optional() }),
  'complaint-signature': z.object({ satisfied: z.boolean(), rating: rating.optional(), comment: text.optional() }),

  // urgent appeal (加急诉求)
  'urgent-handling': z.object({ arrivedAt: isoDateTime.optional(), note: text.optional() }),
  'urgent-report': z.object({ resolved: z.boolean().optional(), outcome: text.optional(), note: text.optional() }),

  // consultation (咨询)
  'answer-consultation': z.object({ answer: z.string().trim().min(1).max(4000), note: text.optional() }),

  // outage notice (停水停电通知)
  'outage-notice': z.object({ cause: text.optional(), noticeText: text.optional(), note: text.optional() }),
} satisfies Record<string, z.ZodObject>;

export type TaskKind = keyof typeof taskVariableSchemas;
export type TaskVariables<K extends TaskKind> = z.infer<(typeof taskVariableSchemas)[K]>;

export const taskKinds = Object.keys(taskVariableSchemas) as TaskKind[];

export function isTaskKind(kind: string): kind is TaskKind {
  return Object.hasOwn(taskVariableSchemas, kind);
}

/** The schema of a kind, or undefined for a kind this module does not know. */
export function taskVariablesSchema(kind: string): z.ZodObject | undefined {
  return isTaskKind(kind) ? taskVariableSchemas[kind] : undefined;
}

/** The keys a completion of this kind must carry (the contract's required variables). */
export function requiredVariables(kind: TaskKind): string[] {
  const shape = taskVariableSchemas[kind].shape as Record<string, z.ZodType>;
  return Object.entries(shape)
    .filter(([, schema]) => !schema.safeParse(undefined).success)
    .map(([key]) => key);
}
