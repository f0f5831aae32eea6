/**
 * MongoDB implementation of the technician pool (R-DISP-1). Load changes are
 * idempotent per job key (`loadKeys`), applied with one conditional update by
 * `_id` each (FerretDB: one writing connection, by-id fast path).
 */
import type { Connection } from 'mongoose';
import type { TechnicianCandidate, TechnicianPool } from '../dispatch.js';
import { getModels, type Models } from '../models.js';
import type { TechnicianDoc } from '../technician.model.js';

function candidate(t: TechnicianDoc): TechnicianCandidate {
  return {
    id: t._id,
    name: t.name,
    unitId: t.unitId,
    skills: [...t.skills],
    load: t.load,
    ...(t.homeBuilding ? { homeBuilding: t.homeBuilding } : {}),
    ...(t.phone ? { phone: t.phone } : {}),
    ...(t.username ? { username: t.username } : {}),
  };
}

export class MongoTechnicianPool implements TechnicianPool {
  private readonly models: Models;

  constructor(conn: Connection) {
    this.models = getModels(conn);
  }

  async candidates(unitId: string, communityId: string): Promise<TechnicianCandidate[]> {
    const docs = await this.models.Technician.find({ unitId, active: true }).lean<TechnicianDoc[]>();
    return docs.filter((t) => t.communities.length === 0 || t.communities.includes(communityId)).map(candidate);
  }

  async get(id: string): Promise<TechnicianCandidate | undefined> {
    const doc = await this.models.Technician.findById(id).lean<TechnicianDoc>();
    return doc ? candidate(doc) : undefined;
  }

  async assign(id: string, key: string): Promise<void> {
    await this.models.Technician.updateOne({ _id: id, loadKeys: { $ne: key } }, { $inc: { load: 1 }, $push: { loadKeys: key } });
  }

  async release(id: string, key: string): Promise<void> {
    // Only a job that was counted is released, and only once.
    await this.models.Technician.updateOne({ _id: id, loadKeys: key, load: { $gt: 0 } }, { $inc: { load: -1 }, $pullAll: { loadKeys: [key] } });
  }
}
