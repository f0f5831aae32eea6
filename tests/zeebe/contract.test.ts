/**
 * Contract tests of the Zeebe adapter, without a broker: the adapter talks to
 * a gRPC gateway stand-in built from the SDK's own zeebe.proto and to a REST
 * stand-in of the 8.8 orchestration-cluster API, both on 127.0.0.1 (see
 * stand-in/). The tests assert the exact requests the adapter sends and how
 * it handles the answers, errors and back-pressure.
 *
 * The parity scenarios (tests/parity/scenarios.ts) run here as on the
 * embedded adapter (tests/parity/embedded.test.ts).
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EngineError, JobResult, type UserTaskEvent } from '../../engine/port.js';
import { loadZeebeConfig, ZeebeConfigError } from '../../engine/zeebe/config.js';
import type { ZeebeEngine } from '../../engine/zeebe/index.js';
import { assertParity, runScenario, scenarioResources } from '../parity/runner.js';
import { scenarios } from '../parity/scenarios.js';
import { eventually, startStandIns, type StandIns } from './harness.js';
import { Status, type PathElement } from './stand-in/broker.js';
import { expectGrpc, expectRest, sent } from './wire.js';

const fixture = (name: string) => ({ name: `${name}.bpmn`, content: readFileSync(new URL(`../engine/fixtures/${name}.bpmn`, import.meta.url), 'utf8') });

const basicPath: PathElement[] = [
  { id: 'start', type: 'START_EVENT' },
  { id: 'prepare', type: 'SERVICE_TASK', job: { type: 'prepare', retries: 2, headers: { template: 'hello' } }, inputs: { doubled: 42 }, outputs: { prepared: 'result' } },
  { id: 'gw', type: 'EXCLUSIVE_GATEWAY' },
  { id: 'approve', type: 'USER_TASK', name: 'Approve', headers: { kind: 'approve' }, candidateGroups: ['unit:U-A'], candidateUsers: ['alice', 'bob'] },
  { id: 'endApproved', type: 'END_EVENT' },
];

// A rejected promise nobody handles would be a crash in production: count them.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('parity scenarios on the Zeebe adapter (gateway and REST stand-ins)', () => {
  for (const scenario of scenarios) {
    it(`${scenario.id}: ${scenario.title}`, async () => {
      const s = await startStandIns();
      try {
        s.broker.route(scenario.given.bpmnProcessId, scenario.zeebe.path);
        const engine = s.engine();
        await engine.start();
        await engine.deploy(scenarioResources(scenario));
        const observed = await runScenario(engine, scenario);
        assertParity(scenario, observed);
        expectGrpc(s.gateway, scenario.zeebe.grpc);
        expectRest(s.rest, scenario.zeebe.rest ?? []);
      } finally {
        await s.close();
      }
    });
  }
});

describe('the Zeebe adapter against the stand-ins', () => {
  let s: StandIns;
  let engine: ZeebeEngine;

  beforeEach(async () => {
    s = await startStandIns();
    s.broker.route('basic', basicPath);
    engine = s.engine();
    await engine.start();
  });

  afterEach(async () => {
    await s.close();
  });

  describe('deploy', () => {
    it('sends models and forms in one DeployResource, maps the processes, and tells a redeploy of the same XML', async () => {
      const form = { name: 'forms/approve-form.form', content: readFileSync(new URL('../parity/fixtures/approve-form.form', import.meta.url), 'utf8') };
      const [first] = await engine.deploy([fixture('basic'), form]);
      const [request] = s.gateway.requests('DeployResource');
      const resources = (request?.resources as { name: string; content: Buffer }[]).map((r) => ({ name: r.name, content: r.content.toString('utf8') }));
      expect(resources).toEqual([fixture('basic'), form]);
      expect(first).toMatchObject({ bpmnProcessId: 'basic', version: 1, name: 'Basic', processDefinitionKey: s.broker.definitions[0]?.key });
      expect(first?.duplicate).toBeUndefined();
      expect(await engine.getForm('approve-form')).toMatchObject({ id: 'approve-form' });

      const [again] = await engine.deploy([fixture('basic')]);
      expect(again).toMatchObject({ bpmnProcessId: 'basic', version: 1, duplicate: true });
      // The redeploy check asked for the latest definition, with the 8.8 search shape.
      expect(s.rest.calls('POST', /^\/v2\/process-definitions\/search$/).at(-1)?.body).toEqual({
        filter: { processDefinitionId: 'basic' },
        sort: [{ field: 'version', order: 'DESC' }],
        page: { from: 0, limit: 1 },
      });

      const changed = fixture('basic').content.replace('PT8M', 'PT20M');
      const [v2] = await engine.deploy([{ name: 'basic.bpmn', content: changed }]);
      expect(v2).toMatchObject({ bpmnProcessId: 'basic', version: 2 });
      expect(await engine.getProcessXml('basic')).toContain('PT20M');
      expect(await engine.getProcessXml('basic', 1)).toContain('PT8M');
      expect(await engine.getProcessXml('nope')).toBeUndefined();
      expect((await engine.listProcesses()).map((p) => [p.bpmnProcessId, p.version])).toEqual([
        ['basic', 1],
        ['basic', 2],
      ]);
    });

    it('rejects a document that is not BPMN with INVALID, carrying the broker reason', async () => {
      const err = await engine.deploy([{ name: 'x.bpmn', content: '<nope/>' }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect(err).toMatchObject({ code: 'INVALID' });
      expect((err as EngineError).message).toContain('not a BPMN model');
    });
  });

  describe('instances', () => {
    beforeEach(async () => {
      await engine.deploy([fixture('basic')]);
    });

    it('starts with the business key as a variable, and a given version', async () => {
      const started = await engine.startInstance('basic', { amount: 1 }, { businessKey: 'WO-7', version: 1 });
      expect(started).toEqual({ processInstanceKey: expect.stringMatching(/^\d+$/), bpmnProcessId: 'basic', version: 1 });
      expect(sent(s.gateway, 'CreateProcessInstance')).toEqual([
        expect.objectContaining({ bpmnProcessId: 'basic', version: 1, variables: { amount: 1, businessKey: 'WO-7' } }),
      ]);
      const view = await engine.getInstance(started.processInstanceKey);
      expect(view).toMatchObject({ businessKey: 'WO-7', variables: { amount: 1 }, state: 'active', activeElementIds: ['prepare'] });
      expect(view?.variables).not.toHaveProperty('businessKey');
    });

    it('answers NOT_FOUND for an unknown process or instance, CONFLICT when canceling an ended one', async () => {
      await expect(engine.startInstance('nope', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await engine.getInstance('42')).toBeUndefined();
      await expect(engine.cancelInstance('42')).rejects.toMatchObject({ code: 'NOT_FOUND' });

      const { processInstanceKey } = await engine.startInstance('basic', {});
      await engine.cancelInstance(processInstanceKey);
      expect(sent(s.gateway, 'CancelProcessInstance').at(-1)).toMatchObject({ processInstanceKey });
      expect(await engine.getInstance(processInstanceKey)).toMatchObject({ state: 'canceled', endedAt: expect.any(String) });
      await expect(engine.cancelInstance(processInstanceKey)).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('lists instances with the 8.8 filter: state incident = ACTIVE with hasIncident, business key as a variable filter', async () => {
      const a = await engine.startInstance('basic', {}, { businessKey: 'WO-1' });
      await engine.startInstance('basic', {}, { businessKey: 'WO-2' });
      const found = await engine.listInstances({ bpmnProcessId: 'basic', businessKey: 'WO-1', state: 'active', limit: 10 });
      expect(found.map((i) => i.key)).toEqual([a.processInstanceKey]);
      expect(s.rest.calls('POST', /^\/v2\/process-instances\/search$/).at(-1)?.body).toEqual({
        filter: {
          processDefinitionId: 'basic',
          state: 'ACTIVE',
          hasIncident: false,
          variables: [{ name: 'businessKey', value: '"WO-1"' }],
        },
        sort: [{ field: 'startDate', order: 'DESC' }],
        page: { from: 0, limit: 10 },
      });
      await engine.listInstances({ state: 'incident' });
      expect((s.rest.calls('POST', /^\/v2\/process-instances\/search$/).at(-1)?.body as { filter: unknown }).filter).toEqual({ state: 'ACTIVE', hasIncident: true });
      await engine.listInstances({ state: 'canceled' });
      expect((s.rest.calls('POST', /^\/v2\/process-instances\/search$/).at(-1)?.body as { filter: unknown }).filter).toEqual({ state: 'TERMINATED' });
    });

    it('reads a truncated variable in full', async () => {
      const long = 'x'.repeat(500);
      const { processInstanceKey } = await engine.startInstance('basic', { note: long });
      const view = await engine.getInstance(processInstanceKey);
      expect(view?.variables.note).toBe(long);
      expect(s.rest.calls('GET', new RegExp(`^/v2/variables/${processInstanceKey}-note$`))).toHaveLength(1);
    });
  });

  describe('jobs', () => {
    beforeEach(async () => {
      await engine.deploy([fixture('basic')]);
    });

    it('activates with the worker options, long-polls, and completes with the handler variables', async () => {
      const jobs: string[] = [];
      const worker = engine.createWorker(
        'prepare',
        async (job) => {
          jobs.push(job.key);
          return JobResult.complete({ result: 'done' });
        },
        { timeoutMs: 45_000, maxJobsToActivate: 3, workerName: 'w-1', pollIntervalMs: 20 },
      );
      const { processInstanceKey } = await engine.startInstance('basic', {});
      await eventually(async () => (await engine.getInstance(processInstanceKey))?.activeElementIds.includes('approve'), 5000, 'job completed');
      await worker.close();
      expect(sent(s.gateway, 'ActivateJobs')[0]).toMatchObject({ type: 'prepare', worker: 'w-1', timeout: 45_000, maxJobsToActivate: 3, requestTimeout: 200 });
      expect(sent(s.gateway, 'CompleteJob')).toEqual([{ jobKey: jobs[0], variables: { result: 'done' } }]);
      expect((await engine.getInstance(processInstanceKey))?.variables.prepared).toBe('done');
    });

    it('fails the job with the exception message when a handler throws (retries - 1, no back-off)', async () => {
      engine.createWorker('prepare', async () => {
        throw new Error('database down');
      }, { pollIntervalMs: 20 });
      await engine.startInstance('basic', {});
      await eventually(() => sent(s.gateway, 'FailJob').length >= 2, 5000, 'two failures');
      expect(sent(s.gateway, 'FailJob').slice(0, 2)).toEqual([
        expect.objectContaining({ retries: 1, retryBackOff: 0, errorMessage: 'prepare: database down' }),
        expect.objectContaining({ retries: 0, retryBackOff: 0, errorMessage: 'prepare: database down' }),
      ]);
    });

    it('passes explicit retries and back-off, and BPMN error variables', async () => {
      let attempt = 0;
      engine.createWorker('prepare', async () => {
        attempt++;
        return attempt === 1 ? JobResult.fail('try later', { retries: 5, retryBackOffMs: 30 }) : JobResult.error('NO_STOCK', 'none left', { stock: 0 });
      }, { pollIntervalMs: 20 });
      await engine.startInstance('basic', {});
      await eventually(() => sent(s.gateway, 'ThrowError').length === 1, 5000, 'the BPMN error');
      const [fail] = sent(s.gateway, 'FailJob');
      expect(fail).toMatchObject({ retries: 5, retryBackOff: 30, errorMessage: 'prepare: try later' });
      expect(sent(s.gateway, 'ThrowError')[0]).toMatchObject({ errorCode: 'NO_STOCK', errorMessage: 'none left', variables: { stock: 0 } });
      // The retry came after the back-off, not before.
      const failedAt = s.gateway.calls.find((c) => c.method === 'FailJob')?.at as number;
      const errorAt = s.gateway.calls.find((c) => c.method === 'ThrowError')?.at as number;
      expect(errorAt - failedAt).toBeGreaterThanOrEqual(30);
    });

    it('a worker stops cleanly: close() resolves, the activation stream is canceled, no request follows', async () => {
      const worker = engine.createWorker('nothing-to-do', async () => JobResult.complete(), { pollIntervalMs: 20 });
      await eventually(() => s.gateway.openActivations > 0, 5000, 'a long poll');
      const started = Date.now();
      await worker.close();
      expect(Date.now() - started).toBeLessThan(1000);
      await eventually(() => s.gateway.openActivations === 0, 2000, 'the stream to end');
      const count = s.gateway.requests('ActivateJobs').length;
      await new Promise((resolve) => setTimeout(resolve, 100)); // several poll intervals: none may follow
      expect(s.gateway.requests('ActivateJobs')).toHaveLength(count);
    });
  });

  describe('back-pressure', () => {
    beforeEach(async () => {
      await engine.deploy([fixture('basic')]);
    });

    it('retries a command rejected with RESOURCE_EXHAUSTED, with growing pauses, until it goes through', async () => {
      s.gateway.reject('CreateProcessInstance', 2);
      const started = await engine.startInstance('basic', {});
      expect(started.processInstanceKey).toMatch(/^\d+$/);
      const calls = s.gateway.calls.filter((c) => c.method === 'CreateProcessInstance');
      expect(calls).toHaveLength(3);
      // initial delay 5 ms, doubled: ≥ 5 ms, then ≥ 10 ms.
      expect((calls[1]?.at as number) - (calls[0]?.at as number)).toBeGreaterThanOrEqual(5);
      expect((calls[2]?.at as number) - (calls[1]?.at as number)).toBeGreaterThanOrEqual(10);
      expect(s.broker.instances.size).toBe(1);
    });

    it('ends in a clean UNAVAILABLE EngineError when the cluster stays overloaded (max retries), never a raw gRPC error', async () => {
      s.gateway.reject('CreateProcessInstance', 100);
      const err = await engine.startInstance('basic', {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EngineError);
      expect(err).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('back-pressure') });
      expect(s.gateway.requests('CreateProcessInstance')).toHaveLength(4); // 1 + ZEEBE_GRPC_CLIENT_MAX_RETRIES (3)
      expect(s.broker.instances.size).toBe(0);
    });

    it('does not retry what may have been processed (DEADLINE_EXCEEDED) or what is wrong (NOT_FOUND)', async () => {
      s.gateway.reject('CreateProcessInstance', 1, 4);
      await expect(engine.startInstance('basic', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      expect(s.gateway.requests('CreateProcessInstance')).toHaveLength(1);
      s.gateway.reject('PublishMessage', 1, Status.NOT_FOUND);
      await expect(engine.publishMessage({ name: 'm', correlationKey: 'k' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(s.gateway.requests('PublishMessage')).toHaveLength(1);
    });

    it('a job completion rejected for back-pressure is retried; a worker whose activation is rejected backs off and goes on', async () => {
      s.gateway.reject('ActivateJobs', 2);
      s.gateway.reject('CompleteJob', 2);
      engine.createWorker('prepare', async () => JobResult.complete({ result: 'r' }), { pollIntervalMs: 20 });
      const { processInstanceKey } = await engine.startInstance('basic', {});
      await eventually(async () => (await engine.getInstance(processInstanceKey))?.activeElementIds.includes('approve'), 8000, 'the job to complete');
      expect(s.gateway.requests('CompleteJob')).toHaveLength(3);
      expect(s.gateway.requests('ActivateJobs').length).toBeGreaterThanOrEqual(3);
    });

    it('REST answers 503 (RESOURCE_EXHAUSTED) are retried, and end as UNAVAILABLE when they persist', async () => {
      s.rest.reject('POST /v2/user-tasks/search', 2);
      expect(await engine.searchUserTasks({})).toEqual([]);
      expect(s.rest.calls('POST', /^\/v2\/user-tasks\/search$/)).toHaveLength(3);
      s.rest.reject('POST /v2/user-tasks/search', 100);
      await expect(engine.searchUserTasks({})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    });
  });

  describe('messages', () => {
    it('publishes with the correlation key, TTL in ms (ISO or number) and message id; a duplicate id is a CONFLICT', async () => {
      await engine.publishMessage({ name: 'fee-paid', correlationKey: 'A-1', timeToLive: 'PT2M', messageId: 'm-1', variables: { paid: true } });
      await engine.publishMessage({ name: 'fee-paid', correlationKey: 'A-2', timeToLive: 1500 });
      expect(sent(s.gateway, 'PublishMessage')).toEqual([
        expect.objectContaining({ name: 'fee-paid', correlationKey: 'A-1', timeToLive: 120_000, messageId: 'm-1', variables: { paid: true } }),
        expect.objectContaining({ name: 'fee-paid', correlationKey: 'A-2', timeToLive: 1500, messageId: '', variables: {} }),
      ]);
      await expect(engine.publishMessage({ name: 'fee-paid', correlationKey: 'A-1', timeToLive: 'PT2M', messageId: 'm-1' })).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(engine.publishMessage({ name: 'x', correlationKey: 'y', timeToLive: 'soon' })).rejects.toMatchObject({ code: 'INVALID' });
    });
  });

  describe('user tasks', () => {
    let processInstanceKey: string;

    beforeEach(async () => {
      await engine.deploy([fixture('basic')]);
      engine.createWorker('prepare', async () => JobResult.complete({ result: 'r' }), { pollIntervalMs: 20 });
      processInstanceKey = (await engine.startInstance('basic', { amount: 3 }, { businessKey: 'WO-9' })).processInstanceKey;
      await eventually(async () => (await engine.searchUserTasks({ processInstanceKey })).length === 1, 5000, 'the task');
    });

    it('maps the port filter onto the 8.8 search: OR of candidate groups / candidate user / assignee, kind filtered here', async () => {
      const mine = await engine.searchUserTasks({ state: 'created', candidateGroupsAny: ['unit:U-A', 'unit:U-B'], candidateUser: 'carol', kind: 'approve', businessKey: 'WO-9', limit: 20 });
      expect(mine.map((t) => t.elementId)).toEqual(['approve']);
      const bodies = s.rest.calls('POST', /^\/v2\/user-tasks\/search$/).slice(-3).map((c) => c.body);
      const base = { state: { $in: ['CREATED', 'ASSIGNING', 'UPDATING'] }, processInstanceVariables: [{ name: 'businessKey', value: '"WO-9"' }] };
      expect(bodies).toEqual([
        { filter: { ...base, candidateGroup: { $in: ['unit:U-A', 'unit:U-B'] } }, sort: [{ field: 'creationDate', order: 'ASC' }], page: { from: 0, limit: 80 } },
        { filter: { ...base, candidateUser: 'carol' }, sort: [{ field: 'creationDate', order: 'ASC' }], page: { from: 0, limit: 80 } },
        { filter: { ...base, assignee: 'carol' }, sort: [{ field: 'creationDate', order: 'ASC' }], page: { from: 0, limit: 80 } },
      ]);
      expect(await engine.searchUserTasks({ kind: 'other' })).toEqual([]);
    });

    it('a task carries its variables (business key apart) from the task variable search', async () => {
      const [task] = await engine.searchUserTasks({ processInstanceKey });
      expect(task).toMatchObject({ businessKey: 'WO-9', variables: { amount: 3, prepared: 'r' }, kind: 'approve', state: 'created' });
      expect(task?.variables).not.toHaveProperty('businessKey');
      expect(s.rest.calls('POST', /^\/v2\/user-tasks\/\d+\/variables\/search$/)[0]?.body).toEqual({ page: { from: 0, limit: 1000 } });
    });

    it('claims and unclaims with the assignment endpoints; completing twice is a CONFLICT, an unknown task NOT_FOUND', async () => {
      const [task] = await engine.searchUserTasks({ processInstanceKey });
      const key = task?.key as string;
      expect(await engine.assignUserTask(key, 'alice')).toMatchObject({ key, assignee: 'alice' });
      expect(s.rest.calls('POST', /^\/v2\/user-tasks\/\d+\/assignment$/).at(-1)?.body).toEqual({ assignee: 'alice', allowOverride: true, action: 'assign' });
      expect((await engine.getUserTask(key))?.assignee).toBe('alice');
      const unassigned = await engine.assignUserTask(key, undefined);
      expect(unassigned.assignee).toBeUndefined();
      expect(s.rest.calls('DELETE', /^\/v2\/user-tasks\/\d+\/assignee$/)).toHaveLength(1);

      await engine.completeUserTask(key, { approved: false }, 'bob');
      expect(s.rest.calls('POST', /^\/v2\/user-tasks\/\d+\/completion$/).at(-1)?.body).toEqual({ variables: { approved: false }, action: 'complete' });
      await expect(engine.completeUserTask(key, {})).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(engine.assignUserTask(key, 'alice')).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(engine.completeUserTask('123', {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await engine.getUserTask(key)).toMatchObject({ state: 'completed', completedBy: 'bob', completedAt: expect.any(String) });
    });

    it('task events come from polling the open-task search: created, then completed or canceled', async () => {
      const events: UserTaskEvent[] = [];
      engine.onUserTaskEvent(async (e) => {
        events.push(e);
      });
      await eventually(() => events.length === 1, 3000, 'created');
      expect(events[0]).toMatchObject({ type: 'created', task: { elementId: 'approve', businessKey: 'WO-9' } });
      const key = events[0]?.task.key as string;

      await engine.completeUserTask(key, {}, 'alice');
      await eventually(() => events.length === 2, 3000, 'completed');
      expect(events[1]).toMatchObject({ type: 'completed', task: { key, state: 'completed', completedBy: 'alice' } });

      const second = await engine.startInstance('basic', {});
      await eventually(() => events.length === 3, 3000, 'the second task created');
      await engine.cancelInstance(second.processInstanceKey);
      await eventually(() => events.length === 4, 3000, 'canceled');
      expect(events[3]).toMatchObject({ type: 'canceled', task: { processInstanceKey: second.processInstanceKey, state: 'canceled' } });

      const polls = s.rest.calls('POST', /^\/v2\/user-tasks\/search$/).map((c) => c.body);
      expect(polls).toContainEqual({ filter: { state: { $in: ['CREATED', 'ASSIGNING', 'UPDATING'] } }, sort: [{ field: 'creationDate', order: 'ASC' }], page: { from: 0, limit: 1000 } });
    });

    it('a listener that throws sees the event again on the next poll (at least once)', async () => {
      let calls = 0;
      engine.onUserTaskEvent(async () => {
        calls++;
        if (calls === 1) throw new Error('database busy');
      });
      await eventually(() => calls >= 2, 3000, 'the redelivery');
    });
  });

  describe('clock', () => {
    it('without clock control there is no clock route: NOT_FOUND, and no request', async () => {
      await expect(engine.advanceClock({ addMs: 1000 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(s.rest.calls('PUT', /^\/v2\/clock$/)).toHaveLength(0);
      expect(engine.clock.controllable).toBe(false);
    });

    it('with clock control: start resets the broker clock; a move pins it (PUT /v2/clock); time never goes back', async () => {
      const demo = s.engine({ clockControl: true });
      await demo.start();
      expect(s.rest.calls('POST', /^\/v2\/clock\/reset$/)).toHaveLength(1);
      const before = demo.clock.now().getTime();
      const now = await demo.advanceClock({ addMs: 9 * 60_000 });
      const [pin] = s.rest.calls('PUT', /^\/v2\/clock$/);
      expect(pin?.body).toEqual({ timestamp: now.getTime() });
      expect(now.getTime() - before).toBeGreaterThanOrEqual(9 * 60_000);
      expect(s.broker.pinnedClock).toBe(now.getTime());
      // Pinned: the adapter's time stands with the broker's.
      expect(demo.clock.now().getTime()).toBe(now.getTime());
      const later = new Date(now.getTime() + 3_600_000);
      expect((await demo.advanceClock({ pin: later })).getTime()).toBe(later.getTime());
      await expect(demo.advanceClock({ pin: new Date(now.getTime()) })).rejects.toMatchObject({ code: 'INVALID' });
    });
  });

  it('closing the engine closes the gRPC channel and the task poller; nothing is left to keep the process alive', async () => {
    engine.onUserTaskEvent(async () => undefined);
    engine.createWorker('prepare', async () => JobResult.complete(), { pollIntervalMs: 20 });
    await eventually(() => s.gateway.openActivations > 0, 5000, 'a long poll');
    const started = Date.now();
    await engine.close();
    expect(Date.now() - started).toBeLessThan(2000);
    await eventually(() => s.gateway.openActivations === 0, 2000, 'no open activation');
    const requests = s.rest.requests.length + s.gateway.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(s.rest.requests.length + s.gateway.calls.length).toBe(requests);
    await expect(engine.startInstance('basic', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('configuration', () => {
  it('reads the SDK names once, with defaults; host:port means plain gRPC', () => {
    const config = loadZeebeConfig({ ZEEBE_GRPC_ADDRESS: 'zeebe:26500', ZEEBE_REST_ADDRESS: 'http://zeebe:8080/v2/' });
    expect(config).toMatchObject({
      grpcAddress: 'grpc://zeebe:26500',
      restAddress: 'http://zeebe:8080',
      auth: { strategy: 'NONE' },
      maxRetries: 6,
      longPollMs: 30_000,
      userTaskPollIntervalMs: 1000,
    });
    expect(loadZeebeConfig({}).grpcAddress).toBe('grpc://localhost:26500');
  });

  it('fails fast naming every bad variable', () => {
    const err = (() => {
      try {
        loadZeebeConfig({ ZEEBE_GRPC_ADDRESS: 'http://x', CAMUNDA_AUTH_STRATEGY: 'BASIC', ZEEBE_ADDRESS: 'a:1', USER_TASK_POLL_INTERVAL_MS: '5' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ZeebeConfigError);
    expect((err as ZeebeConfigError).problems.map((p) => p.variable).sort()).toEqual(
      ['CAMUNDA_BASIC_AUTH_PASSWORD', 'CAMUNDA_BASIC_AUTH_USERNAME', 'USER_TASK_POLL_INTERVAL_MS', 'ZEEBE_ADDRESS', 'ZEEBE_GRPC_ADDRESS'].sort(),
    );
  });

  it('OAuth needs its client and token URL', () => {
    expect(() => loadZeebeConfig({ CAMUNDA_AUTH_STRATEGY: 'OAUTH', ZEEBE_CLIENT_ID: 'c' })).toThrow(/ZEEBE_CLIENT_SECRET.*CAMUNDA_OAUTH_URL|CAMUNDA_OAUTH_URL.*ZEEBE_CLIENT_SECRET/);
  });
});
