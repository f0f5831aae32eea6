/** POST /api/deployments with the project's real linter (engine/lint): Camunda 8 and embedded-engine rules. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { minimalBpmn } from './fake-engine.js';
import { useApiHarness, type Json } from './harness.js';

const h = useApiHarness({ repair: false });

describe('deployments are linted before they reach the engine', () => {
  it('the repair model passes and deploys', async () => {
    const xml = await readFile(new URL('../../processes/repair.bpmn', import.meta.url), 'utf8');
    const r = await h.post('/api/deployments', { name: 'repair.bpmn', xml }, { as: 'owner1' });
    expect(r.status, r.text).toBe(201);
    expect(r.body.bpmnProcessId).toBe('repair');
  });

  it('a model that would not deploy on Zeebe → 400 with one detail per finding, nothing deployed', async () => {
    const before = (await h.engine.listProcesses()).length;
    const r = await h.post('/api/deployments', { name: 'broken.bpmn', xml: minimalBpmn('broken') }, { as: 'owner1' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('MODEL_LINT_FAILED');
    expect(r.body.error.details.length).toBeGreaterThan(0);
    expect(r.body.error.details.some((d: Json) => d.path === 'broken' && /end event/i.test(d.message))).toBe(true);
    expect((await h.engine.listProcesses()).length).toBe(before);
  });

  it('unreadable XML → 400 naming the xml', async () => {
    const r = await h.post('/api/deployments', { name: 'junk.bpmn', xml: '<bpmn:definitions><oops' }, { as: 'owner1' });
    expect(r.status).toBe(400);
    expect(r.body.error.details.length).toBeGreaterThan(0);
  });
});

describe('POST /api/deployments?dryRun=true (the modeler\'s live lint)', () => {
  it('a good model: 200 {valid: true, findings: []}, nothing deployed', async () => {
    const xml = await readFile(new URL('../../processes/repair.bpmn', import.meta.url), 'utf8');
    const before = (await h.engine.listProcesses()).length;
    const r = await h.post('/api/deployments?dryRun=true', { name: 'repair.bpmn', xml: xml.replace('PT8M', 'PT9M') }, { as: 'owner1' });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ valid: true, findings: [] });
    expect((await h.engine.listProcesses()).length).toBe(before);
  });

  it('a model that would not deploy: 200 {valid: false} with the same findings a deployment would give, nothing deployed', async () => {
    const before = (await h.engine.listProcesses()).length;
    const r = await h.post('/api/deployments?dryRun=true', { name: 'broken.bpmn', xml: minimalBpmn('broken') }, { as: 'owner1' });
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.findings.some((d: Json) => d.path === 'broken' && /end event/i.test(d.message))).toBe(true);
    const deploy = await h.post('/api/deployments', { name: 'broken.bpmn', xml: minimalBpmn('broken') }, { as: 'owner1' });
    expect(deploy.body.error.details).toEqual(r.body.findings);
    expect((await h.engine.listProcesses()).length).toBe(before);
  });

  it('only for process owners (403), and a bad flag is 400', async () => {
    expect((await h.post('/api/deployments?dryRun=true', { name: 'x.bpmn', xml: minimalBpmn('x') }, { as: 'dispatcher1' })).status).toBe(403);
    expect((await h.post('/api/deployments?dryRun=maybe', { name: 'x.bpmn', xml: minimalBpmn('x') }, { as: 'owner1' })).status).toBe(400);
  });
});

describe('the same model linted twice in one server', () => {
  it('gives the same answer both times (bpmnlint rules that keep state must not leak between lints)', async () => {
    const xml = await readFile(new URL('../../processes/repair.bpmn', import.meta.url), 'utf8');
    for (let i = 0; i < 3; i++) {
      const r = await h.post('/api/deployments?dryRun=true', { name: 'repair.bpmn', xml }, { as: 'owner1' });
      expect(r.body, `lint #${i + 1}`).toEqual({ valid: true, findings: [] });
    }
  });
});
