/**
 * Every model in processes/ deploys on Camunda 8.8 and runs on the embedded
 * engine: lint clean, process id = file name, every job type has a worker
 * and every worker a job type, every user task a kind and a form whose
 * required fields are the contract's decision variables.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { requiredVariables, isTaskKind, taskVariableSchemas } from '../../domain/schemas.js';
import { FORBIDDEN_VARIABLE_NAMES, is, lintModel, taskHeaders } from '../../engine/lint/index.js';
import { workerFor, workers } from '../../workers/index.js';
import { documentation, formIdOf, forms, formsDir, jobType, kindOf, modelFiles, models, serviceTasks, userTasks, allElements } from './load.js';

describe('models in processes/', () => {
  it('there is at least the repair model', () => {
    expect(modelFiles).toContain('repair.bpmn');
  });

  it.each(modelFiles)('%s lints clean: camunda-cloud-8-8 + bpmnlint recommended + project rules', async (file) => {
    const model = models.find((m) => m.file === file);
    const result = await lintModel(model?.xml ?? '');
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it.each(modelFiles)('%s: one executable process whose id is the file name', (file) => {
    const model = models.find((m) => m.file === file);
    expect(model?.processes.map((p) => p.id)).toEqual([model?.name]);
    expect(model?.processes[0]?.get('isExecutable')).toBe(true);
  });

  it('every process declares Camunda 8.8 for the modeler', () => {
    for (const model of models) {
      expect(model.xml).toContain('modeler:executionPlatform="Camunda Cloud"');
      expect(model.xml).toContain('modeler:executionPlatformVersion="8.8.0"');
    }
  });
});

describe('job types and workers', () => {
  const used = [...new Set(serviceTasks.map(jobType))].sort();

  it('every zeebe:taskDefinition type has a worker module of that name', () => {
    expect(used.filter((type) => !workerFor(type))).toEqual([]);
  });

  it('every worker serves a job type used by a model', () => {
    expect(workers.map((w) => w.type).filter((type) => !used.includes(type))).toEqual([]);
  });

  it('worker types are unique', () => {
    const types = workers.map((w) => w.type);
    expect(new Set(types).size).toBe(types.length);
  });

  it('every task header of a service task is one its worker reads (no typos)', () => {
    const unknown = serviceTasks.flatMap((task) => {
      const worker = workerFor(jobType(task));
      return Object.keys(taskHeaders(task))
        .filter((header) => !worker?.headers.includes(header))
        .map((header) => `${task.id}: ${header}`);
    });
    expect(unknown).toEqual([]);
  });
});

describe('user tasks and forms', () => {
  it('every user task has a kind the contract knows and a form file', () => {
    for (const task of userTasks) {
      const kind = kindOf(task);
      expect(isTaskKind(kind), `${task.id}: kind <${kind}>`).toBe(true);
      expect(existsSync(join(formsDir, `${formIdOf(task)}.form`)), `${task.id}: form ${formIdOf(task)}`).toBe(true);
    }
  });

  it('every form is a form-js "default" form whose id is its file name, and is used by a user task', () => {
    const used = new Set(userTasks.map(formIdOf));
    for (const form of forms) {
      expect(form.type).toBe('default');
      expect(`${form.id}.form`).toBe(form.file);
      expect(used.has(form.id), `${form.file} is not used`).toBe(true);
    }
  });

  it('required form fields are exactly the contract decision variables of the kind; the others are in the schema', () => {
    for (const task of userTasks) {
      const kind = kindOf(task);
      if (!isTaskKind(kind)) continue;
      const form = forms.find((f) => f.id === formIdOf(task));
      const fields = (form?.components ?? []).filter((c) => c.key !== undefined);
      const required = fields.filter((c) => c.validate?.required === true).map((c) => c.key);
      expect(required.sort(), `${task.id} (${kind})`).toEqual(requiredVariables(kind).sort());
      const schemaKeys = Object.keys(taskVariableSchemas[kind].shape);
      expect(fields.map((c) => c.key).filter((key) => !schemaKeys.includes(key ?? '')), `${form?.file}`).toEqual([]);
    }
  });

  it('form keys are unique per form and never a name the engine overwrites', () => {
    for (const form of forms) {
      const keys = form.components.map((c) => c.key).filter((k): k is string => k !== undefined);
      expect(new Set(keys).size, form.file).toBe(keys.length);
      expect(keys.filter((k) => FORBIDDEN_VARIABLE_NAMES.includes(k)), form.file).toEqual([]);
    }
  });

  it('select options of a form are the values the schema accepts', () => {
    for (const task of userTasks) {
      const kind = kindOf(task);
      if (!isTaskKind(kind)) continue;
      const schema = taskVariableSchemas[kind];
      for (const component of forms.find((f) => f.id === formIdOf(task))?.components ?? []) {
        for (const option of component.values ?? []) {
          const sample = { ...requiredSample(kind), [component.key ?? '']: option.value };
          expect(schema.safeParse(sample).success, `${kind}.${component.key} = ${String(option.value)}`).toBe(true);
        }
      }
    }
  });
});

/** The smallest valid completion of a kind (for option checks). */
function requiredSample(kind: keyof typeof taskVariableSchemas): Record<string, unknown> {
  const samples: Record<string, unknown> = {
    priority: 3,
    responsibility: 'shared',
    outcome: 'signed',
    agreedArrivalAt: '2026-11-23T11:00:00+08:00',
    consent: true,
    result: 'repaired',
    approved: true,
    satisfied: true,
    classification: 'valid',
  };
  return Object.fromEntries(requiredVariables(kind).map((key) => [key, samples[key]]));
}

describe('rules named in the model', () => {
  const RULE_ID = /R-[A-Z]+(-\d+)?/;

  it('every task, boundary event and deciding gateway names the rule it implements', () => {
    const deciding = (e: (typeof allElements)[number]): boolean =>
      is(e, 'bpmn:ExclusiveGateway') && Array.isArray(e.get('outgoing')) && (e.get('outgoing') as unknown[]).length > 1;
    const missing = allElements
      .filter((e) => is(e, 'bpmn:Task') || is(e, 'bpmn:BoundaryEvent') || deciding(e))
      .filter((e) => !RULE_ID.test(documentation(e)))
      .map((e) => e.id);
    expect(missing).toEqual([]);
  });

  it('names are Chinese with English', () => {
    const unnamed = allElements
      .filter((e) => is(e, 'bpmn:Task') || is(e, 'bpmn:Event'))
      .filter((e) => !/[\u4e00-\u9fff].* [A-Za-z]/.test(String(e.name ?? '')))
      .map((e) => `${e.id}: ${String(e.name)}`);
    expect(unnamed).toEqual([]);
  });
});
