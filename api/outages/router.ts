/**
 * Outage notices (停水停电通知, R-OUT-1).
 *   POST /api/outages       dispatcher, supervisor: register a stop; starts the outage-notice process
 *   GET  /api/outages       the stops (a resident: those of their community)
 *   GET  /api/outages/:id
 */
import { idParam } from '../common-schemas.js';
import { endpoint, type Endpoint } from '../http.js';
import { createOutageBody, listOutagesQuery, outageList, outageView } from './schemas.js';
import type { OutageService } from './service.js';

export function outageRoutes(service: OutageService): Endpoint[] {
  return [
    endpoint({
      method: 'post',
      path: '/outages',
      tag: 'outages',
      summary: 'Register a water or power stop (停水停电); starts its notice process (R-OUT-1)',
      description:
        'A planned water stop must start at least one day ahead, a planned power stop two days ahead, and last at most 4 hours ' +
        '(the deployed outage-notice model\'s numbers); otherwise 400 naming startsAt or endsAt. A sudden stop is announced within 10 minutes.',
      access: ['dispatcher', 'supervisor'],
      body: createOutageBody,
      status: 201,
      response: outageView,
      errors: [409, 503],
      handle: async ({ user, body }) => service.create(user, body),
    }),
    endpoint({
      method: 'get',
      path: '/outages',
      tag: 'outages',
      summary: 'Water and power stops; a resident sees those of their own community',
      access: 'authenticated',
      query: listOutagesQuery,
      response: outageList,
      handle: async ({ user, query }) => service.list(user, query),
    }),
    endpoint({
      method: 'get',
      path: '/outages/:id',
      tag: 'outages',
      summary: 'One stop with its notice times and events',
      access: 'authenticated',
      params: idParam,
      response: outageView,
      handle: async ({ user, params }) => service.get(user, params.id),
    }),
  ];
}
