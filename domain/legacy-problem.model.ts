/**
 * The legacy-problem register (工程遗留问题汇总表, R-QR-1): one row per housing
 * quality problem that engineering confirmed on site, kept beside its
 * coordination sheet (工作协调单) and, for developer cases, the work contact
 * sheet (工作联系单, R-QR-3). The row's id is the quality order's id, so every
 * write is by `_id` (FerretDB's fast path) and idempotent.
 */
import { Schema } from 'mongoose';

export const LEGACY_PROBLEM_STATUSES = ['registered', 'awaiting-developer', 'rectifying', 'rectified', 'closed', 'rejected'] as const;
export type LegacyProblemStatus = (typeof LEGACY_PROBLEM_STATUSES)[number];

export const LIABLE_PARTIES = ['developer', 'warranty-unit', 'maintenance-fund', 'owner'] as const;
export type LiableParty = (typeof LIABLE_PARTIES)[number];

/** One signature on the work contact sheet: office director → customer service → GM → developer. */
export interface ContactSheetStep {
  /** Idempotency key of the job that wrote it. */
  key: string;
  step: 'director' | 'service-dept' | 'gm' | 'developer';
  at: Date;
  by?: string;
  note?: string;
}

export interface ProgressEntry {
  at: Date;
  note: string;
  /** Idempotency key of the job that wrote it. */
  key: string;
}

export interface LegacyProblemDoc {
  /** The quality order's id. */
  _id: string;
  orderNumber: string;
  communityId: string;
  address: string;
  description: string;
  /** The repair order that found the defect, when there is one. */
  sourceWorkOrderId?: string;
  liableParty?: LiableParty;
  finding?: string;
  proposal?: string;
  /** 工作协调单 number. */
  coordinationSheetNumber?: string;
  /** 工作联系单 number (developer cases). */
  contactSheetNumber?: string;
  contactSheetSteps: ContactSheetStep[];
  plan?: string;
  residentAction?: string;
  etaAt?: Date | null;
  status: LegacyProblemStatus;
  progress: ProgressEntry[];
  registeredAt: Date;
  confirmedAt?: Date | null;
  closedAt?: Date | null;
  updatedAt?: Date;
}

export const legacyProblemSchema = new Schema<LegacyProblemDoc>(
  {
    _id: { type: String, required: true },
    orderNumber: { type: String, required: true },
    communityId: { type: String, required: true },
    address: { type: String, default: '' },
    description: { type: String, default: '' },
    sourceWorkOrderId: { type: String },
    liableParty: { type: String, enum: LIABLE_PARTIES },
    finding: { type: String },
    proposal: { type: String },
    coordinationSheetNumber: { type: String },
    contactSheetNumber: { type: String },
    contactSheetSteps: {
      type: [new Schema<ContactSheetStep>({ key: String, step: String, at: Date, by: String, note: String }, { _id: false })],
      default: [],
    },
    plan: { type: String },
    residentAction: { type: String },
    etaAt: { type: Date, default: null },
    status: { type: String, enum: LEGACY_PROBLEM_STATUSES, required: true },
    progress: { type: [new Schema<ProgressEntry>({ at: Date, note: String, key: String }, { _id: false })], default: [] },
    registeredAt: { type: Date, required: true },
    confirmedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
  },
  { collection: 'legacy_problems', versionKey: false, timestamps: { createdAt: false, updatedAt: true } },
);
legacyProblemSchema.index({ communityId: 1, registeredAt: -1 });
