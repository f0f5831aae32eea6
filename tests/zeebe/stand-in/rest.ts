/**
 * A stand-in for the Camunda 8.8 orchestration-cluster REST API, on
 * 127.0.0.1:0, serving only the endpoints the adapter uses, from the
 * StandInBroker's state. It is strict where the real API is: unknown body
 * fields, filter fields or sort fields that the 8.8 OpenAPI document does not
 * name, and sort orders other than ASC/DESC, answer 400 with a problem
 * document — so a request shape that drifts from 8.8 fails the contract test.
 * Every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ElementInstance, IncidentState, Instance, StandInBroker, UserTaskState } from './broker.js';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Filter and sort fields per search endpoint, as the 8.8 OpenAPI document names them. */
const SEARCHES: Record<string, { filter: string[]; sort: string[] }> = {
  'user-tasks': {
    filter: [
      'state', 'assignee', 'priority', 'elementId', 'name', 'candidateGroup', 'candidateUser', 'tenantId', 'processDefinitionId', 'creationDate',
      'completionDate', 'followUpDate', 'dueDate', 'processInstanceVariables', 'localVariables', 'userTaskKey', 'processDefinitionKey',
      'processInstanceKey', 'elementInstanceKey',
    ],
    sort: ['creationDate', 'completionDate', 'followUpDate', 'dueDate', 'priority', 'name'],
  },
  'process-instances': {
    filter: [
      'processInstanceKey', 'processDefinitionId', 'processDefinitionName', 'processDefinitionVersion', 'processDefinitionVersionTag',
      'processDefinitionKey', 'parentProcessInstanceKey', 'parentElementInstanceKey', 'startDate', 'endDate', 'state', 'hasIncident', 'tenantId',
      'variables', 'batchOperationId', 'errorMessage', 'hasRetriesLeft', 'elementInstanceState', 'elementId', 'hasElementInstanceIncident',
      'incidentErrorHashCode', 'tags', '$or',
    ],
    sort: [
      'processInstanceKey', 'processDefinitionId', 'processDefinitionName', 'processDefinitionVersion', 'processDefinitionVersionTag',
      'processDefinitionKey', 'parentProcessInstanceKey', 'parentElementInstanceKey', 'startDate', 'endDate', 'state', 'hasIncident', 'tenantId',
    ],
  },
  'element-instances': {
    filter: [
      'processDefinitionId', 'state', 'type', 'elementId', 'elementName', 'hasIncident', 'tenantId', 'elementInstanceKey', 'processInstanceKey',
      'processDefinitionKey', 'incidentKey', 'startDate', 'endDate', 'elementInstanceScopeKey',
    ],
    sort: ['elementInstanceKey', 'processInstanceKey', 'processDefinitionKey', 'processDefinitionId', 'startDate', 'endDate', 'elementId', 'elementName', 'type', 'state', 'incidentKey', 'tenantId'],
  },
  incidents: {
    filter: [
      'processDefinitionId', 'errorType', 'errorMessage', 'elementId', 'creationTime', 'state', 'tenantId', 'incidentKey', 'processDefinitionKey',
      'processInstanceKey', 'elementInstanceKey', 'jobKey',
    ],
    sort: [
      'incidentKey', 'processInstanceKey', 'processDefinitionKey', 'processDefinitionId', 'errorType', 'errorMessage', 'elementId', 'elementInstanceKey',
      'creationTime', 'state', 'jobKey', 'tenantId',
    ],
  },
  variables: {
    filter: ['name', 'value', 'tenantId', 'isTruncated', 'variableKey', 'scopeKey', 'processInstanceKey'],
    sort: ['value', 'name', 'tenantId', 'variableKey', 'scopeKey', 'processInstanceKey'],
  },
  'process-definitions': {
    filter: ['name', 'isLatestVersion', 'resourceName', 'version', 'versionTag', 'processDefinitionId', 'tenantId', 'processDefinitionKey', 'hasStartForm'],
    sort: ['processDefinitionKey', 'name', 'resourceName', 'version', 'versionTag', 'processDefinitionId', 'tenantId'],
  },
  'user-task-variables': { filter: ['name'], sort: ['value', 'name', 'tenantId', 'variableKey', 'scopeKey', 'processInstanceKey'] },
};

type Row = Record<string, unknown>;

