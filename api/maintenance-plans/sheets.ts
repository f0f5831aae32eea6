/**
 * R-PM-1: a maintenance plan's dispatch sheet (派工单) is a repair order —
 * "handled like a repair" — reported on behalf of the service centre with the
 * plan's contact as reporter, priority 4 (planned 计划性), responsibility
 * shared (共用设施, free), and marked with the plan on the order.
 */
import type { Connection } from 'mongoose';

import type { MaintenancePlanDoc } from '../../domain/maintenance-plan.model.js';
import { MongoOrderStore } from '../../domain/services/order-store.js';
import type { CreateMaintenanceSheet } from '../../domain/services/maintenance-scheduler.js';
import type { ProcessEngine } from '../../engine/port.js';
import type { AuthUser } from '../auth/service.js';
import type { Logger } from '../logger.js';
import { WorkOrderService } from '../work-orders/service.js';

/** Who reports a plan's sheets: the scheduler acting for the service centre. */
export const MAINTENANCE_SCHEDULER_USER: AuthUser = {
  id: 'system:maintenance-scheduler',
  username: 'maintenance-scheduler',
  name: '维保计划 Maintenance plan',
  roles: ['dispatcher'],
  communities: [],
  groups: ['dispatcher'],
};

export function maintenanceSheetCreator(deps: { conn: Connection; engine: ProcessEngine; logger: Logger }): CreateMaintenanceSheet {
  const orders = new WorkOrderService(deps);
  const store = new MongoOrderStore(deps.conn, () => deps.engine.clock.now());
  return async (plan: MaintenancePlanDoc, dueAt: Date) => {
    const order = await orders.create(MAINTENANCE_SCHEDULER_USER, {
      kind: 'repair',
      communityId: plan.communityId,
      address: plan.address,
      description: `【计划维保 planned maintenance】${plan.name}:${plan.description}`,
      faultType: plan.equipment,
      symptom: '计划维保 planned maintenance',
      part: plan.part ?? plan.equipment,
      priority: 4,
      responsibility: 'shared',
      reporter: { name: plan.contact.name, phone: plan.contact.phone },
      channel: 'phone',
    });
    await store.update(
      order.id,
      { fields: { maintenancePlanId: String(plan._id), maintenancePlanName: plan.name, maintenanceDueAt: dueAt } },
      {
        key: 'maintenance-plan',
        type: 'maintenance-plan',
        actor: MAINTENANCE_SCHEDULER_USER.username,
        note: `维保计划「${plan.name}」当日派工单 dispatch sheet of the maintenance plan (R-PM-1), planned ${dueAt.toISOString()}`,
      },
    );
    return { id: order.id, number: order.number };
  };
}
