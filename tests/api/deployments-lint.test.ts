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
