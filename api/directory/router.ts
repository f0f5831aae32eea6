/**
 * GET /api/directory: names for the ids the UI would otherwise show —
 * communities (小区), maintenance units (维修单位) and staff — so that a
 * Chinese-speaking user sees 幸福里小区 / 刘强, never C001 / unitA1.
 * Residents' names are never listed (R-LED-1); phones only of units.
 */
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { getModels } from '../../domain/models.js';
import { endpoint, type Endpoint } from '../http.js';

export const directoryView = z
  .object({
    communities: z.array(z.object({ id: z.string(), name: z.string(), firstUnitId: z.string().nullable(), secondUnitId: z.string().nullable() })),
    units: z.array(z.object({ id: z.string(), name: z.string(), phone: z.string().nullable() })),
    staff: z.array(z.object({ username: z.string(), name: z.string(), roles: z.array(z.string()), unitId: z.string().nullable() })),
  })
  .meta({ id: 'Directory' });

export function directoryRoutes(conn: Connection): Endpoint[] {
  const models = getModels(conn);
  return [
    endpoint({
      method: 'get',
      path: '/directory',
      tag: 'directory',
      summary: 'Names of communities, maintenance units and staff (for display; no residents)',
      access: 'authenticated',
      response: directoryView,
      handle: async () => {
        const [communities, units, users] = await Promise.all([
          models.Community.find({}).sort({ _id: 1 }).lean(),
          models.Unit.find({}).sort({ _id: 1 }).lean(),
          models.User.find({ active: true }, { username: 1, name: 1, roles: 1, unitId: 1 }).sort({ username: 1 }).lean(),
        ]);
        return {
          communities: communities.map((c) => ({ id: c._id, name: c.name, firstUnitId: c.firstUnitId ?? null, secondUnitId: c.secondUnitId ?? null })),
          units: units.map((u) => ({ id: u._id, name: u.name, phone: u.phone ?? null })),
          staff: users
            .filter((u) => u.roles.some((r) => r !== 'resident'))
            .map((u) => ({ username: u.username, name: u.name, roles: [...u.roles], unitId: u.unitId ?? null })),
        };
      },
    }),
  ];
}
