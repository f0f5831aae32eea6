/**
 * Mongoose models bound to one connection. Models are created per connection
 * (never on the global mongoose), so tests can use one database per file and
 * the API, workers and engine can share or separate connections freely.
 */
import type { Connection, Model } from 'mongoose';
import { communitySchema, unitSchema, type CommunityDoc, type UnitDoc } from './community.model.js';
import { counterSchema, type CounterDoc } from './counter.model.js';
import { idempotencyKeySchema, pendingStartSchema, type IdempotencyKeyDoc, type PendingStartDoc } from './idempotency-key.model.js';
import { feeCatalogueItemSchema, type FeeCatalogueItemDoc } from './fee-catalogue.model.js';
import { maintenancePlanSchema, type MaintenancePlanDoc } from './maintenance-plan.model.js';
import { legacyProblemSchema, type LegacyProblemDoc } from './legacy-problem.model.js';
import { notificationSchema, type NotificationDoc } from './notification.model.js';
import { outageSchema, type OutageDoc } from './outage.model.js';
import { technicianSchema, type TechnicianDoc } from './technician.model.js';
import { timelineSchema, type TimelineDoc } from './timeline.model.js';
import { userSchema, type UserDoc } from './user.model.js';
import { workOrderSchema, type WorkOrderDoc } from './work-order.model.js';

export interface Models {
  User: Model<UserDoc>;
  Community: Model<CommunityDoc>;
  Unit: Model<UnitDoc>;
  Counter: Model<CounterDoc>;
  IdempotencyKey: Model<IdempotencyKeyDoc>;
  PendingStart: Model<PendingStartDoc>;
  WorkOrder: Model<WorkOrderDoc>;
  Timeline: Model<TimelineDoc>;
  Notification: Model<NotificationDoc>;
  FeeCatalogueItem: Model<FeeCatalogueItemDoc>;
  Outage: Model<OutageDoc>;
  MaintenancePlan: Model<MaintenancePlanDoc>;
  LegacyProblem: Model<LegacyProblemDoc>;
  Technician: Model<TechnicianDoc>;
}

const cache = new WeakMap<Connection, Models>();

function bind<T>(conn: Connection, name: string, schema: import('mongoose').Schema<T>): Model<T> {
  const existing = conn.models[name] as Model<T> | undefined;
  return existing ?? conn.model<T>(name, schema);
}

export function getModels(conn: Connection): Models {
  let models = cache.get(conn);
  if (!models) {
    models = {
      User: bind(conn, 'User', userSchema),
      Community: bind(conn, 'Community', communitySchema),
      Unit: bind(conn, 'Unit', unitSchema),
      Counter: bind(conn, 'Counter', counterSchema),
      IdempotencyKey: bind(conn, 'IdempotencyKey', idempotencyKeySchema),
      PendingStart: bind(conn, 'PendingStart', pendingStartSchema),
      WorkOrder: bind(conn, 'WorkOrder', workOrderSchema),
      Timeline: bind(conn, 'Timeline', timelineSchema),
      Notification: bind(conn, 'Notification', notificationSchema),
      FeeCatalogueItem: bind(conn, 'FeeCatalogueItem', feeCatalogueItemSchema),
      Outage: bind(conn, 'Outage', outageSchema),
      MaintenancePlan: bind(conn, 'MaintenancePlan', maintenancePlanSchema),
      LegacyProblem: bind(conn, 'LegacyProblem', legacyProblemSchema),
      Technician: bind(conn, 'Technician', technicianSchema),
    };
    cache.set(conn, models);
  }
  return models;
}

/** Creates collections and indexes (unique keys must exist before the first write). */
export async function initModels(conn: Connection): Promise<Models> {
  const models = getModels(conn);
  for (const model of Object.values(models) as Model<unknown>[]) await model.init();
  return models;
}