export class RestStandIn {
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  /** Answer 503 RESOURCE_EXHAUSTED to the next `count` requests whose "METHOD /path" starts with `prefix`. */
  private readonly rejections: { prefix: string; remaining: number }[] = [];
  port = 0;

  constructor(readonly broker: StandInBroker) {}

  get address(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  reject(prefix: string, count: number): void {
    this.rejections.push({ prefix, remaining: count });
  }

  calls(method: string, pathPattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = raw ? (JSON.parse(raw) as unknown) : undefined;
    } catch {
      body = raw;
    }
    this.requests.push({ method, path: url.pathname, body, headers: req.headers });
    const rejection = this.rejections.find((r) => r.remaining > 0 && `${method} ${url.pathname}`.startsWith(r.prefix));
    try {
      if (rejection) {
        rejection.remaining--;
        throw new Problem(503, 'RESOURCE_EXHAUSTED', 'Expected to handle REST API request, but the broker rejected it due to backpressure');
      }
      const out = this.route(method, url.pathname, body);
      if (out === undefined) {
        res.writeHead(204).end();
      } else if (typeof out === 'string') {
        res.writeHead(200, { 'content-type': 'text/xml' }).end(out);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
      }
    } catch (err) {
      const p = err instanceof Problem ? err : new Problem(500, 'INTERNAL', (err as Error).message);
      res
        .writeHead(p.status, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ type: 'about:blank', title: p.title, status: p.status, detail: p.detail, instance: url.pathname }));
    }
  }

  private route(method: string, path: string, body: unknown): unknown {
    const b = this.broker;
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v2/user-tasks/search') return this.search('user-tasks', body, [...b.userTasks.values()].map((t) => this.task(t)));
    if (method === 'GET' && (m = /^\/v2\/user-tasks\/(\d+)$/.exec(path))) return this.task(this.userTask(m[1] as string));
    if (method === 'GET' && (m = /^\/v2\/user-tasks\/(\d+)\/form$/.exec(path))) {
      const task = this.userTask(m[1] as string);
      const form = b.forms.find((f) => f.formKey === task.formKey);
      if (!form) return undefined; // 204: the task has no form
      return { formKey: form.formKey, formId: form.formId, version: form.version, schema: form.schema, tenantId: '<default>' };
    }
    if (method === 'POST' && (m = /^\/v2\/user-tasks\/(\d+)\/variables\/search$/.exec(path))) {
      const task = this.userTask(m[1] as string);
      return this.search('user-task-variables', body, this.variableRows(task.instance));
    }
    if (method === 'POST' && (m = /^\/v2\/user-tasks\/(\d+)\/assignment$/.exec(path))) {
      this.only(body, ['assignee', 'allowOverride', 'action']);
      const assignee = (body as Row).assignee;
      if (typeof assignee !== 'string' || !assignee) throw new Problem(400, 'INVALID_ARGUMENT', 'No assignee provided');
      const task = this.openTask(m[1] as string);
      if ((body as Row).allowOverride === false && task.assignee) throw new Problem(409, 'INVALID_STATE', 'The user task is already assigned');
      task.assignee = assignee;
      return undefined;
    }
    if (method === 'DELETE' && (m = /^\/v2\/user-tasks\/(\d+)\/assignee$/.exec(path))) {
      delete this.openTask(m[1] as string).assignee;
      return undefined;
    }
    if (method === 'POST' && (m = /^\/v2\/user-tasks\/(\d+)\/completion$/.exec(path))) {
      this.only(body, ['variables', 'action']);
      const task = this.openTask(m[1] as string);
      b.completeUserTask(task.userTaskKey, ((body as Row | undefined)?.variables as Row | undefined) ?? {});
      return undefined;
    }
    if (method === 'GET' && (m = /^\/v2\/process-instances\/(\d+)$/.exec(path))) {
      const instance = b.instances.get(m[1] as string);
      if (!instance) throw new Problem(404, 'NOT_FOUND', `Process instance with key '${m[1]}' not found`);
      return this.instance(instance);
    }
    if (method === 'POST' && path === '/v2/process-instances/search') return this.search('process-instances', body, [...b.instances.values()].map((i) => this.instance(i)));
    if (method === 'POST' && path === '/v2/element-instances/search') return this.search('element-instances', body, b.elements.map((e: ElementInstance) => ({ ...e })));
    if (method === 'POST' && path === '/v2/incidents/search') return this.search('incidents', body, b.incidents.map((i: IncidentState) => ({ ...i })));
    if (method === 'POST' && path === '/v2/variables/search') return this.search('variables', body, [...b.instances.values()].flatMap((i) => this.variableRows(i)));
    if (method === 'GET' && (m = /^\/v2\/variables\/(\d+-[\w$]+)$/.exec(path))) {
      const row = [...b.instances.values()].flatMap((i) => this.variableRows(i, false)).find((v) => v.variableKey === m?.[1]);
      if (!row) throw new Problem(404, 'NOT_FOUND', 'variable not found');
      return row;
    }
    if (method === 'POST' && path === '/v2/process-definitions/search') {
      return this.search(
        'process-definitions',
        body,
        b.definitions.map((d) => ({
          processDefinitionKey: d.key,
          processDefinitionId: d.bpmnProcessId,
          name: d.name,
          version: d.version,
          resourceName: d.resourceName,
          tenantId: '<default>',
          hasStartForm: false,
        })),
      );
    }
    if (method === 'GET' && (m = /^\/v2\/process-definitions\/(\d+)\/xml$/.exec(path))) {
      const def = b.definitions.find((d) => d.key === m?.[1]);
      if (!def) throw new Problem(404, 'NOT_FOUND', 'process definition not found');
      return def.xml;
    }
    if (method === 'PUT' && path === '/v2/clock') {
      this.only(body, ['timestamp']);
      const ts = (body as Row | undefined)?.timestamp;
      if (typeof ts !== 'number' || ts < 0) throw new Problem(400, 'INVALID_ARGUMENT', 'The timestamp must be a non-negative number');
      b.pinnedClock = ts;
      return undefined;
    }
    if (method === 'POST' && path === '/v2/clock/reset') {
      b.pinnedClock = undefined;
      b.clockResets++;
      return undefined;
    }
    throw new Problem(404, 'NOT_FOUND', `No endpoint ${method} ${path}`);
  }

  private userTask(key: string): UserTaskState {
    const task = this.broker.userTasks.get(key);
    if (!task) throw new Problem(404, 'NOT_FOUND', `User task with key '${key}' not found`);
    return task;
  }

  /** Commands on a closed task answer 404, as Zeebe's primary state no longer holds it. */
  private openTask(key: string): UserTaskState {
    const task = this.broker.userTasks.get(key);
    if (!task || task.state !== 'CREATED') {
      throw new Problem(404, 'NOT_FOUND', `Command 'COMPLETE' rejected with code 'NOT_FOUND': Expected to find user task with key '${key}', but no user task found`);
    }
    return task;
  }

  private task(t: UserTaskState): Row {
    return {
      userTaskKey: t.userTaskKey,
      name: t.path.name,
      state: t.state,
      ...(t.assignee ? { assignee: t.assignee } : {}),
      elementId: t.element.elementId,
      candidateGroups: t.path.candidateGroups ?? [],
      candidateUsers: t.path.candidateUsers ?? [],
      processDefinitionId: t.instance.definition.bpmnProcessId,
      creationDate: t.creationDate,
      ...(t.completionDate ? { completionDate: t.completionDate } : {}),
      ...(t.path.dueDate ? { dueDate: t.path.dueDate } : {}),
      tenantId: '<default>',
      processDefinitionVersion: t.instance.definition.version,
      customHeaders: t.path.headers ?? {},
      priority: 50,
      elementInstanceKey: t.element.elementInstanceKey,
      processDefinitionKey: t.instance.definition.key,
      processInstanceKey: t.instance.key,
      ...(t.formKey ? { formKey: t.formKey } : {}),
    };
  }

  private instance(i: Instance): Row {
    return {
      processInstanceKey: i.key,
      processDefinitionId: i.definition.bpmnProcessId,
      processDefinitionName: i.definition.name,
      processDefinitionVersion: i.definition.version,
      processDefinitionKey: i.definition.key,
      startDate: i.startDate,
      ...(i.endDate ? { endDate: i.endDate } : {}),
      state: i.state,
      hasIncident: this.broker.hasIncident(i),
      tenantId: '<default>',
    };
  }

  /** Root-scope variables of an instance, values as JSON text; long values truncated as the search store does. */
  private variableRows(i: Instance, truncate = true): Row[] {
    return Object.entries(i.variables).map(([name, value]) => {
      const text = JSON.stringify(value);
      const truncated = truncate && text.length > 64;
      return {
        variableKey: `${i.key}-${name}`,
        name,
        value: truncated ? text.slice(0, 64) : text,
        isTruncated: truncated,
        scopeKey: i.key,
        processInstanceKey: i.key,
        tenantId: '<default>',
      };
    });
  }

  private only(body: unknown, allowed: string[]): void {
    if (body === undefined) return;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Problem(400, 'INVALID_ARGUMENT', 'The body must be an object');
    const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
    if (unknown.length) throw new Problem(400, 'INVALID_ARGUMENT', `Request property [${unknown.join(', ')}] cannot be parsed`);
  }

  private search(kind: string, body: unknown, rows: Row[]): { items: Row[]; page: { totalItems: number } } {
    const spec = SEARCHES[kind] as { filter: string[]; sort: string[] };
    this.only(body, ['filter', 'sort', 'page']);
    const q = (body ?? {}) as { filter?: Row; sort?: { field: string; order?: string }[]; page?: Row };
    if (q.filter !== undefined) this.only(q.filter, spec.filter);
    if (q.page !== undefined) this.only(q.page, ['from', 'limit', 'after', 'before']);
    for (const s of q.sort ?? []) {
      this.only(s, ['field', 'order']);
      if (!spec.sort.includes(s.field)) throw new Problem(400, 'INVALID_ARGUMENT', `Unknown sortBy: ${s.field}`);
      if (s.order !== undefined && s.order !== 'ASC' && s.order !== 'DESC') throw new Problem(400, 'INVALID_ARGUMENT', `Unknown sortOrder: ${s.order}`);
    }
    const lookup: VariableLookup = (key, name) => this.broker.instances.get(key)?.variables[name];
    let items = rows.filter((row) => Object.entries(q.filter ?? {}).every(([field, want]) => matches(row, field, want, lookup)));
    for (const s of [...(q.sort ?? [])].reverse()) {
      const dir = s.order === 'DESC' ? -1 : 1;
      items = [...items].sort((a, b) => dir * compare(a[s.field], b[s.field]));
    }
    const from = Number(q.page?.from ?? 0);
    const limit = Number(q.page?.limit ?? 100);
    return { items: items.slice(from, from + limit), page: { totalItems: items.length } };
  }
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

