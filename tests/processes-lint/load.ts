/** Every model and form in processes/, read once for the model tests. */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { findExtension, flowElements, is, parseModel, processes, taskHeaders, type ModdleElement } from '../../engine/lint/index.js';

export const processesDir = fileURLToPath(new URL('../../processes/', import.meta.url));
export const formsDir = join(processesDir, 'forms');

export interface LoadedModel {
  file: string;
  name: string;
  xml: string;
  definitions: ModdleElement;
  processes: ModdleElement[];
  elements: ModdleElement[];
}

export interface FormComponent {
  key?: string;
  type: string;
  label?: string;
  values?: { label: string; value: unknown }[];
  validate?: { required?: boolean; min?: number; max?: number };
}

export interface LoadedForm {
  file: string;
  id: string;
  type: string;
  components: FormComponent[];
}

export const modelFiles = readdirSync(processesDir).filter((f) => f.endsWith('.bpmn')).sort();

export const models: LoadedModel[] = await Promise.all(
  modelFiles.map(async (file) => {
    const xml = readFileSync(join(processesDir, file), 'utf8');
    const { definitions } = await parseModel(xml);
    const procs = processes(definitions);
    return { file, name: basename(file, '.bpmn'), xml, definitions, processes: procs, elements: procs.flatMap((p) => flowElements(p)) };
  }),
);

export const forms: LoadedForm[] = readdirSync(formsDir)
  .filter((f) => f.endsWith('.form'))
  .sort()
  .map((file) => ({ file, ...(JSON.parse(readFileSync(join(formsDir, file), 'utf8')) as Omit<LoadedForm, 'file'>) }));

export const allElements = models.flatMap((m) => m.elements);

export const serviceTasks = allElements.filter((e) => is(e, 'bpmn:ServiceTask'));
export const userTasks = allElements.filter((e) => is(e, 'bpmn:UserTask'));

export function jobType(element: ModdleElement): string {
  return String(findExtension(element, 'zeebe:TaskDefinition')?.get('type') ?? '');
}

export function formIdOf(element: ModdleElement): string {
  return String(findExtension(element, 'zeebe:FormDefinition')?.get('formId') ?? '');
}

export function kindOf(element: ModdleElement): string {
  return taskHeaders(element)['kind'] ?? '';
}

export function documentation(element: ModdleElement): string {
  const docs = element.get('documentation');
  return Array.isArray(docs) ? docs.map((d: ModdleElement) => String(d.get('text') ?? '')).join('\n') : '';
}
