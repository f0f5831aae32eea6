import { z } from 'zod';

import { idParam } from '../common-schemas.js';
import { endpoint, type Endpoint } from '../http.js';
import { ValidationError } from '../errors.js';
import {
  cancelWorkOrderBody,
  createWorkOrderBody,
  exportWorkOrdersQuery,
  listWorkOrdersQuery,
  workOrderList,
  workOrderView,
} from './schemas.js';
import type { WorkOrderService } from './service.js';
import { STAFF_ROLES } from '../../domain/user.model.js';


export function workOrderRoutes(service: WorkOrderService): Endpoint[] {
  return [
    endpoint({
      method: 'post',
      path: '/work-orders',
      tag: 'work-orders',
      summary: 'Report a work order; starts its BPMN process',
      description:
        'A resident may only report for their own flat (403 otherwise); staff for anyone. ' +
        'Kind `repair` starts process `repair` (the process id of each kind equals the kind). ' +
        '409 PROCESS_NOT_DEPLOYED when the kind\'s model is not deployed; nothing is stored then. ' +
        'Optional header `Idempotency-Key` (1–128 of A–Z a–z 0–9 _ - : .): a creation retried with the same key by the ' +
        'same user answers the order the first one created (201, same order) instead of creating another.',
      access: 'authenticated',
      body: createWorkOrderBody,
      status: 201,
      response: workOrderView,
      errors: [409, 503],
      handle: async ({ user, body, req }) => service.create(user, body, idempotencyKeyOf(req.get('Idempotency-Key'))),
    }),
    endpoint({
      method: 'get',
      path: '/work-orders',
      tag: 'work-orders',
      summary: 'The ledger (台账), filtered; a resident sees only their own orders',
      access: 'authenticated',
      query: listWorkOrdersQuery,
      response: workOrderList,
      handle: async ({ user, query }) => service.list(user, query),
    }),
    endpoint({
      method: 'get',
      path: '/work-orders/export',
      tag: 'work-orders',
      summary: 'Ledger export (CSV); reporter name and phone masked unless the caller may see them',
      access: STAFF_ROLES,
      query: exportWorkOrdersQuery,
      produces: 'text/csv',
      handle: async ({ user, query, res }) => {
        const csv = await service.exportCsv(user, query);
        res
          .status(200)
          .type('text/csv; charset=utf-8')
          .setHeader('Content-Disposition', 'attachment; filename="work-orders.csv"');
        res.send(csv);
        return undefined;
      },
    }),
    endpoint({
      method: 'post',
      path: '/work-orders/retention/sweep',
      tag: 'work-orders',
      summary: 'R-LED-3 retention sweep: deletes ended orders two years after their report, except public-facility records',
      description: 'Admin only. Deletes each order with its timeline, notifications and uploads; runs by itself too.',
      access: ['admin'],
      response: z.object({ purged: z.array(z.string()) }),
      handle: async () => service.sweepRetention(),
    }),
    endpoint({
      method: 'delete',
      path: '/work-orders/:id',
      tag: 'work-orders',
      summary: 'Delete an order whose retention has passed (R-LED-3)',
      description: 'Admin only. 409 RETENTION_NOT_EXPIRED before two years after its report, while it is still open, and always for public-facility records.',
      access: ['admin'],
      params: idParam,
      response: z.object({ workOrderId: z.string(), number: z.string(), purged: z.literal(true) }),
      errors: [409],
      handle: async ({ params }) => service.purge(params.id),
    }),
    endpoint({
      method: 'get',
      path: '/work-orders/:id',
      tag: 'work-orders',
      summary: 'One order with deadlines, timeline, fees and rating',
      description: "A resident asking for someone else's order gets 404.",
      access: 'authenticated',
      params: idParam,
      response: workOrderView,
      handle: async ({ user, params }) => service.get(user, params.id),
    }),
    endpoint({
      method: 'post',
      path: '/work-orders/:id/cancel',
      tag: 'work-orders',
      summary: 'Cancel (withdraw) an order before sign-off; cancels its process instance',
      description: 'Reporter or dispatcher only (403); 409 once the unit has signed for it or the order has moved on.',
      access: 'authenticated',
      params: idParam,
      body: cancelWorkOrderBody,
      response: workOrderView,
      errors: [409],
      handle: async ({ user, params, body }) => service.cancel(user, params.id, body.reason),
    }),
  ];
}

/** The Idempotency-Key header when it is well formed (else 400 naming it). */
function idempotencyKeyOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^[A-Za-z0-9_\-:.]{1,128}$/.test(raw)) {
    throw new ValidationError('The request is invalid.', [{ path: 'Idempotency-Key', message: 'must be 1–128 of A–Z a–z 0–9 _ - : .' }]);
  }
  return raw;
}
