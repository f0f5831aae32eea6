/**
 * The modeler's element templates come from the job workers (scripts/element-templates.ts):
 * one per worker, its job type a hidden binding, every header it reads a field
 * with the default the models use — so a process owner picks a step by name.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildElementTemplates, serviceTaskUses } from '../../scripts/element-templates.js';
import { processesDir } from '../../scripts/server.js';
import { workers } from '../../workers/index.js';

async function models(): Promise<string[]> {
  const files = (await readdir(processesDir)).filter((f) => f.endsWith('.bpmn'));
  return Promise.all(files.map((f) => readFile(path.join(processesDir, f), 'utf8')));
}

type Property = { type: string; value?: string; binding: { type: string; property?: string; key?: string } };

describe('element templates for the modeler', () => {
  it('one template per job worker, the job type bound as a hidden value', async () => {
    const templates = buildElementTemplates(workers, await models());
    expect(templates.map((t) => t.id).sort()).toEqual(workers.map((w) => `propflow.${w.type}`).sort());
    for (const [i, worker] of workers.entries()) {
      const props = templates[i].properties as Property[];
      expect(props).toContainEqual({ type: 'Hidden', value: worker.type, binding: { type: 'zeebe:taskDefinition', property: 'type' } });
      expect(templates[i].elementType).toEqual({ value: 'bpmn:ServiceTask' });
    }
  });

  it("every header a worker reads is a field bound to zeebe:taskHeader, defaulting to the models' value", async () => {
    const xmls = await models();
    const templates = buildElementTemplates(workers, xmls);
    const uses = serviceTaskUses(xmls);
    for (const [i, worker] of workers.entries()) {
      const headerProps = (templates[i].properties as Property[]).filter((p) => p.binding.type === 'zeebe:taskHeader');
      expect(headerProps.map((p) => p.binding.key)).toEqual([...worker.headers]);
      const first = uses.get(worker.type)?.[0];
      for (const p of headerProps) {
        const used = first?.headers[p.binding.key ?? ''];
        if (used !== undefined) expect(p.value, `${worker.type}.${p.binding.key}`).toBe(used);
      }
    }
  });

  it('names a template after the step the models call it (Chinese first)', async () => {
    const templates = buildElementTemplates(workers, await models());
    const dispatch = templates.find((t) => t.id === 'propflow.dispatch-unit');
    expect(dispatch?.name).toMatch(/^派单/);
    const signOffWithin = (dispatch?.properties as Property[]).find((p) => p.binding.key === 'signOffWithin');
    expect(signOffWithin?.value).toBe('PT8M');
  });
});
