/**
 * The few endpoints of the Camunda 8.8 orchestration-cluster REST API
 * (`/v2/...`) the adapter uses: user tasks, the search endpoints behind
 * instance inspection, process definitions, and the clock.
 *
 * Shapes follow the 8.8 OpenAPI document (the types of
 * @camunda8/orchestration-cluster-api 8.8, which the SDK ships): searches are
 * `POST .../search` with `{filter, sort: [{field, order: 'ASC'|'DESC'}], page:
 * {from, limit}}` and answer `{items, page: {totalItems}}`; errors are RFC 9457
 * problem documents. Responses are parsed with zod, keeping only the fields
 * the adapter reads; unknown fields pass.
 *
 * Search data is eventually consistent (it is what the exporter has written
 * to the secondary store); commands (assign, complete, clock) are not.
 */
import { z } from 'zod';
import { EngineError } from '../port.js';
import type { RetryPolicy } from './errors.js';

/* ------------------------------------------------------------ responses */

const key = z.union([z.string(), z.number()]).transform((v) => String(v));

export const userTaskResult = z.looseObject({
  userTaskKey: key,
  name: z.string().nullish(),
  state: z.string(),
  assignee: z.string().nullish(),
  elementId: z.string().nullish(),
  candidateGroups: z.array(z.string()).nullish(),
  candidateUsers: z.array(z.string()).nullish(),
  processDefinitionId: z.string().nullish(),
  processDefinitionVersion: z.number().nullish(),
  processDefinitionKey: key.nullish(),
  processInstanceKey: key.nullish(),
  elementInstanceKey: key.nullish(),
  creationDate: z.string().nullish(),
  completionDate: z.string().nullish(),
  dueDate: z.string().nullish(),
  followUpDate: z.string().nullish(),
  customHeaders: z.record(z.string(), z.string()).nullish(),
  formKey: key.nullish(),
  externalFormReference: z.string().nullish(),
});
export type UserTaskResult = z.infer<typeof userTaskResult>;

export const formResult = z.looseObject({
  formKey: key.nullish(),
  formId: z.string().nullish(),
  version: z.number().nullish(),
  schema: z.unknown().optional(),
});
export type FormResult = z.infer<typeof formResult>;

export const processInstanceResult = z.looseObject({
  processInstanceKey: key,
  processDefinitionId: z.string(),
  processDefinitionVersion: z.number(),
  processDefinitionKey: key.nullish(),
  state: z.enum(['ACTIVE', 'COMPLETED', 'TERMINATED']),
  hasIncident: z.boolean().nullish(),
  startDate: z.string(),
  endDate: z.string().nullish(),
});
export type ProcessInstanceResult = z.infer<typeof processInstanceResult>;

export const elementInstanceResult = z.looseObject({
  elementInstanceKey: key,
  elementId: z.string(),
  type: z.string().nullish(),
  state: z.enum(['ACTIVE', 'COMPLETED', 'TERMINATED']),
  startDate: z.string().nullish(),
});
export type ElementInstanceResult = z.infer<typeof elementInstanceResult>;

export const incidentResult = z.looseObject({
  incidentKey: key,
  elementId: z.string().nullish(),
  errorType: z.string().nullish(),
  errorMessage: z.string().nullish(),
  state: z.string().nullish(),
  jobKey: key.nullish(),
  creationTime: z.string().nullish(),
});
export type IncidentResult = z.infer<typeof incidentResult>;

export const variableResult = z.looseObject({
  variableKey: key.nullish(),
  name: z.string(),
  value: z.string(),
  isTruncated: z.boolean().nullish(),
  scopeKey: key.nullish(),
});
export type VariableResult = z.infer<typeof variableResult>;

export const processDefinitionResult = z.looseObject({
  processDefinitionKey: key,
  processDefinitionId: z.string(),
  name: z.string().nullish(),
  version: z.number(),
  resourceName: z.string().nullish(),
});
export type ProcessDefinitionResult = z.infer<typeof processDefinitionResult>;

const searchResult = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    items: z.array(item).nullish().transform((v) => v ?? []),
    page: z.looseObject({ totalItems: z.number().nullish() }).nullish(),
  });

/* ------------------------------------------------------------- requests */

export type SortOrder = 'ASC' | 'DESC';
export interface SearchRequest {
  filter?: Record<string, unknown>;
  sort?: { field: string; order: SortOrder }[];
  page?: { from?: number; limit?: number };
}

export type HeadersProvider = () => Promise<Record<string, string>>;

interface Problem {
  title?: string;
  detail?: string;
  status?: number;
}

