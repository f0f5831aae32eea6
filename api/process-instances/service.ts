import type { ProcessEngine, ProcessInstanceView } from '../../engine/port.js';
import { NotFound } from '../errors.js';
import { redact } from '../masking.js';

const view = (i: ProcessInstanceView) => ({
  key: i.key,
  bpmnProcessId: i.bpmnProcessId,
  version: i.version,
  state: i.state,
  activeElementIds: i.activeElementIds,
  completedElementIds: i.completedElementIds,
  incidents: i.incidents.map((x) => ({ key: x.key, elementId: x.elementId, message: x.message, createdAt: x.createdAt })),
  // Inspectors see the variables; a name or phone that slipped into them is masked.
  variables: redact(i.variables) as Record<string, unknown>,
  businessKey: i.businessKey ?? null,
  startedAt: i.startedAt,
  endedAt: i.endedAt ?? null,
});

export class ProcessInstanceService {
  constructor(private readonly engine: ProcessEngine) {}

  async list(q: { bpmnProcessId?: string; state?: ProcessInstanceView['state']; workOrderId?: string; limit: number }) {
    const items = await this.engine.listInstances({
      ...(q.bpmnProcessId ? { bpmnProcessId: q.bpmnProcessId } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(q.workOrderId ? { businessKey: q.workOrderId } : {}),
      limit: q.limit,
    });
    return { items: items.map(view) };
  }

  async get(key: string) {
    const instance = await this.engine.getInstance(key);
    if (!instance) throw new NotFound(`Process instance ${key} not found.`, 'INSTANCE_NOT_FOUND');
    return view(instance);
  }
}
