import { endpoint, type Endpoint } from '../http.js';
import { completeResponse, completeTaskBody, listTasksQuery, taskIdParam, taskList, taskView } from './schemas.js';
import type { TaskService } from './service.js';

export function taskRoutes(service: TaskService): Endpoint[] {
  return [
    endpoint({
      method: 'get',
      path: '/tasks',
      tag: 'tasks',
      summary: 'The tasklist: tasks the caller\'s roles and units may do',
      description:
        'A task is listed when assigned to the caller, naming them in candidateUsers, or when one of its candidateGroups ' +
        'is one of theirs (role names and `unit:<unitId>`). `assignee=me` lists only tasks the caller has claimed.',
      access: 'authenticated',
      query: listTasksQuery,
      response: taskList,
      handle: async ({ user, query, res }) => {
        res.status(200).type('application/json').send(await service.listJson(user, query));
      },
    }),
    endpoint({
      method: 'get',
      path: '/tasks/:id',
      tag: 'tasks',
      summary: 'One task with its form',
      access: 'authenticated',
      params: taskIdParam,
      response: taskView,
      handle: async ({ user, params }) => service.get(user, params.id),
    }),
    endpoint({
      method: 'post',
      path: '/tasks/:id/claim',
      tag: 'tasks',
      summary: 'Claim a task (assign it to the caller)',
      description: '409 when someone else holds it or it is no longer open; 403 when it is not for the caller.',
      access: 'authenticated',
      params: taskIdParam,
      response: taskView,
      errors: [409],
      handle: async ({ user, params }) => service.claim(user, params.id),
    }),
    endpoint({
      method: 'post',
      path: '/tasks/:id/unclaim',
      tag: 'tasks',
      summary: 'Give a claimed task back to its candidates',
      access: 'authenticated',
      params: taskIdParam,
      response: taskView,
      errors: [409],
      handle: async ({ user, params }) => service.unclaim(user, params.id),
    }),
    endpoint({
      method: 'post',
      path: '/tasks/:id/complete',
      tag: 'tasks',
      summary: 'Complete a task with its variables',
      description:
        'The variables are checked against the task\'s Camunda form and the contract\'s decision variables ' +
        '(400, nothing changes; unknown fields are refused). 409 when the task is not open, claimed by someone else, ' +
        'or for report-result with result=extension beyond the task headers maxExtensions (2) / maxExtensionDays (14) (R-REP-8). ' +
        '403 when the task is not for the caller.',
      access: 'authenticated',
      params: taskIdParam,
      body: completeTaskBody,
      response: completeResponse,
      errors: [409],
      handle: async ({ user, params, body }) => service.complete(user, params.id, body.variables),
    }),
  ];
}
