/** Processes, deployments (lint → 400 with findings), process instances. */
import { describe, expect, it } from 'vitest';
import { minimalBpmn } from './fake-engine.js';
import { residentRepair, useApiHarness, type Json } from './harness.js';

// A stand-in linter: a model named "bad-*" has one finding (engine/lint decides for real).
const h = useApiHarness({
  lint: async (xml) => (/id="bad-/.test(xml) ? [{ path: 'Task_1', message: 'zeebe:script tasks do nothing on the embedded engine' }] : []),
});
const paths = (r: Json): string[] => r.body.error.details.map((d: { path: string }) => d.path);

describe('GET /api/processes and xml', () => {
  it('lists deployed definitions with version and time', async () => {
    const r = await h.get('/api/processes', { as: 'owner1' });
    expect(r.status).toBe(200);
    const repair = r.body.items.find((p: Json) => p.bpmnProcessId === 'repair');
    expect(repair).toMatchObject({ version: expect.any(Number), name: expect.any(String), deployedAt: expect.any(String) });
    expect((await h.get('/api/processes', { as: 'resident1' })).status).toBe(403);
  });

  it('serves the XML of the latest or a given version; unknown → 404; bad version → 400', async () => {
    const r = await h.get('/api/processes/repair/xml', { as: 'owner1' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(r.text).toContain('repair');
    expect((await h.get('/api/processes/nothing-here/xml', { as: 'owner1' })).status).toBe(404);
    expect((await h.get('/api/processes/repair/xml?version=999', { as: 'owner1' })).status).toBe(404);
    const bad = await h.get('/api/processes/repair/xml?version=latest', { as: 'owner1' });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['version']);
  });
});

describe('POST /api/deployments', () => {
  it('a process owner deploys: 201 {bpmnProcessId, version}; the same XML again is no new version', async () => {
    const xml = minimalBpmn('demo-procedure', 'Demo');
    const r = await h.post('/api/deployments', { name: 'demo-procedure.bpmn', xml }, { as: 'owner1' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ bpmnProcessId: 'demo-procedure', version: 1 });
    const again = await h.post('/api/deployments', { name: 'demo-procedure.bpmn', xml }, { as: 'owner1' });
    expect(again.body).toMatchObject({ version: 1, duplicate: true });
    const v2 = await h.post('/api/deployments', { name: 'demo-procedure', xml: xml.replace('name="Demo"', 'name="Demo v2"') }, { as: 'owner1' });
    expect(v2.body.version).toBe(2);
    const list = await h.get('/api/processes', { as: 'owner1' });
    expect(list.body.items.filter((p: Json) => p.bpmnProcessId === 'demo-procedure').map((p: Json) => p.version)).toEqual([1, 2]);
  });

  it('only process owners: others 403; no token 401', async () => {
    const body = { name: 'x.bpmn', xml: minimalBpmn('x') };
    for (const who of ['admin1', 'manager1', 'dispatcher1', 'resident1']) expect((await h.post('/api/deployments', body, { as: who })).status, who).toBe(403);
    expect((await h.post('/api/deployments', body)).status).toBe(401);
  });

  it('lint findings → 400 with the findings as details; nothing deployed', async () => {
    const before = (await h.get('/api/processes', { as: 'owner1' })).body.items.length;
    const r = await h.post('/api/deployments', { name: 'bad-model.bpmn', xml: minimalBpmn('bad-model') }, { as: 'owner1' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('MODEL_LINT_FAILED');
    expect(r.body.error.details).toEqual([{ path: 'Task_1', message: 'zeebe:script tasks do nothing on the embedded engine' }]);
    expect((await h.get('/api/processes', { as: 'owner1' })).body.items.length).toBe(before);
  });

  it('bad bodies → 400 naming the fields', async () => {
    const missing = await h.post('/api/deployments', {}, { as: 'owner1' });
    expect(missing.status).toBe(400);
    expect(paths(missing).sort()).toEqual(['name', 'xml']);
    const notXml = await h.post('/api/deployments', { name: 'a.bpmn', xml: 'hello' }, { as: 'owner1' });
    expect(notXml.status).toBe(400);
    expect(paths(notXml)).toEqual(['xml']);
    const badForm = await h.post('/api/deployments', { name: 'f.bpmn', xml: minimalBpmn('f'), forms: [{ name: 'f.form', content: '{"nope": 1}' }] }, { as: 'owner1' });
    expect(badForm.status).toBe(400);
    expect(paths(badForm)).toEqual(['forms.0.content']);
  });

  it('new orders use the new version; running instances keep theirs', async () => {
    const first = (await h.post('/api/work-orders', residentRepair(), { as: 'resident1' })).body;
    const xml = (await h.get('/api/processes/repair/xml', { as: 'owner1' })).text;
    const changed = xml.replace('</bpmn:definitions>', '<!-- v-next --></bpmn:definitions>');
    const dep = await h.post('/api/deployments', { name: 'repair.bpmn', xml: changed }, { as: 'owner1' });
    expect(dep.status).toBe(201);
    const second = (await h.post('/api/work-orders', residentRepair(), { as: 'resident1' })).body;
    expect(second.processVersion).toBe(dep.body.version);
    expect(first.processVersion).toBeLessThan(dep.body.version);
    const inst = await h.get(`/api/process-instances/${first.processInstanceKey}`, { as: 'owner1' });
    expect(inst.body.version).toBe(first.processVersion);
  });
});

describe('GET /api/process-instances', () => {
  it('inspectors list and read instances with the contract shape', async () => {
    const order = (await h.post('/api/work-orders', residentRepair(), { as: 'resident1' })).body;
    const list = await h.get('/api/process-instances?bpmnProcessId=repair&state=active', { as: 'manager1' });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: Json) => i.key)).toContain(order.processInstanceKey);
    const one = await h.get(`/api/process-instances/${order.processInstanceKey}`, { as: 'supervisor1' });
    for (const key of ['key', 'bpmnProcessId', 'version', 'state', 'activeElementIds', 'completedElementIds', 'incidents', 'variables', 'startedAt', 'endedAt']) {
      expect(one.body).toHaveProperty(key);
    }
    expect(one.body.state).toBe('active');
  });

  it('others 403; unknown key 404; bad state 400', async () => {
    for (const who of ['dispatcher1', 'unitA1', 'resident1', 'finance1', 'tech1']) expect((await h.get('/api/process-instances', { as: who })).status, who).toBe(403);
    expect((await h.get('/api/process-instances/424242', { as: 'admin1' })).status).toBe(404);
    const bad = await h.get('/api/process-instances?state=sleeping', { as: 'admin1' });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['state']);
  });
});
