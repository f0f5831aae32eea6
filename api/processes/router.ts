import { endpoint, type Endpoint } from '../http.js';
import { deploymentBody, deploymentQuery, deploymentResponse, processIdParam, processList, xmlQuery } from './schemas.js';
import type { ProcessService } from './service.js';
import { STAFF_ROLES } from '../../domain/user.model.js';


export function processRoutes(service: ProcessService): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/processes',
      tag: 'processes',
      summary: 'Deployed process definitions (all versions)',
      access: STAFF_ROLES,
      response: processList,
      handle: async () => service.list(),
    }),
    endpoint({
      method: 'get',
      path: '/processes/:bpmnProcessId/xml',
      tag: 'processes',
      summary: 'The BPMN XML of a process (latest version unless ?version=N)',
      access: STAFF_ROLES,
      params: processIdParam,
      query: xmlQuery,
      produces: 'application/xml',
      handle: async ({ params, query, res }) => {
        const xml = await service.xml(params.bpmnProcessId, query.version);
        res.status(200).type('application/xml; charset=utf-8').send(xml);
        return undefined;
      },
    }),
    endpoint({
      method: 'post',
      path: '/deployments',
      tag: 'processes',
      summary: 'Deploy a BPMN model (process owner)',
      description:
        'The model is linted first (Camunda 8 compatibility and what the embedded engine cannot run); ' +
        'any finding → 400 with the findings as details, nothing deployed. New orders use the new version; running instances keep theirs. ' +
        '`?dryRun=true` only lints: 200 `{valid, findings}`, nothing deployed.',
      access: ['process-owner'],
      body: deploymentBody,
      query: deploymentQuery,
      status: 201,
      response: deploymentResponse,
      handle: async ({ body, query, res }) => {
        if (!query.dryRun) return service.deploy(body);
        res.status(200).json(await service.lint(body.xml));
        return undefined;
      },
    }),
  ];
}
