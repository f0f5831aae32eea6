/**
 * Shared plumbing of the job workers: input validation, headers, recipients,
 * deadlines; and what the quality rectification (工程质量整改) and
 * compensation (赔付商谈) workers share: their named deadlines, sheet numbers,
 * the ports they need beyond the repair's, and the note a linked order leaves
 * on the order it came from. A handler built here always ends in complete or fail: bad input
 * fails the job with a clear message and no retry (an incident a person must
 * look at), an unexpected error fails it with the remaining retries.
 */
import { z } from 'zod';

import { WorkingCalendar, addDuration, parseDuration, toIsoInZone } from '../domain/calendar.js';
import { isoDateTime } from '../domain/schemas.js';
import { JobResult, type Job, type JobHandler, type JobOutcome } from '../engine/port.js';
import type { LegacyRegister } from '../domain/legacy-register.js';
import type { ProcedureLauncher } from '../domain/procedures.js';
import type { WorkerDeps, WorkerModule } from './deps.js';

/** A deliberate failure: the message is for the person who reads the incident. */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}

/** Back-off before a retry of a transient failure (store or notifier down). */
export const RETRY_BACKOFF_MS = 5_000;

export interface RunContext<I> {
  job: Job;
  vars: I;
  deps: WorkerDeps;
  headers: TaskHeaders;
  now: Date;
}

