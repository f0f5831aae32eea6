/** Outage notices (停水停电, R-OUT-1): one document per announced stop, with its events. */
import { Schema } from 'mongoose';

import { OUTAGE_STATUSES, UTILITIES, type OutageStatus, type Utility } from './outages.js';

export interface OutageEventDoc {
  key: string;
  at: Date;
  type: string;
  note: string;
}

export interface OutageDoc {
  /** `TD-YYYYMMDD-NNNN` (停水停电). */
  number: string;
  communityId: string;
  utility: Utility;
  planned: boolean;
  startsAt: Date;
  endsAt?: Date | null;
  cause?: string;
  area?: string;
  status: OutageStatus;
  notifyAt?: Date | null;
  noticeDueAt?: Date | null;
  notifiedAt?: Date | null;
  noticeBreached: boolean;
  noticeText?: string;
  processInstanceKey?: string | null;
  createdByUsername: string;
  events: OutageEventDoc[];
  appliedKeys: string[];
  version: number;
  createdAt?: Date;
  updatedAt?: Date;
}

export const outageSchema = new Schema<OutageDoc>(
  {
    number: { type: String, required: true, unique: true },
    communityId: { type: String, required: true },
    utility: { type: String, enum: UTILITIES, required: true },
    planned: { type: Boolean, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, default: null },
    cause: { type: String },
    area: { type: String },
    status: { type: String, enum: OUTAGE_STATUSES, required: true },
    notifyAt: { type: Date, default: null },
    noticeDueAt: { type: Date, default: null },
    notifiedAt: { type: Date, default: null },
    noticeBreached: { type: Boolean, default: false },
    noticeText: { type: String },
    processInstanceKey: { type: String, default: null },
    createdByUsername: { type: String, required: true },
    events: {
      type: [new Schema<OutageEventDoc>({ key: String, at: Date, type: String, note: String }, { _id: false })],
      default: [],
    },
    appliedKeys: { type: [String], default: [] },
    version: { type: Number, required: true, default: 0 },
  },
  { collection: 'outages', timestamps: true, versionKey: false },
);
outageSchema.index({ communityId: 1, startsAt: -1 });
