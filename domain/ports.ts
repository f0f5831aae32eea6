/**
 * What job workers need from the rest of the system. Workers are built from
 * these (createHandler(deps)); the API process wires the MongoDB-backed
 * implementations, tests may pass in-memory ones.
 *
 * Every write carries an idempotency key (normally the job key) because a job
 * can be delivered twice (at-least-once on both engines).
 */

/** Every status a work order can have (the contract's list), in its usual order. */
export const ORDER_STATUSES = [
  'reported',
  'dispatched',
  'signed',
  'scheduled',
  'on-site',
  'extended',
  'deferred',
  'resolved',
  'closed',
  'withdrawn',
  'escalated',
  'rejected',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface TimelineInput {
  /** Idempotency key: the same key is written once. */
  key: string;
  type: string;
  actor: string;
  note: string;
  elementId?: string;
  at?: Date;
}

export interface DeadlineInput {
  /** e.g. `sign-off`, `contact-resident`, `arrival`, `feedback`. */
  name: string;
  dueAt: Date;
}

export interface DeadlineClose {
  name: string;
  outcome: 'met' | 'breached';
  at: Date;
}

export interface OrderPatch {
  status?: OrderStatus;
  assignedUnitId?: string | null;
  technicianId?: string | null;
  /** Business fields kept on the order (priority, responsibility, fees ...). */
  fields?: Record<string, unknown>;
  /**
   * Named deadlines closed (as closeDeadline), then opened or moved (as
   * openDeadline), in the same write as the rest of the patch: applied once
   * with it, and never without it.
   */
  closeDeadlines?: DeadlineClose[];
  openDeadlines?: DeadlineInput[];
}

export interface WorkOrderSummary {
  id: string;
  number: string;
  kind: string;
  status: OrderStatus;
  communityId: string;
  priority?: number;
  assignedUnitId?: string | null;
  reporter?: { name: string; phone: string };
  reporterUserId?: string;
}

export interface OrderStore {
  get(id: string): Promise<WorkOrderSummary | undefined>;
  /** Applies the patch and appends the timeline entry once per key. */
  update(id: string, patch: OrderPatch, timeline?: TimelineInput): Promise<void>;
  addTimeline(id: string, entry: TimelineInput): Promise<void>;
  /** Opens (or moves) a named deadline. */
  openDeadline(id: string, deadline: DeadlineInput): Promise<void>;
  /** Marks a named deadline met (metAt) or breached. */
  closeDeadline(id: string, name: string, outcome: 'met' | 'breached', at: Date): Promise<void>;
}

export interface UnitRef {
  id: string;
  name: string;
}

export interface CommunityInfo {
  id: string;
  name: string;
  timeZone: string;
  firstUnitId: string;
  secondUnitId?: string;
}

export interface Directory {
  community(id: string): Promise<CommunityInfo | undefined>;
  unit(id: string): Promise<UnitRef | undefined>;
}

export interface NotificationInput {
  /** Idempotency key (job key + recipient). */
  key: string;
  workOrderId?: string;
  /** `resident`, `unit:<id>`, `group:<name>`, `district-centre`, `street-office` ... */
  to: string;
  channel: 'app' | 'sms' | 'phone';
  text: string;
}

export interface Notifier {
  send(message: NotificationInput): Promise<void>;
}