export function defineWorker<I extends z.ZodObject, O extends z.ZodObject>(definition: {
  type: string;
  input: I;
  output: O;
  headers?: readonly string[];
  run(context: RunContext<z.infer<I>>): Promise<z.input<O>>;
}): WorkerModule {
  const { type, input, output, run } = definition;
  return {
    type,
    input,
    output,
    headers: definition.headers ?? [],
    createHandler(deps: WorkerDeps): JobHandler {
      return async (job: Job): Promise<JobOutcome> => {
        const parsed = input.safeParse(job.variables);
        if (!parsed.success) {
          return JobResult.fail(`${type}: invalid variables: ${describeIssues(parsed.error)}`, { retries: 0 });
        }
        try {
          const result = await run({ job, vars: parsed.data, deps, headers: new TaskHeaders(type, job), now: deps.clock.now() });
          const checked = output.safeParse(result);
          if (!checked.success) {
            return JobResult.fail(`${type}: produced invalid variables: ${describeIssues(checked.error)}`, { retries: 0 });
          }
          return JobResult.complete(checked.data);
        } catch (error) {
          if (error instanceof JobFailure && !error.retryable) {
            return JobResult.fail(`${type}: ${error.message}`, { retries: 0 });
          }
          const message = error instanceof Error ? error.message : String(error);
          return JobResult.fail(`${type}: ${message}`, {
            retries: Math.max(job.retries - 1, 0),
            retryBackOffMs: RETRY_BACKOFF_MS,
          });
        }
      };
    },
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(variables)'}: ${issue.message}`).join('; ');
}

/** Task headers of the job: the model's numbers, durations and switches. */
export class TaskHeaders {
  constructor(
    private readonly type: string,
    private readonly job: Job,
  ) {}

  optional(name: string): string | undefined {
    const value = this.job.customHeaders[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) {
      throw new JobFailure(`task header <${name}> is missing on element ${this.job.elementId} (the model must set it)`);
    }
    return value;
  }

  /** One of the allowed values. */
  oneOf<const T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.required(name);
    if (!(allowed as readonly string[]).includes(value)) {
      throw new JobFailure(`task header <${name}> must be one of ${allowed.join(' | ')}, got <${value}>`);
    }
    return value as T;
  }

  /** An ISO-8601 duration (`PT8M`). */
  duration(name: string): string {
    const value = this.required(name);
    try {
      parseDuration(value);
    } catch {
      throw new JobFailure(`task header <${name}> must be an ISO-8601 duration such as PT8M, got <${value}>`);
    }
    return value;
  }

  /** A whole number >= 0. */
  integer(name: string): number {
    const value = this.required(name);
    if (!/^\d+$/.test(value)) throw new JobFailure(`task header <${name}> must be a whole number, got <${value}>`);
    return Number(value);
  }

  list(name: string): string[] {
    return (this.optional(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  get workerType(): string {
    return this.type;
  }
}

/* ---------------------------------------------------------- variables */

export const workOrderId = z.string().min(1);
export const optionalText = z.string().nullish();
export const optionalDate = isoDateTime.nullish();
export const count = z.number().int().min(0);

/* ---------------------------------------------------------- time */

export async function calendarOf(deps: WorkerDeps, communityId: string | null | undefined): Promise<WorkingCalendar> {
  return deps.calendar.forCommunity(communityId ?? '');
}

export function iso(at: Date, calendar?: WorkingCalendar): string {
  return calendar ? calendar.toIso(at) : toIsoInZone(at);
}

export function plus(at: Date, duration: string, calendar?: WorkingCalendar): Date {
  return addDuration(at, duration, calendar?.timeZone);
}

export function date(value: string): Date {
  return new Date(value);
}

/** Met when done by the due time, else breached (no due time known: met). */
export function outcomeAt(at: Date, dueAt: string | null | undefined): 'met' | 'breached' {
  if (!dueAt) return 'met';
  return at.getTime() <= new Date(dueAt).getTime() ? 'met' : 'breached';
}

/* ---------------------------------------------------------- recipients */

export interface RecipientContext {
  currentUnitId?: string | null | undefined;
  dutyGroup?: string | null | undefined;
  handlerGroup?: string | null | undefined;
  reportedBy?: string | null | undefined;
}

/**
 * Resolves a recipient as the model names it: `resident`, `unit` (the unit
 * the order is dispatched to), `duty-group` (R-WO-5), `supervisors`,
 * `dispatchers` (the service centre), `managers` (company leadership),
 * `handler` (the group a complaint is with), `taker` (the user who took the
 * report), `group:<name>`, `unit:<id>`, `district-centre`, `street-office`.
 */
export function resolveRecipient(name: string, context: RecipientContext): string {
  switch (name) {
    case 'resident':
    case 'district-centre':
    case 'street-office':
      return name;
    case 'unit':
      if (!context.currentUnitId) throw new JobFailure('recipient <unit> needs the variable currentUnitId');
      return `unit:${context.currentUnitId}`;
    case 'duty-group':
      if (!context.dutyGroup) throw new JobFailure('recipient <duty-group> needs the variable dutyGroup');
      return `group:${context.dutyGroup}`;
    case 'supervisors':
      return 'group:supervisor';
    case 'dispatchers':
      return 'group:dispatcher';
    case 'managers':
      return 'group:manager';
    case 'handler':
      if (!context.handlerGroup) throw new JobFailure('recipient <handler> needs the variable handlerGroup');
      return `group:${context.handlerGroup}`;
    case 'taker':
      if (!context.reportedBy) throw new JobFailure('recipient <taker> needs the variable reportedBy');
      return `user:${context.reportedBy}`;
    default:
      if (/^(group|unit):[\w.-]+$/.test(name)) return name;
      throw new JobFailure(`unknown recipient <${name}>`);
  }
}

/** Fills `{name}` placeholders from the given values (unknown names stay as they are). */
export function fill(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = values[key];
    return value === undefined || value === null ? whole : String(value);
  });
}

/** Human-readable local time for messages: `2026-11-23 10:15`. */
export function localTime(at: Date, calendar?: WorkingCalendar): string {
  return iso(at, calendar).slice(0, 16).replace('T', ' ');
}

/** The due-time variable of each named deadline (record-breach, set-status). */
export const DEADLINE_DUE_VARIABLE = {
  'sign-off': 'signOffDueAt',
  'second-unit-sign-off': 'signOffDueAt',
  'contact-resident': 'contactDueAt',
  arrival: 'arrivalCheckAt',
  feedback: 'feedbackDueAt',
  completion: 'completionDueAt',
  'signed-order': 'signedOrderDueAt',
  'return-visit': 'returnVisitDueAt',
} as const;

export type DeadlineName = keyof typeof DEADLINE_DUE_VARIABLE;
export const DEADLINE_NAMES = Object.keys(DEADLINE_DUE_VARIABLE) as DeadlineName[];

/** Every due-time variable, optional: for workers that may close any deadline. */
export const dueVariables = z.object({
  signOffDueAt: optionalDate,
  contactDueAt: optionalDate,
  arrivalCheckAt: optionalDate,
  feedbackDueAt: optionalDate,
  completionDueAt: optionalDate,
  signedOrderDueAt: optionalDate,
  returnVisitDueAt: optionalDate,
});

/* ---------------------------------------------------------- quality rectification and compensation */

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

export const PROCEDURE_DEADLINE_LABEL: Record<ProcedureDeadline, string> = {
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
