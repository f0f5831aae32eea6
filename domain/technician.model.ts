/**
 * Technicians (维修人员) for smart dispatch (R-DISP-1): the unit they work
 * for, their skills (维修类型), the building they are based in, and their
 * current load (open jobs). `_id` is stable (`T-…`) so the dispatch worker
 * reads and updates by id.
 */
import { Schema } from 'mongoose';

export interface TechnicianDoc {
  _id: string;
  name: string;
  /** The demo / login user, when the technician has one (e.g. `tech1`). */
  username?: string;
  phone?: string;
  unitId: string;
  communities: string[];
  /** Fault types they handle: plumbing, electrical, door-window, elevator, ... */
  skills: string[];
  /** Building (楼栋) they are based in, e.g. `1栋`. */
  homeBuilding?: string;
  /** Jobs outside the ledger (the current load adds the open orders assigned to them). */
  load: number;
  active: boolean;
  updatedAt?: Date;
}

export const technicianSchema = new Schema<TechnicianDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    username: { type: String },
    phone: { type: String },
    unitId: { type: String, required: true },
    communities: { type: [String], default: [] },
    skills: { type: [String], default: [] },
    homeBuilding: { type: String },
    load: { type: Number, default: 0, min: 0 },
    active: { type: Boolean, default: true },
  },
  { collection: 'technicians', versionKey: false, timestamps: { createdAt: false, updatedAt: true } },
);
technicianSchema.index({ unitId: 1 });
