/**
 * MongoDB implementation of the OutageStore port (domain/outages.ts): one
 * conditional update per event key (applied once, like the order store's
 * patches), events kept on the outage document.
 */
import type { Connection } from 'mongoose';

import { getModels, type Models } from '../models.js';
import type { OutageEvent, OutagePatch, OutageStore } from '../outages.js';
import { systemNow, type Now } from './clock.js';
import { isObjectIdLike } from './order-store.js';

export class OutageNotFoundError extends Error {
  constructor(readonly outageId: string) {
    super(`outage ${outageId} not found`);
    this.name = 'OutageNotFoundError';
  }
}

export class MongoOutageStore implements OutageStore {
  private readonly models: Models;

  constructor(
    conn: Connection,
    private readonly now: Now = systemNow,
  ) {
    this.models = getModels(conn);
  }

  async update(id: string, patch: OutagePatch, event: OutageEvent): Promise<void> {
    if (!isObjectIdLike(id)) throw new OutageNotFoundError(id);
    const set: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) set[key] = value;
    const at = event.at ?? this.now();
    const result = await this.models.Outage.updateOne(
      { _id: id, appliedKeys: { $ne: event.key } },
      {
        ...(Object.keys(set).length ? { $set: set } : {}),
        $push: { appliedKeys: event.key, events: { key: event.key, at, type: event.type, note: event.note } },
        $inc: { version: 1 },
      },
    );
    if (result.matchedCount === 0 && !(await this.models.Outage.exists({ _id: id }))) throw new OutageNotFoundError(id);
  }
}