type VariableLookup = (processInstanceKey: string, name: string) => unknown;

function matches(row: Row, field: string, want: unknown, lookup: VariableLookup): boolean {
  if (field === 'variables' || field === 'processInstanceVariables') {
    // Values are compared as JSON text, as the search store keeps them.
    return (want as { name: string; value: unknown }[]).every((v) => {
      const key = row.processInstanceKey;
      const value = typeof key === 'string' ? lookup(key, v.name) : undefined;
      return value !== undefined && valueMatches(JSON.stringify(value), v.value);
    });
  }
  if (field === 'candidateGroup') return listMatches(row.candidateGroups, want);
  if (field === 'candidateUser') return listMatches(row.candidateUsers, want);
  return valueMatches(row[field], want);
}

function listMatches(list: unknown, want: unknown): boolean {
  const values = Array.isArray(list) ? (list as unknown[]).map(String) : [];
  if (want !== null && typeof want === 'object') {
    const w = want as { $in?: unknown[]; $eq?: unknown };
    if (w.$in) return values.some((v) => w.$in?.map(String).includes(v));
    if (w.$eq !== undefined) return values.includes(String(w.$eq));
  }
  return values.includes(String(want));
}

function valueMatches(value: unknown, want: unknown): boolean {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    const w = want as { $eq?: unknown; $neq?: unknown; $in?: unknown[]; $exists?: boolean };
    if ('$eq' in w && String(value) !== String(w.$eq)) return false;
    if ('$neq' in w && String(value) === String(w.$neq)) return false;
    if (w.$in && !w.$in.map(String).includes(String(value))) return false;
    if ('$exists' in w && (value !== undefined) !== w.$exists) return false;
    return true;
  }
  return String(value) === String(want);
}
