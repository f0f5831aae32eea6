/**
 * What the quality rectification (工程质量整改) and compensation (赔付商谈)
 * workers share: their named deadlines and due-time variables, sheet numbers,
 * the ports they need beyond the repair's, and the note a linked order leaves
 * on the order it came from.
 */
import { z } from 'zod';

import type { LegacyRegister } from '../domain/legacy-register.js';
import type { ProcedureLauncher } from '../domain/procedures.js';
import type { WorkerDeps } from './deps.js';
import { JobFailure, optionalDate, optionalText } from './support.js';

/** The named deadlines of these procedures and the variable holding each due time. */
export const PROCEDURE_DEADLINE_DUE = {
  /** R-QR-1: engineering confirms on site within 5 minutes of being arranged. */
  'confirm-defect': 'confirmDueAt',
  /** R-QR-3: the developer confirms the contact sheet within a set time. */
  'developer-confirmation': 'developerConfirmDueAt',
  /** R-QR-4: progress is reported (daily by default). */
  'report-progress': 'progressDueAt',
  /** R-COMP-5: large quality dissatisfaction reviewed within 3 days. */
  'review-quality': 'reviewDueAt',
} as const;

export type ProcedureDeadline = keyof typeof PROCEDURE_DEADLINE_DUE;
export const PROCEDURE_DEADLINES = Object.keys(PROCEDURE_DEADLINE_DUE) as ProcedureDeadline[];

export const procedureDueVariables = z.object({
  confirmDueAt: optionalDate,
  developerConfirmDueAt: optionalDate,
  progressDueAt: optionalDate,
  reviewDueAt: optionalDate,
});

export const DEADLINE_LABEL: Record<ProcedureDeadline, string> = {
  'confirm-defect': '工程现场查验确认 on-site defect confirmation',
  'developer-confirmation': '开发商确认签复 developer confirmation',
  'report-progress': '整改进度报告 progress report',
  'review-quality': '维修质量问题审核 quality review',
};

/** Variables every worker of these procedures may read about the order and its origin. */
export const orderRefs = {
  orderNumber: optionalText,
  sourceWorkOrderId: optionalText,
  sourceOrderNumber: optionalText,
};

/** 工作协调单 number of an order (R-QR-1, R-REP-13). */
export function coordinationSheetNumber(orderNumber: string): string {
  return `XTD-${orderNumber}`;
}

/** 工作联系单 number of an order (R-QR-3, R-COMP-2/3). */
export function contactSheetNumber(orderNumber: string): string {
  return `LXD-${orderNumber}`;
}

export function registerOf(deps: WorkerDeps): LegacyRegister {
  if (!deps.register) throw new JobFailure('the legacy-problem register is not wired into the workers (deps.register)');
  return deps.register;
}

export function launcherOf(deps: WorkerDeps): ProcedureLauncher {
  if (!deps.procedures) throw new JobFailure('no procedure launcher is wired into the workers (deps.procedures)');
  return deps.procedures;
}

/** The order a linked procedure came from hears how it ended: "each timeline shows the other". */
export async function noteOnSource(
  deps: WorkerDeps,
  vars: { sourceWorkOrderId?: string | null | undefined; orderNumber?: string | null | undefined; workOrderId: string },
  key: string,
  note: string,
): Promise<void> {
  if (!vars.sourceWorkOrderId) return;
  await deps.orders.addTimeline(vars.sourceWorkOrderId, {
    key: `linked:${vars.workOrderId}:${key}`,
    type: 'linked-order',
    actor: 'system',
    note: `关联单 ${vars.orderNumber ?? vars.workOrderId}: ${note}`,
  });
}

/** Yuan with two decimals for messages. */
export function yuan(amount: number | null | undefined): string {
  return `${(amount ?? 0).toFixed(2)} 元`;
}
