/**
 * Links between procedures (issue 3): a repair whose cause is a developer
 * legacy defect opens a quality rectification (R-RESP (4), R-QR-1); a repair
 * dispute or loss claim opens a compensation negotiation (R-COMP-1). The
 * embedded engine runs no call activities, so a worker (or the API) opens the
 * other procedure through this port: a new work order of that kind, its own
 * process instance, and the link written on both orders.
 */

export const LINKABLE_KINDS = ['quality', 'compensation'] as const;
export type LinkableKind = (typeof LINKABLE_KINDS)[number];

export interface OpenProcedureInput {
  /** Idempotency key (job key, request id): one key opens one order, however often it is retried. */
  key: string;
  kind: LinkableKind;
  /** The order the new one follows from (both get the link). */
  fromWorkOrderId: string;
  /** Why, in words for the timelines (zh-CN first, English second). */
  reason: string;
  /** Who opens it: `system` for a worker, the username for an API call. */
  actor: string;
  /** The user id recorded as creator (the caller of the API; `system` for workers). */
  actorUserId?: string;
  /** Description of the new order; the source's description by default. */
  description?: string;
  claimAmount?: number;
  /** Further start variables of the new process (claimType ...). */
  variables?: Record<string, unknown>;
}

export interface OpenedProcedure {
  workOrderId: string;
  number: string;
  kind: LinkableKind;
  processInstanceKey: string;
  /** False when the key had already opened it (a redelivered job). */
  created: boolean;
}

export interface ProcedureLauncher {
  open(input: OpenProcedureInput): Promise<OpenedProcedure>;
}
