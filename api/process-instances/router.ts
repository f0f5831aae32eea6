import { endpoint, type Endpoint } from '../http.js';
import { instanceKeyParam, instanceList, instanceView, listInstancesQuery } from './schemas.js';
import type { ProcessInstanceService } from './service.js';

export const INSPECTORS = ['manager', 'supervisor', 'process-owner', 'admin'] as const;

export function processInstanceRoutes(service: ProcessInstanceService): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/process-instances',
      tag: 'process-instances',
      summary: 'Process instances (inspector)',
      access: INSPECTORS,
      query: listInstancesQuery,
      response: instanceList,
      handle: async ({ query }) => service.list(query),
    }),
    endpoint({
      method: 'get',
      path: '/process-instances/:key',
      tag: 'process-instances',
      summary: 'One process instance: state, active and completed elements, incidents, variables',
      access: INSPECTORS,
      params: instanceKeyParam,
      response: instanceView,
      handle: async ({ params }) => service.get(params.key),
    }),
  ];
}
