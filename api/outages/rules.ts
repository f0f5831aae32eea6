/**
 * R-OUT-1's numbers as the deployed outage-notice model states them (headers
 * of its schedule-outage-notice task): a process owner changes them there and
 * POST /api/outages validates with the new values at once.
 */
import { Duration } from 'luxon';

import { flowElements, findExtension, is, parseModel, processes, taskHeaders } from '../../engine/lint/index.js';
import type { ProcessEngine } from '../../engine/port.js';
import { Conflict } from '../errors.js';

export const OUTAGE_PROCESS = 'outage-notice';
const JOB_TYPE = 'schedule-outage-notice';

export interface OutageRules {
  waterLeadTime: string;
  powerLeadTime: string;
  durationLimit: string;
}

const cache = new Map<string, OutageRules>();

function notDeployed(): Conflict {
  return new Conflict(`The process "${OUTAGE_PROCESS}" is not deployed; a process owner must deploy it first.`, 'PROCESS_NOT_DEPLOYED');
}

export async function outageRules(engine: ProcessEngine): Promise<OutageRules> {
  const xml = await engine.getProcessXml(OUTAGE_PROCESS);
  if (!xml) throw notDeployed();
  const cached = cache.get(xml);
  if (cached) return cached;
  const { definitions } = await parseModel(xml);
  const task = processes(definitions)
    .flatMap((p) => flowElements(p))
    .find((e) => is(e, 'bpmn:ServiceTask') && findExtension(e, 'zeebe:TaskDefinition')?.get('type') === JOB_TYPE);
  const headers = task ? taskHeaders(task) : {};
  const duration = (name: keyof OutageRules): string => {
    const value = headers[name];
    if (!value || !Duration.fromISO(value).isValid) {
      throw new Conflict(`The deployed ${OUTAGE_PROCESS} model has no valid <${name}> header on its ${JOB_TYPE} task.`, 'PROCESS_MODEL_INVALID');
    }
    return value;
  };
  const rules = { waterLeadTime: duration('waterLeadTime'), powerLeadTime: duration('powerLeadTime'), durationLimit: duration('durationLimit') };
  if (cache.size > 20) cache.clear();
  cache.set(xml, rules);
  return rules;
}
