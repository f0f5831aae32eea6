/**
 * Parity scenarios: one description per procedure path, run by both adapters
 * (tests/parity/embedded.test.ts on the embedded engine, tests/zeebe/
 * contract.test.ts on the Zeebe adapter against the gateway and REST
 * stand-ins), so that the two cannot drift.
 *
 * Each scenario is data:
 * - `given`: the model (a fixture of tests/engine/fixtures) and forms, the
 *   start variables and business key, and what each job type's worker does
 *   per attempt;
 * - `when`: the steps a client takes (complete a user task, publish a message);
 * - `then`: what both adapters must show through the port — the jobs the
 *   workers saw, the user tasks, and the instance at the end;
 * - `zeebe`: what only the Zeebe run needs — the path through the model for
 *   the broker stand-in (it does not execute BPMN), and the exact requests
 *   the adapter must send on the wire (gRPC fields as the gateway protocol
 *   names them; JSON-string fields shown parsed, int64 fields as numbers).
 */
import type { PublishMessage, Variables } from '../../engine/port.js';
import type { PathElement } from '../zeebe/stand-in/broker.js';

export type WorkerStep =
  | { complete: Variables }
  | { fail: string; retryBackOffMs?: number; retries?: number }
  | { error: string; message?: string; variables?: Variables };

export type ScenarioStep =
  | {
      /** Wait for the open user task at `elementId`, check it, complete it. */
      userTask: string;
      expect: { name?: string; kind: string; candidateGroups: string[]; candidateUsers: string[]; formId?: string; businessKey?: string };
      complete: { variables: Variables; by: string };
    }
  | {
      /** Wait until the instance waits at `waitFor` (a message catch event), then publish. */
      waitFor: string;
      publish: PublishMessage;
    };

export interface ExpectedGrpc {
  method: string;
  request: Record<string, unknown>;
}

export interface ExpectedRest {
  method: string;
  path: RegExp;
  body?: unknown;
}

export interface ParityScenario {
  id: string;
  title: string;
  given: {
    fixture: 'basic' | 'errors' | 'messages';
    forms?: string[];
    bpmnProcessId: string;
    variables: Variables;
    businessKey?: string;
    /** Messages published before the instance starts. */
    publishedBefore?: PublishMessage[];
    /** Per job type, what the worker answers on each attempt (the last one repeats). */
    workers: Record<string, WorkerStep[]>;
  };
  when: ScenarioStep[];
  then: {
    /** Per job type: attempts, and what the first activation carried. */
    jobs: Record<string, { attempts: number; variables?: Variables; customHeaders?: Record<string, string>; retries?: number }>;
    instance: {
      state: 'active' | 'completed' | 'canceled' | 'incident';
      completed?: string[];
      notCompleted?: string[];
      active?: string[];
      incidents?: { elementId: string; message: string }[];
      variables?: Variables;
      absentVariables?: string[];
      businessKey?: string;
    };
    /** User tasks after the scenario: state and who completed them. */
    tasks?: Record<string, { state: 'created' | 'completed' | 'canceled'; completedBy?: string }>;
  };
  zeebe: {
    path: PathElement[];
    grpc: ExpectedGrpc[];
    rest?: ExpectedRest[];
  };
}

/** The worker options both runs use, so that ActivateJobs can be checked exactly. */
export const WORKER_OPTIONS = { timeoutMs: 10_000, maxJobsToActivate: 4, pollIntervalMs: 20 } as const;
export const workerName = (type: string): string => `parity-${type}`;

