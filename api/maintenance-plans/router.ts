/**
 * Preventive maintenance plans (设施设备维保计划, R-PM-1).
 *   POST /api/maintenance-plans       supervisor, manager, admin
 *   GET  /api/maintenance-plans       staff
 *   GET  /api/maintenance-plans/:id   staff
 */
import { idParam } from '../common-schemas.js';
import { endpoint, type Endpoint } from '../http.js';
import { createPlanBody, listPlansQuery, planList, planView } from './schemas.js';
import type { MaintenancePlanService } from './service.js';
import { STAFF_ROLES } from '../../domain/user.model.js';


export function maintenancePlanRoutes(service: MaintenancePlanService): Endpoint[] {
  return [
    endpoint({
      method: 'post',
      path: '/maintenance-plans',
      tag: 'maintenance-plans',
      summary: 'Enter a preventive maintenance plan; on each planned day it creates a dispatch sheet (R-PM-1)',
      description:
        'Occurrence n is firstDate + n × every at dispatchTime (community local time). The sheet is a repair order ' +
        '(priority 4, shared facility) reported by the plan\'s contact and marked with fields.maintenancePlanId.',
      access: ['supervisor', 'manager', 'admin'],
      body: createPlanBody,
      status: 201,
      response: planView,
      handle: async ({ user, body }) => service.create(user, body),
    }),
    endpoint({
      method: 'get',
      path: '/maintenance-plans',
      tag: 'maintenance-plans',
      summary: 'Preventive maintenance plans with their next date and the sheets they created',
      access: STAFF_ROLES,
      query: listPlansQuery,
      response: planList,
      handle: async ({ query }) => service.list(query),
    }),
    endpoint({
      method: 'get',
      path: '/maintenance-plans/:id',
      tag: 'maintenance-plans',
      summary: 'One maintenance plan',
      access: STAFF_ROLES,
      params: idParam,
      response: planView,
      handle: async ({ params }) => service.get(params.id),
    }),
  ];
}
