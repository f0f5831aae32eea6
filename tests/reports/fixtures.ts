/** Orders written straight into the ledger, so that a report test knows every figure it expects. */
import type { Models } from '../../domain/models.js';
import type { Deadline, WorkOrderDoc } from '../../domain/work-order.model.js';

/** The harness's (fake or frozen) clock: Monday 2026-11-23 10:00 in Shanghai. */
export const NOW = new Date('2026-11-23T10:00:00+08:00');

export const at = (local: string): Date => new Date(`${local}+08:00`);

export function met(name: string, dueAt: string, metAt: string): Deadline {
  return { name, dueAt: at(dueAt), metAt: at(metAt), breached: false, canceledAt: null };
}
export function breached(name: string, dueAt: string): Deadline {
  return { name, dueAt: at(dueAt), metAt: null, breached: true, canceledAt: null };
}
export function open(name: string, dueAt: string): Deadline {
  return { name, dueAt: at(dueAt), metAt: null, breached: false, canceledAt: null };
}
export function canceled(name: string, dueAt: string, canceledAt: string): Deadline {
  return { name, dueAt: at(dueAt), metAt: null, breached: false, canceledAt: at(canceledAt) };
}

export interface Seed {
  label: string;
  communityId?: string;
  assignedUnitId?: string | null;
  kind?: WorkOrderDoc['kind'];
  priority?: number;
  status?: WorkOrderDoc['status'];
  reportedAt?: string;
  deadlines?: Deadline[];
  fields?: Record<string, unknown>;
  responsibility?: WorkOrderDoc['responsibility'];
  reporter?: { name: string; phone: string };
  technicianId?: string;
  fees?: Record<string, unknown>;
  description?: string;
}

let seq = 0;

/** Inserts the orders; returns their ids by label. */
export async function seedOrders(models: Models, seeds: readonly Seed[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const s of seeds) {
    seq += 1;
    const doc = await models.WorkOrder.create({
      number: `BX-TEST-${String(seq).padStart(5, '0')}-${s.label}`,
      kind: s.kind ?? 'repair',
      status: s.status ?? 'reported',
      communityId: s.communityId ?? 'C001',
      address: '1栋1单元101',
      description: s.description ?? `fixture ${s.label}`,
      ...(s.priority !== undefined ? { priority: s.priority, repairClass: s.priority <= 2 ? 'emergency' : 'routine' } : {}),
      ...(s.responsibility ? { responsibility: s.responsibility } : {}),
      ...(s.reporter ? { reporter: s.reporter } : {}),
      createdByUserId: 'u-dispatcher1',
      createdByUsername: 'dispatcher1',
      channel: 'phone',
      reportedAt: at(s.reportedAt ?? '2026-11-20T10:00:00'),
      attachments: [],
      assignedUnitId: s.assignedUnitId ?? null,
      technicianId: s.technicianId ?? null,
      deadlines: s.deadlines ?? [],
      fees: s.fees ?? null,
      fields: s.fields ?? {},
      appliedKeys: [],
      version: 0,
    });
    ids.set(s.label, String(doc._id));
  }
  return ids;
}
