/** MongoDB implementation of the Directory port: communities and units. */
import type { Connection } from 'mongoose';
import { DEFAULT_CALENDAR } from '../community.model.js';
import { getModels, type Models } from '../models.js';
import type { CommunityInfo, Directory, UnitRef } from '../ports.js';
import { communityCacheOf } from './community-cache.js';

export class MongoDirectory implements Directory {
  private readonly models: Models;

  constructor(private readonly conn: Connection) {
    this.models = getModels(conn);
  }

  async community(id: string): Promise<CommunityInfo | undefined> {
    const c = await communityCacheOf(this.conn).get(id);
    if (!c) return undefined;
    return {
      id: c._id,
      name: c.name,
      timeZone: c.timeZone,
      firstUnitId: c.firstUnitId,
      ...(c.secondUnitId ? { secondUnitId: c.secondUnitId } : {}),
    };
  }

  /** The community's working-hours calendar (R-WO-5), the default one when none is set. */
  async calendar(id: string): Promise<typeof DEFAULT_CALENDAR | undefined> {
    const c = await communityCacheOf(this.conn).get(id);
    if (!c) return undefined;
    return { ...DEFAULT_CALENDAR, ...(c.calendar ?? {}) };
  }

  async unit(id: string): Promise<UnitRef | undefined> {
    const u = await this.models.Unit.findById(id).lean();
    return u ? { id: u._id, name: u.name } : undefined;
  }
}
