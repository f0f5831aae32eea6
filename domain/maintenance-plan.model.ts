/**
 * Preventive maintenance plans (设施设备维保计划, R-PM-1): on each planned day
 * the plan creates a dispatch sheet (派工单) that is handled like a repair.
 * The embedded engine runs no timer start cycles, so a scheduler
 * (domain/services/maintenance-scheduler.ts) starts them.
 */
import { Schema, type Types } from 'mongoose';

export interface MaintenanceRun {
  /** The planned dispatch time of this occurrence. */
  dueAt: Date;
  workOrderId: string;
  number: string;
  createdAt: Date;
  /** Earlier occurrences that passed while nothing ran (the scheduler was down): not dispatched again. */
  skipped: number;
}

export interface MaintenancePlanDoc {
  _id: Types.ObjectId;
  name: string;
  communityId: string;
  /** Where the work is done (维保地点), the dispatch sheet's address. */
  address: string;
  /** The facility or equipment (设施设备), the sheet's fault type. */
  equipment: string;
  part?: string;
  description: string;
  /** Repetition as an ISO-8601 duration: P1W, P1M, P3M, P1Y. */
  every: string;
  /** First planned day, community local date `YYYY-MM-DD`. */
  firstDate: string;
  /** Local time of day the sheet is issued (seed 001 §6: in the morning of the day). */
  dispatchTime: string;
  /** Who reports the plan's sheets (工程维修主管或班长). */
  contact: { name: string; phone: string };
  active: boolean;
  /** Index of the next occurrence (0 = firstDate). */
  occurrence: number;
  /** The next planned dispatch, in UTC; null when inactive. */
  nextDueAt: Date | null;
  runs: MaintenanceRun[];
  createdByUsername: string;
  version: number;
  createdAt?: Date;
  updatedAt?: Date;
}

export const maintenancePlanSchema = new Schema<MaintenancePlanDoc>(
  {
    name: { type: String, required: true },
    communityId: { type: String, required: true },
    address: { type: String, required: true },
    equipment: { type: String, required: true },
    part: { type: String },
    description: { type: String, required: true },
    every: { type: String, required: true },
    firstDate: { type: String, required: true },
    dispatchTime: { type: String, required: true, default: '09:00' },
    contact: { type: new Schema({ name: String, phone: String }, { _id: false }), required: true },
    active: { type: Boolean, default: true },
    occurrence: { type: Number, required: true, default: 0 },
    nextDueAt: { type: Date, default: null },
    runs: {
      type: [
        new Schema<MaintenanceRun>(
          { dueAt: Date, workOrderId: String, number: String, createdAt: Date, skipped: { type: Number, default: 0 } },
          { _id: false },
        ),
      ],
      default: [],
    },
    createdByUsername: { type: String, required: true },
    version: { type: Number, required: true, default: 0 },
  },
  { collection: 'maintenance_plans', timestamps: true, versionKey: false },
);
maintenancePlanSchema.index({ active: 1, nextDueAt: 1 });
