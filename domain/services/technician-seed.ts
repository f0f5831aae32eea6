/**
 * Demo technicians (维修人员) for smart dispatch (R-DISP-1): community C001's
 * first unit U-A and second unit U-B, with skills, home building and a
 * starting load. Idempotent (existing technicians are kept as they are).
 */
import type { Connection } from 'mongoose';
import { getModels } from '../models.js';
import type { TechnicianDoc } from '../technician.model.js';

export const DEMO_TECHNICIANS: readonly Omit<TechnicianDoc, 'active' | 'updatedAt'>[] = [
  { _id: 'T-A1', name: '赵磊', username: 'tech1', phone: '13700000004', unitId: 'U-A', communities: ['C001'], skills: ['plumbing', 'masonry'], homeBuilding: '1栋', load: 0 },
  { _id: 'T-A2', name: '钱勇', phone: '13700000011', unitId: 'U-A', communities: ['C001'], skills: ['electrical', 'door-window'], homeBuilding: '2栋', load: 0 },
  { _id: 'T-A3', name: '孙浩', phone: '13700000012', unitId: 'U-A', communities: ['C001'], skills: ['general', 'plumbing'], homeBuilding: '3栋', load: 2 },
  { _id: 'T-B1', name: '李军', phone: '13700000013', unitId: 'U-B', communities: ['C001'], skills: ['plumbing', 'electrical', 'elevator'], homeBuilding: '5栋', load: 1 },
  { _id: 'T-B2', name: '周杰', phone: '13700000014', unitId: 'U-B', communities: ['C001'], skills: ['general'], load: 0 },
];

export async function seedTechnicians(conn: Connection): Promise<void> {
  const { Technician } = getModels(conn);
  for (const t of DEMO_TECHNICIANS) {
    await Technician.updateOne({ _id: t._id }, { $setOnInsert: { ...t, active: true } }, { upsert: true });
  }
}
