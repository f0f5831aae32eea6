/**
 * The work order (维修单 / 派工单 / 信息单), the ledger's row (R-WO-1, R-LED-2).
 * One document per order; concurrent writers are guarded by `version`
 * (optimistic concurrency) and idempotency keys in `appliedKeys`.
 */
import { Schema, type Types } from 'mongoose';
import { ORDER_STATUSES, type OrderStatus } from './ports.js';
import { reportWritesOf } from './model-writes.js';

export const ORDER_KINDS = [
  'repair',
  'urgent-appeal',
  'paid-service',
  'quality',
  'complaint',
  'compensation',
  'consultation',
] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

export { ORDER_STATUSES };

export const CHANNELS = ['phone', 'app', 'web', 'walk-in', 'sensor'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Order number prefix by kind: 报修 BX, 加急 JJ, 有偿 YC, 质量 ZL, 投诉 TS, 赔付 PF, 咨询 ZX. */
export const NUMBER_PREFIX: Record<OrderKind, string> = {
  repair: 'BX',
  'urgent-appeal': 'JJ',
  'paid-service': 'YC',
  quality: 'ZL',
  complaint: 'TS',
  compensation: 'PF',
  consultation: 'ZX',
};

export interface Deadline {
  /** The task kind (`sign-off`, `contact-resident` ...) or a named deadline (`feedback`). */
  name: string;
  /** The user task this deadline belongs to, when it comes from one. */
  taskKey?: string;
  dueAt: Date;
  metAt?: Date | null;
  breached: boolean;
  /** Closed without being met or breached (the task was canceled before its due time). */
  canceledAt?: Date | null;
}

/**
 * A link between orders of different procedures: a repair that opened a
 * quality rectification or a compensation negotiation, seen from both sides.
 */
export interface OrderLink {
  workOrderId: string;
  number: string;
  kind: OrderKind;
  /** `follow-up`: the other order was opened from this one; `origin`: this order was opened from the other. */
  relation: 'follow-up' | 'origin';
  reason?: string;
  at: Date;
}

export interface Reporter {
  name: string;
  phone: string;
}

export interface Rating {
  score?: number;
  satisfied?: boolean;
  comment?: string;
  at?: Date;
}

export interface WorkOrderDoc {
  number: string;
  kind: OrderKind;
  status: OrderStatus;
  communityId: string;
  address: string;
  description: string;
  faultType?: string;
  symptom?: string;
  part?: string;
  /** 1 emergency … 4 planned (R-PRI). */
  priority?: number;
  /** 报修类型: levels 1–2 emergency, 3–4 routine. */
  repairClass?: 'emergency' | 'routine';
  responsibility?: 'shared' | 'paid' | 'owner' | 'developer';
  reporter?: Reporter;
  /** The resident's user id when the reporter is a registered resident. */
  reporterUserId?: string;
  createdByUserId: string;
  createdByUsername: string;
  channel: Channel;
  reportedAt: Date;
  desiredTime?: Date;
  catalogueItemId?: string;
  claimAmount?: number;
  attachments: string[];
  assignedUnitId?: string | null;
  technicianId?: string | null;
  processInstanceKey?: string | null;
  /**
   * The variables its process starts with, kept until the start is recorded: a
   * crash between writing the order and starting its process is finished at
   * the next start-up (WorkOrderService.recoverPendingStarts).
   */
  pendingStart?: Record<string, unknown> | null;
  bpmnProcessId?: string;
  processVersion?: number;
  deadlines: Deadline[];
  fees?: Record<string, unknown> | null;
  rating?: Rating | null;
  /** Further business fields written by workers (OrderPatch.fields). */
  fields: Record<string, unknown>;
  /** Orders of other procedures this one opened or was opened from. */
  links?: OrderLink[];
  signedAt?: Date | null;
  closedAt?: Date | null;
  cancelReason?: string;
  /** Idempotency keys of the patches already applied. */
  appliedKeys: string[];
  /**
   * Ids of this order's timeline entries (an id may name an entry never
   * written: it is registered before the insert). Only meaningful when
   * `timelineIndexed` is true (orders created since it exists); reading the
   * timeline by these ids avoids a scan of the timeline collection on FerretDB.
   */
  timelineIds?: Types.ObjectId[];
  timelineIndexed?: boolean;
  version: number;
  createdAt?: Date;
  updatedAt?: Date;
}

const deadlineSchema = new Schema<Deadline>(
  {
    name: { type: String, required: true },
    taskKey: { type: String },
    dueAt: { type: Date, required: true },
    metAt: { type: Date, default: null },
    breached: { type: Boolean, default: false },
    canceledAt: { type: Date, default: null },
  },
  { _id: false },
);

export const workOrderSchema = new Schema<WorkOrderDoc>(
  {
    number: { type: String, required: true, unique: true },
    kind: { type: String, enum: ORDER_KINDS, required: true },
    status: { type: String, enum: ORDER_STATUSES, required: true },
    communityId: { type: String, required: true },
    address: { type: String, required: true },
    description: { type: String, required: true },
    faultType: { type: String },
    symptom: { type: String },
    part: { type: String },
    priority: { type: Number, min: 1, max: 4 },
    repairClass: { type: String, enum: ['emergency', 'routine'] },
    responsibility: { type: String, enum: ['shared', 'paid', 'owner', 'developer'] },
    reporter: { type: new Schema<Reporter>({ name: String, phone: String }, { _id: false }) },
    reporterUserId: { type: String },
    createdByUserId: { type: String, required: true },
    createdByUsername: { type: String, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    reportedAt: { type: Date, required: true },
    desiredTime: { type: Date },
    catalogueItemId: { type: String },
    claimAmount: { type: Number },
    attachments: { type: [String], default: [] },
    assignedUnitId: { type: String, default: null },
    technicianId: { type: String, default: null },
    processInstanceKey: { type: String, default: null },
    pendingStart: { type: Schema.Types.Mixed, default: null },
    bpmnProcessId: { type: String },
    processVersion: { type: Number },
    deadlines: { type: [deadlineSchema], default: [] },
    fees: { type: Schema.Types.Mixed, default: null },
    rating: { type: Schema.Types.Mixed, default: null },
    fields: { type: Schema.Types.Mixed, default: () => ({}) },
    links: {
      type: [
        new Schema<OrderLink>(
          { workOrderId: String, number: String, kind: String, relation: String, reason: String, at: Date },
          { _id: false },
        ),
      ],
      default: [],
    },
    signedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    cancelReason: { type: String },
    appliedKeys: { type: [String], default: [] },
    timelineIds: { type: [Schema.Types.ObjectId], default: undefined },
    timelineIndexed: { type: Boolean },
    version: { type: Number, required: true, default: 0 },
  },
  { collection: 'work_orders', timestamps: true, versionKey: false, minimize: false },
);
workOrderSchema.index({ reportedAt: -1 });
workOrderSchema.index({ reporterUserId: 1, reportedAt: -1 });
workOrderSchema.index({ communityId: 1, status: 1 });
workOrderSchema.index({ processInstanceKey: 1 });
// Every write through the model is reported to its connection's listeners (the in-process ledger index).
reportWritesOf(workOrderSchema, 'WorkOrder');
