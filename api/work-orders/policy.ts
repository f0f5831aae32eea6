/**
 * Who may read an order, see its reporter's name and phone (R-LED-1), and
 * cancel it.
 *
 * Reporter's name and phone are shown to: the resident who reported it; the
 * dispatcher (takes the report, calls back); members of the unit the order is
 * assigned to (they contact the resident); supervisors and managers (manual
 * supervision, complaints); the technician assigned to the order. Everyone
 * else (finance, process owner, admin, other units, unassigned technicians)
 * sees them masked: `张*`, `138****5678`.
 */
import type { WorkOrderDoc } from '../../domain/work-order.model.js';
import type { AuthUser } from '../auth/service.js';

type OrderAccessFields = Pick<WorkOrderDoc, 'reporterUserId' | 'createdByUserId' | 'assignedUnitId' | 'technicianId'>;

/** Has at least one staff role (anything but `resident`). */
export function isStaff(user: AuthUser): boolean {
  return user.roles.some((r) => r !== 'resident');
}

export function isOwnOrder(user: AuthUser, order: OrderAccessFields): boolean {
  return order.reporterUserId === user.id || order.createdByUserId === user.id;
}

/** Staff read every order; a resident only their own (others answer 404). */
export function canReadOrder(user: AuthUser, order: OrderAccessFields): boolean {
  return isStaff(user) || isOwnOrder(user, order);
}

export function canSeeReporter(user: AuthUser, order: OrderAccessFields): boolean {
  if (order.reporterUserId === user.id) return true;
  if (user.roles.some((r) => r === 'dispatcher' || r === 'supervisor' || r === 'manager')) return true;
  if (user.roles.includes('unit') && user.unitId && order.assignedUnitId && user.unitId === order.assignedUnitId) return true;
  if (user.roles.includes('technician') && order.technicianId && (order.technicianId === user.id || order.technicianId === user.username)) {
    return true;
  }
  return false;
}

/** Cancel: the reporter (or whoever created it) or a dispatcher. The state rule (before sign-off) is the service's. */
export function canCancel(user: AuthUser, order: OrderAccessFields): boolean {
  return user.roles.includes('dispatcher') || isOwnOrder(user, order);
}
