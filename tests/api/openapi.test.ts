/** The OpenAPI document covers every route the app answers, its security scheme and the error body. */
import { describe, expect, it } from 'vitest';
import { useApiHarness, type Json } from './harness.js';

const h = useApiHarness();

const CONTRACT_ROUTES = [
  'post /api/auth/login',
  'post /api/work-orders',
  'get /api/work-orders',
  'get /api/work-orders/export',
  'get /api/work-orders/{id}',
  'post /api/work-orders/{id}/cancel',
  'get /api/tasks',
  'post /api/tasks/{id}/claim',
  'post /api/tasks/{id}/complete',
  'get /api/processes',
  'get /api/processes/{bpmnProcessId}/xml',
  'post /api/deployments',
  'get /api/process-instances',
  'get /api/process-instances/{key}',
  'get /api/clock',
  'post /api/clock',
  'get /api/reports/kpi',
  'get /api/reports/spot-check',
  'get /api/health',
  'get /api/openapi.json',
];

describe('GET /api/openapi.json', () => {
  it('is OpenAPI 3.1 with every contract route, bearer security and the error schema', async () => {
    const r = await h.get('/api/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toMatch(/^3\.1\./);
    const ops = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m} ${p}`));
    for (const route of CONTRACT_ROUTES) expect(ops).toContain(route);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.schemas.Error.properties.error.properties).toHaveProperty('details');
    expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/health'].get.security).toEqual([]);
  });

  it('documents bodies, parameters and error responses from the zod schemas', async () => {
    const doc = (await h.get('/api/openapi.json')).body;
    const create = doc.paths['/api/work-orders'].post;
    expect(create.responses['201']).toBeDefined();
    expect(create.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    expect(create.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CreateWorkOrder');
    expect(JSON.stringify(doc.components.schemas.CreateWorkOrder)).toContain('faultType');
    const list = doc.paths['/api/work-orders'].get;
    expect(list.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['status', 'kind', 'communityId', 'priority', 'from', 'to', 'q']));
    const complete = doc.paths['/api/tasks/{id}/complete'].post;
    expect(complete.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
    expect(Object.keys(complete.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409']));
    // Every $ref resolves.
    const refs = JSON.stringify(doc).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.slice('"#/components/schemas/'.length, -1));
  });

  it('documents exactly the routes the app answers (no route without a document, none documented without a route)', async () => {
    const doc = (await h.get('/api/openapi.json')).body;
    for (const [p, methods] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const method of Object.keys(methods)) {
        const concrete = p.replace(/\{[^}]+\}/g, '424242');
        const r = await h.call(method.toUpperCase(), concrete, { as: 'admin1', ...(method === 'post' ? { body: {} } : {}) });
        expect(r.body?.error?.code, `${method} ${p}`).not.toBe('ROUTE_NOT_FOUND');
      }
    }
  });
});
