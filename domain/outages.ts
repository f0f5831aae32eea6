/**
 * Outage notices (停水停电通知, R-OUT-1): the port the outage-notice workers
 * write through. An outage is not a work order (the contract's kinds are
 * fixed); it is its own record with its own events, started by
 * POST /api/outages.
 */

export const UTILITIES = ['water', 'power'] as const;
export type Utility = (typeof UTILITIES)[number];

export const OUTAGE_STATUSES = ['scheduled', 'notified'] as const;
export type OutageStatus = (typeof OUTAGE_STATUSES)[number];

export interface OutagePatch {
  status?: OutageStatus;
  /** Planned stops: when the residents are told (startsAt − lead time). */
  notifyAt?: Date | null;
  /** When the notice is due (planned: notifyAt; sudden: learned + 10 minutes). */
  noticeDueAt?: Date | null;
  notifiedAt?: Date;
  /** The notice went out after noticeDueAt, or its timer fired first. */
  noticeBreached?: boolean;
  noticeText?: string;
}

export interface OutageEvent {
  /** Idempotency key: the same key is applied once. */
  key: string;
  type: string;
  note: string;
  at?: Date;
}

export interface OutageStore {
  /** Applies the patch and appends the event, once per event key. */
  update(id: string, patch: OutagePatch, event: OutageEvent): Promise<void>;
}

/** 停水 / 停电 */
export const UTILITY_LABEL: Record<Utility, string> = {
  water: '停水 water stop',
  power: '停电 power stop',
};