export const scenarios: ParityScenario[] = [
  {
    id: 'happy-path',
    title: 'start → job completes (input/output mapping, headers) → user task completes → end',
    given: {
      fixture: 'basic',
      forms: ['approve-form'],
      bpmnProcessId: 'basic',
      variables: { amount: 21, unitId: 'U-A' },
      businessKey: 'order-1',
      workers: { prepare: [{ complete: { result: 'ok-42', noise: 'not mapped' } }] },
    },
    when: [
      {
        userTask: 'approve',
        expect: {
          name: 'Approve',
          kind: 'approve',
          candidateGroups: ['unit:U-A'],
          candidateUsers: ['alice', 'bob'],
          formId: 'approve-form',
          businessKey: 'order-1',
        },
        complete: { variables: { approved: true }, by: 'alice' },
      },
    ],
    then: {
      jobs: { prepare: { attempts: 1, variables: { doubled: 42 }, customHeaders: { template: 'hello' }, retries: 2 } },
      instance: {
        state: 'completed',
        completed: ['start', 'prepare', 'approve', 'endApproved'],
        notCompleted: ['endSkipped', 'escalate'],
        active: [],
        incidents: [],
        variables: { amount: 21, unitId: 'U-A', prepared: 'ok-42', approved: true },
        absentVariables: ['noise', 'result'],
        businessKey: 'order-1',
      },
      tasks: { approve: { state: 'completed', completedBy: 'alice' } },
    },
    zeebe: {
      path: [
        { id: 'start', type: 'START_EVENT' },
        {
          id: 'prepare',
          type: 'SERVICE_TASK',
          job: { type: 'prepare', retries: 2, headers: { template: 'hello' } },
          inputs: { doubled: 42 },
          outputs: { prepared: 'result' },
        },
        { id: 'gw', type: 'EXCLUSIVE_GATEWAY' },
        {
          id: 'approve',
          type: 'USER_TASK',
          name: 'Approve',
          headers: { kind: 'approve' },
          candidateGroups: ['unit:U-A'],
          candidateUsers: ['alice', 'bob'],
          formId: 'approve-form',
        },
        { id: 'endApproved', type: 'END_EVENT' },
      ],
      grpc: [
        { method: 'CreateProcessInstance', request: { bpmnProcessId: 'basic', version: -1, variables: { amount: 21, unitId: 'U-A', businessKey: 'order-1' } } },
        { method: 'ActivateJobs', request: { type: 'prepare', worker: 'parity-prepare', timeout: 10_000, maxJobsToActivate: 4, requestTimeout: 200 } },
        { method: 'CompleteJob', request: { variables: { result: 'ok-42', noise: 'not mapped' } } },
      ],
      rest: [{ method: 'POST', path: /^\/v2\/user-tasks\/\d+\/completion$/, body: { variables: { approved: true }, action: 'complete' } }],
    },
  },
  {
    id: 'retries-then-incident',
    title: 'a failing job is retried with back-off, then raises an incident',
    given: {
      fixture: 'errors',
      bpmnProcessId: 'errors',
      variables: {},
      workers: { 'order-parts': [{ fail: 'supplier offline', retryBackOffMs: 10 }] },
    },
    when: [],
    then: {
      jobs: { 'order-parts': { attempts: 2, retries: 2 } },
      instance: {
        state: 'incident',
        active: ['order'],
        notCompleted: ['end', 'endNoStock'],
        incidents: [{ elementId: 'order', message: 'order-parts: supplier offline' }],
      },
    },
    zeebe: {
      path: [
        { id: 'start', type: 'START_EVENT' },
        {
          id: 'order',
          type: 'SERVICE_TASK',
          job: { type: 'order-parts', retries: 2 },
          errors: { NO_STOCK: [{ id: 'noStock', type: 'BOUNDARY_EVENT' }, { id: 'endNoStock', type: 'END_EVENT' }] },
        },
        { id: 'end', type: 'END_EVENT' },
      ],
      grpc: [
        { method: 'CreateProcessInstance', request: { bpmnProcessId: 'errors', variables: {} } },
        { method: 'FailJob', request: { retries: 1, retryBackOff: 10, errorMessage: 'order-parts: supplier offline' } },
        { method: 'FailJob', request: { retries: 0, retryBackOff: 10, errorMessage: 'order-parts: supplier offline' } },
      ],
    },
  },
  {
    id: 'bpmn-error-caught',
    title: 'a BPMN error thrown by the worker is caught by the boundary error event',
    given: {
      fixture: 'errors',
      bpmnProcessId: 'errors',
      variables: {},
      workers: { 'order-parts': [{ error: 'NO_STOCK', message: 'out of stock' }] },
    },
    when: [],
    then: {
      jobs: { 'order-parts': { attempts: 1 } },
      instance: { state: 'completed', completed: ['start', 'noStock', 'endNoStock'], notCompleted: ['order', 'end'], incidents: [] },
    },
    zeebe: {
      path: [
        { id: 'start', type: 'START_EVENT' },
        {
          id: 'order',
          type: 'SERVICE_TASK',
          job: { type: 'order-parts', retries: 2 },
          errors: { NO_STOCK: [{ id: 'noStock', type: 'BOUNDARY_EVENT' }, { id: 'endNoStock', type: 'END_EVENT' }] },
        },
        { id: 'end', type: 'END_EVENT' },
      ],
      grpc: [{ method: 'ThrowError', request: { errorCode: 'NO_STOCK', errorMessage: 'out of stock', variables: {} } }],
    },
  },
  {
    id: 'message-correlation',
    title: 'a message is correlated to the waiting instance by its correlation key',
    given: {
      fixture: 'messages',
      bpmnProcessId: 'messages',
      variables: { orderId: 'A-1' },
      workers: { 'prepare-payment': [{ complete: {} }] },
    },
    when: [
      { waitFor: 'waitPaid', publish: { name: 'fee-paid', correlationKey: 'Z-9', variables: { paidBy: 'nobody' } } },
      { waitFor: 'waitPaid', publish: { name: 'fee-paid', correlationKey: 'A-1', variables: { paidBy: 'card' }, messageId: 'pay-A-1' } },
    ],
    then: {
      jobs: { 'prepare-payment': { attempts: 1, variables: { orderId: 'A-1' } } },
      instance: { state: 'completed', completed: ['prepare', 'waitPaid', 'end'], variables: { orderId: 'A-1', paidBy: 'card' } },
    },
    zeebe: {
      path: [
        { id: 'start', type: 'START_EVENT' },
        { id: 'prepare', type: 'SERVICE_TASK', job: { type: 'prepare-payment', retries: 3 } },
        { id: 'waitPaid', type: 'INTERMEDIATE_CATCH_EVENT', message: { name: 'fee-paid', correlationKeyVariable: 'orderId' } },
        { id: 'end', type: 'END_EVENT' },
      ],
      grpc: [
        { method: 'PublishMessage', request: { name: 'fee-paid', correlationKey: 'Z-9', timeToLive: 0, messageId: '', variables: { paidBy: 'nobody' } } },
        { method: 'PublishMessage', request: { name: 'fee-paid', correlationKey: 'A-1', timeToLive: 0, messageId: 'pay-A-1', variables: { paidBy: 'card' } } },
      ],
    },
  },
  {
    id: 'message-buffered-ttl',
    title: 'a message published before the subscription is kept for its time to live and then correlated',
    given: {
      fixture: 'messages',
      bpmnProcessId: 'messages',
      variables: { orderId: 'B-2' },
      publishedBefore: [{ name: 'fee-paid', correlationKey: 'B-2', timeToLive: 'PT1H', variables: { paidBy: 'cash' } }],
      workers: { 'prepare-payment': [{ complete: {} }] },
    },
    when: [],
    then: {
      jobs: { 'prepare-payment': { attempts: 1 } },
      instance: { state: 'completed', completed: ['waitPaid', 'end'], variables: { orderId: 'B-2', paidBy: 'cash' } },
    },
    zeebe: {
      path: [
        { id: 'start', type: 'START_EVENT' },
        { id: 'prepare', type: 'SERVICE_TASK', job: { type: 'prepare-payment', retries: 3 } },
        { id: 'waitPaid', type: 'INTERMEDIATE_CATCH_EVENT', message: { name: 'fee-paid', correlationKeyVariable: 'orderId' } },
        { id: 'end', type: 'END_EVENT' },
      ],
      grpc: [{ method: 'PublishMessage', request: { name: 'fee-paid', correlationKey: 'B-2', timeToLive: 3_600_000, variables: { paidBy: 'cash' } } }],
    },
  },
];
