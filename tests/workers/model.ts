/** The task headers of repair.bpmn's elements, so worker tests run with the model's own numbers. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { flowElements, parseModel, processes, taskHeaders } from '../../engine/lint/index.js';

const file = fileURLToPath(new URL('../../processes/repair.bpmn', import.meta.url));
const parsed = await parseModel(readFileSync(file, 'utf8'));
const elements = new Map(processes(parsed.definitions).flatMap((p) => flowElements(p)).map((e) => [e.id ?? '', e]));

export function headersOf(elementId: string): Record<string, string> {
  const element = elements.get(elementId);
  if (!element) throw new Error(`repair.bpmn has no element ${elementId}`);
  const headers = taskHeaders(element);
  delete headers['kind'];
  return headers;
}
