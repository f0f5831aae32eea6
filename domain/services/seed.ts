/**
 * Demo data (api-contract.md, "Demo data"): the demo users with password
 * `demo`, community C001 with first unit U-A and second unit U-B, and two
 * residents in different flats. Idempotent (existing documents are kept).
 * Demo and test mode only: the caller must never run it in production mode.
 */
import bcrypt from 'bcryptjs';
import type { Connection } from 'mongoose';
import { DEFAULT_CALENDAR } from '../community.model.js';
import { initModels } from '../models.js';
import type { Role, UserDoc } from '../user.model.js';
import { seedFeeCatalogue } from './fee-catalogue.js';
import { seedTechnicians } from './technician-seed.js';

export const DEMO_PASSWORD = 'demo';
export const DEMO_COMMUNITY_ID = 'C001';

interface DemoUser {
  username: string;
  name: string;
  roles: Role[];
  phone?: string;
  unitId?: string;
  flat?: { communityId: string; address: string };
  extraGroups?: string[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'resident1', name: '张伟', roles: ['resident'], phone: '13812345678', flat: { communityId: 'C001', address: '1栋1单元101' } },
  { username: 'resident2', name: '李娜', roles: ['resident'], phone: '13987654321', flat: { communityId: 'C001', address: '2栋3单元502' } },
  // Also stands in for the night monitoring centre (监控中心, R-WO-5) in the demo.
  { username: 'dispatcher1', name: '王芳', roles: ['dispatcher'], phone: '13700000001', extraGroups: ['monitoring-centre'] },
  { username: 'unitA1', name: '刘强', roles: ['unit'], unitId: 'U-A', phone: '13700000002' },
  { username: 'unitB1', name: '陈杰', roles: ['unit'], unitId: 'U-B', phone: '13700000003' },
  { username: 'tech1', name: '赵磊', roles: ['technician'], phone: '13700000004' },
  // Also stands in for the outside escalation targets (区县维修应急中心, 街道房地办, R-REP-4) in the demo.
  { username: 'supervisor1', name: '孙丽', roles: ['supervisor'], phone: '13700000005', extraGroups: ['district-centre', 'street-office'] },
  { username: 'manager1', name: '周敏', roles: ['manager'], phone: '13700000006' },
  { username: 'finance1', name: '吴静', roles: ['finance'], phone: '13700000007' },
  { username: 'owner1', name: '郑涛', roles: ['process-owner'], phone: '13700000008' },
  { username: 'admin1', name: '系统管理员', roles: ['admin'] },
];

/** Stable id of a demo user (`u-<username>`), so tests and demos can name them. */
export function demoUserId(username: string): string {
  return `u-${username}`;
}

export interface SeedOptions {
  /** bcrypt cost; 10 by default. */
  bcryptRounds?: number;
}

export async function seedDemo(conn: Connection, options: SeedOptions = {}): Promise<void> {
  const models = await initModels(conn);
  const hash = await bcrypt.hash(DEMO_PASSWORD, options.bcryptRounds ?? 10);

  await models.Unit.updateOne(
    { _id: 'U-A' },
    { $setOnInsert: { name: '幸福里小区管理处 (Xingfuli management office)', communities: ['C001'], phone: '021-60000001' } },
    { upsert: true },
  );
  await models.Unit.updateOne(
    { _id: 'U-B' },
    { $setOnInsert: { name: '安居物业工程部 (Anju property engineering)', communities: ['C001'], phone: '021-60000002' } },
    { upsert: true },
  );
  await models.Community.updateOne(
    { _id: DEMO_COMMUNITY_ID },
    {
      $setOnInsert: {
        name: '幸福里小区 (Xingfuli)',
        timeZone: 'Asia/Shanghai',
        firstUnitId: 'U-A',
        secondUnitId: 'U-B',
        calendar: { ...DEFAULT_CALENDAR },
      },
    },
    { upsert: true },
  );

  for (const u of DEMO_USERS) {
    const doc: Omit<UserDoc, '_id' | 'createdAt' | 'updatedAt'> = {
      username: u.username,
      passwordHash: hash,
      name: u.name,
      roles: u.roles,
      communities: [DEMO_COMMUNITY_ID],
      active: true,
      ...(u.phone ? { phone: u.phone } : {}),
      ...(u.unitId ? { unitId: u.unitId } : {}),
      ...(u.flat ? { flat: u.flat } : {}),
      ...(u.extraGroups ? { extraGroups: u.extraGroups } : {}),
    };
    await models.User.updateOne({ _id: demoUserId(u.username) }, { $setOnInsert: doc }, { upsert: true });
  }

  // R-PAID-3: the fee catalogue (维修项目收费标准) the admin then edits.
  await seedFeeCatalogue(conn);

  // R-DISP-1: technicians with skills, home building and load for smart dispatch.
  await seedTechnicians(conn);
}
