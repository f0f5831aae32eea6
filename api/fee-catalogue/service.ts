/**
 * The fee catalogue (维修项目收费标准, R-PAID-3): read by everyone (the price is
 * shown to the resident before the work), edited by an admin. Orders keep the
 * price they were registered with, so an edit applies to new orders only.
 */
import type { Connection } from 'mongoose';

import type { FeeCatalogueItemDoc } from '../../domain/fee-catalogue.model.js';
import { getModels, type Models } from '../../domain/models.js';
import { isDuplicateKey } from '../../domain/services/order-store.js';
import type { AuthUser } from '../auth/service.js';
import { Conflict, NotFound } from '../errors.js';
import type { CreateItemBody, ItemView, ListItemsQuery, ReplaceItemBody } from './schemas.js';

type ItemRecord = FeeCatalogueItemDoc;

export function toItemView(d: ItemRecord): ItemView {
  return {
    id: d._id,
    name: d.name,
    category: d.category,
    unit: d.unit,
    price: d.price,
    note: d.note ?? null,
    active: d.active,
    version: d.version,
    updatedBy: d.updatedBy ?? null,
    updatedAt: d.updatedAt ? new Date(d.updatedAt).toISOString() : null,
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class FeeCatalogueService {
  private readonly models: Models;

  constructor(conn: Connection) {
    this.models = getModels(conn);
  }

  async list(q: ListItemsQuery): Promise<{ items: ItemView[]; total: number }> {
    const filter: Record<string, unknown> = {};
    if (q.category) filter.category = q.category;
    if (q.active !== 'all') filter.active = q.active === 'true';
    if (q.q) filter.$or = [{ name: { $regex: escapeRegex(q.q), $options: 'i' } }, { _id: { $regex: escapeRegex(q.q), $options: 'i' } }];
    const docs = await this.models.FeeCatalogueItem.find(filter).sort({ _id: 1 }).limit(1000).lean<ItemRecord[]>();
    return { items: docs.map(toItemView), total: docs.length };
  }

  async get(id: string): Promise<ItemView> {
    const doc = await this.models.FeeCatalogueItem.findById(id).lean<ItemRecord>();
    if (!doc) throw new NotFound(`Fee catalogue item ${id} not found.`, 'FEE_ITEM_NOT_FOUND');
    return toItemView(doc);
  }

  async create(user: AuthUser, body: CreateItemBody): Promise<ItemView> {
    try {
      await this.models.FeeCatalogueItem.create({
        _id: body.id,
        name: body.name,
        category: body.category,
        unit: body.unit,
        price: body.price,
        ...(body.note ? { note: body.note } : {}),
        active: body.active,
        updatedBy: user.username,
        version: 0,
      });
    } catch (err) {
      if (isDuplicateKey(err)) {
        throw new Conflict(`The fee catalogue already has an item ${body.id}.`, 'FEE_ITEM_EXISTS', [{ path: 'id', message: 'is taken' }]);
      }
      throw err;
    }
    return this.get(body.id);
  }

  async replace(user: AuthUser, id: string, body: ReplaceItemBody): Promise<ItemView> {
    const current = await this.models.FeeCatalogueItem.findById(id, { version: 1 }).lean<Pick<ItemRecord, 'version'>>();
    if (!current) throw new NotFound(`Fee catalogue item ${id} not found.`, 'FEE_ITEM_NOT_FOUND');
    if (body.version !== undefined && body.version !== current.version) {
      throw new Conflict(`The item changed meanwhile (version ${current.version}); reload and try again.`, 'VERSION_CONFLICT', [
        { path: 'version', message: `is ${current.version}` },
      ]);
    }
    const set = {
      name: body.name,
      category: body.category,
      unit: body.unit,
      price: body.price,
      active: body.active,
      updatedBy: user.username,
    };
    const update = body.note
      ? { $set: { ...set, note: body.note }, $inc: { version: 1 } }
      : { $set: set, $unset: { note: 1 }, $inc: { version: 1 } };
    const result = await this.models.FeeCatalogueItem.updateOne({ _id: id, version: current.version }, update);
    if (result.matchedCount === 0) throw new Conflict('The item changed meanwhile; reload and try again.', 'VERSION_CONFLICT');
    return this.get(id);
  }
}
