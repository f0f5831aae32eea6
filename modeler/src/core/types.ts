/** The shapes the UI reads from the HTTP API (api-contract.md, /api/openapi.json). */

export type Role = 'resident' | 'dispatcher' | 'unit' | 'technician' | 'supervisor' | 'manager' | 'finance' | 'process-owner' | 'admin';

export interface User {
  id: string;
  username: string;
  name: string;
  roles: Role[];
  communities: string[];
  unitId?: string;
  groups: string[];
  flat?: { communityId: string; address: string };
}

export interface Deadline {
  name: string;
  dueAt: string;
  metAt: string | null;
  breached: boolean;
  canceledAt?: string | null;
}

export interface TimelineEntry {
  at: string;
  type: string;
  actor: string;
  note: string;
  elementId: string | null;
}

export interface WorkOrder {
  id: string;
  number: string;
  kind: string;
  status: string;
  processInstanceKey: string | null;
  bpmnProcessId: string | null;
  processVersion: number | null;
  communityId: string;
  address: string;
  description: string;
  faultType: string | null;
  symptom: string | null;
  part: string | null;
  priority: number | null;
  repairClass: 'emergency' | 'routine' | null;
  responsibility: string | null;
  reporter: { name: string; phone: string } | null;
  reporterMasked: boolean;
  reportedBy: string;
  channel: string;
  reportedAt: string;
  desiredTime: string | null;
  attachments: string[];
  assignedUnitId: string | null;
  technicianId: string | null;
  signedAt: string | null;
  closedAt: string | null;
  deadlines: Deadline[];
  timeline?: TimelineEntry[];
  fees: Record<string, unknown> | null;
  rating: Record<string, unknown> | null;
  fields: Record<string, unknown>;
}

export interface Task {
  id: string;
  kind: string;
  name: string;
  state: 'open' | 'completed' | 'canceled';
  workOrderId: string | null;
  processInstanceKey: string;
  bpmnProcessId: string;
  processVersion: number;
  elementId: string;
  candidateGroups: string[];
  candidateUnitId: string | null;
  assignee: string | null;
  createdAt: string;
  dueAt: string | null;
  completedAt: string | null;
  form: { id: string; fields: { key: string; type: string; label?: string; required: boolean }[]; schema: unknown } | null;
  variables: Record<string, unknown>;
}

export interface ProcessDefinition {
  bpmnProcessId: string;
  version: number;
  name: string;
  deployedAt: string;
}

export interface ProcessInstance {
  key: string;
  bpmnProcessId: string;
  version: number;
  state: 'active' | 'completed' | 'canceled' | 'incident';
  activeElementIds: string[];
  completedElementIds: string[];
  incidents: { elementId: string; message: string; createdAt?: string }[];
  variables: Record<string, unknown>;
  businessKey: string | null;
  startedAt: string;
  endedAt: string | null;
}

export interface KpiRow {
  key: string;
  total: number;
  timely: number;
  timelyRate: number | null;
  reworkRate: number | null;
  firstTimeFixRate: number | null;
  satisfaction: number | null;
  breachedDeadlines: number;
}

export interface SpotCheck {
  week: string;
  from: string;
  to: string;
  rate: number;
  population: number;
  sampleSize: number;
  items: { id: string; number: string; kind: string; status: string; communityId: string; assignedUnitId: string | null; reportedAt: string }[];
}

export interface Directory {
  communities: { id: string; name: string; firstUnitId: string | null; secondUnitId: string | null }[];
  units: { id: string; name: string; phone: string | null }[];
  staff: { username: string; name: string; roles: string[]; unitId: string | null }[];
}

export interface Finding {
  path: string;
  message: string;
}

export interface Upload {
  id: string;
  contentType: string;
  fileName: string;
  size: number;
}