export class RestError extends EngineError {
  constructor(
    code: EngineError['code'],
    message: string,
    readonly status: number,
  ) {
    super(code, message);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class OrchestrationRest {
  private readonly base: string;

  constructor(
    restAddress: string,
    private readonly options: { headers: HeadersProvider; timeoutMs: number; retry: RetryPolicy; stopped?: () => boolean },
  ) {
    this.base = `${restAddress}/v2`;
  }

  /* user tasks */

  async searchUserTasks(body: SearchRequest) {
    return searchResult(userTaskResult).parse(await this.json('POST', '/user-tasks/search', body, true));
  }

  async getUserTask(userTaskKey: string): Promise<UserTaskResult | undefined> {
    const found = await this.jsonOrUndefined('GET', `/user-tasks/${enc(userTaskKey)}`);
    return found === undefined ? undefined : userTaskResult.parse(found);
  }

  /** The task's linked Camunda form; undefined when it has none. */
  async getUserTaskForm(userTaskKey: string): Promise<FormResult | undefined> {
    const found = await this.jsonOrUndefined('GET', `/user-tasks/${enc(userTaskKey)}/form`);
    return found === undefined || found === null || found === '' ? undefined : formResult.parse(found);
  }

  async searchUserTaskVariables(userTaskKey: string, body: SearchRequest) {
    return searchResult(variableResult).parse(await this.json('POST', `/user-tasks/${enc(userTaskKey)}/variables/search`, body, true));
  }

  async assignUserTask(userTaskKey: string, assignee: string): Promise<void> {
    await this.json('POST', `/user-tasks/${enc(userTaskKey)}/assignment`, { assignee, allowOverride: true, action: 'assign' }, false);
  }

  async unassignUserTask(userTaskKey: string): Promise<void> {
    await this.json('DELETE', `/user-tasks/${enc(userTaskKey)}/assignee`, undefined, false);
  }

  async completeUserTask(userTaskKey: string, variables: Record<string, unknown>): Promise<void> {
    await this.json('POST', `/user-tasks/${enc(userTaskKey)}/completion`, { variables, action: 'complete' }, false);
  }

  /* inspection */

  async getProcessInstance(processInstanceKey: string): Promise<ProcessInstanceResult | undefined> {
    const found = await this.jsonOrUndefined('GET', `/process-instances/${enc(processInstanceKey)}`);
    return found === undefined ? undefined : processInstanceResult.parse(found);
  }

  async searchProcessInstances(body: SearchRequest) {
    return searchResult(processInstanceResult).parse(await this.json('POST', '/process-instances/search', body, true));
  }

  async searchElementInstances(body: SearchRequest) {
    return searchResult(elementInstanceResult).parse(await this.json('POST', '/element-instances/search', body, true));
  }

  async searchIncidents(body: SearchRequest) {
    return searchResult(incidentResult).parse(await this.json('POST', '/incidents/search', body, true));
  }

  async searchVariables(body: SearchRequest) {
    return searchResult(variableResult).parse(await this.json('POST', '/variables/search', body, true));
  }

  /** The full value of a variable whose search result was truncated. */
  async getVariable(variableKey: string): Promise<VariableResult | undefined> {
    const found = await this.jsonOrUndefined('GET', `/variables/${enc(variableKey)}`);
    return found === undefined ? undefined : variableResult.parse(found);
  }

  async searchProcessDefinitions(body: SearchRequest) {
    return searchResult(processDefinitionResult).parse(await this.json('POST', '/process-definitions/search', body, true));
  }

  async getProcessDefinitionXml(processDefinitionKey: string): Promise<string | undefined> {
    const res = await this.send('GET', `/process-definitions/${enc(processDefinitionKey)}/xml`, undefined, true, 'text/xml');
    if (res.status === 404) return undefined;
    return res.text;
  }

  /* clock (only when the broker runs with ZEEBE_CLOCK_CONTROLLED=true) */

  async pinClock(timestamp: number): Promise<void> {
    await this.json('PUT', '/clock', { timestamp }, false);
  }

  async resetClock(): Promise<void> {
    await this.json('POST', '/clock/reset', undefined, false);
  }

  /* plumbing */

  private async jsonOrUndefined(method: string, path: string): Promise<unknown> {
    const res = await this.send(method, path, undefined, true);
    if (res.status === 404) return undefined;
    return res.body;
  }

  private async json(method: string, path: string, body: unknown, query: boolean): Promise<unknown> {
    const res = await this.send(method, path, body, query);
    if (res.status === 404) throw new RestError('NOT_FOUND', `${method} ${path}: ${res.problem}`, 404);
    return res.body;
  }

  /**
   * One request, retried while the cluster answers 503 (back-pressure: the
   * command was not processed) or, for queries only, when the connection
   * failed. 2xx and 404 are returned; everything else throws a RestError.
   */
  private async send(
    method: string,
    path: string,
    body: unknown,
    query: boolean,
    accept = 'application/json',
  ): Promise<{ status: number; body?: unknown; text?: string; problem: string }> {
    const { retry } = this.options;
    for (let attempt = 0; ; attempt++) {
      let status: number;
      let text: string;
      let contentType: string;
      try {
        const headers: Record<string, string> = { accept, ...(await this.options.headers()) };
        if (body !== undefined) headers['content-type'] = 'application/json';
        const res = await fetch(`${this.base}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        status = res.status;
        contentType = res.headers.get('content-type') ?? '';
        text = await res.text();
      } catch (err) {
        if (query && attempt < retry.maxRetries && !this.options.stopped?.()) {
          await sleep(Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** attempt));
          continue;
        }
        throw new RestError('UNAVAILABLE', `${method} ${path}: ${(err as Error).message}`, 0);
      }
      const parsed = contentType.includes('json') && text ? safeJson(text) : undefined;
      const problem = describeProblem(status, parsed as Problem | undefined, text);
      if (status >= 200 && status < 300) return { status, body: parsed ?? (text || undefined), text, problem };
      if (status === 404) return { status, problem };
      if ((status === 503 || status === 429) && attempt < retry.maxRetries && !this.options.stopped?.()) {
        await sleep(Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** attempt));
        continue;
      }
      const code: EngineError['code'] = status === 400 ? 'INVALID' : status === 409 ? 'CONFLICT' : 'UNAVAILABLE';
      throw new RestError(code, `${method} ${path}: ${problem}`, status);
    }
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeProblem(status: number, problem: Problem | undefined, text: string): string {
  const parts = [problem?.title, problem?.detail].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return `${status}${parts.length ? ` ${parts.join(': ')}` : text && status >= 300 ? ` ${text.slice(0, 200)}` : ''}`;
}
