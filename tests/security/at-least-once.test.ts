/**
 * Issue 6, at-least-once: a job may be delivered twice (its lock ran out while
 * the first worker still held it) and a task may be completed twice at once
 * (a double tap, two staff). Either way there is one effect; the second
 * completion gets a clear 409 (the API) or NOT_FOUND (the engine, as on
 * Zeebe), and the job's side effects are keyed by the job, so the resident is
 * told once. Real server, embedded engine, real worker code.
 */
import { describe, expect, it } from 'vitest';
import { staticCalendarProvider } from '../../domain/calendar.js';
import { getModels } from '../../domain/models.js';
import { createDomainServices } from '../../domain/services/index.js';
import type { EmbeddedEngine } from '../../engine/embedded/index.js';
import { EngineError, type Job } from '../../engine/port.js';
import { createHandlers } from '../../workers/index.js';
import { residentRepair } from '../api/harness.js';
import { useTestServer } from '../helpers/server.js';

const t = useTestServer({ clockStart: new Date('2026-11-23T10:00:00+08:00') });

const probe = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://propflow/test">
  <bpmn:process id="at-least-once-probe" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="tell" />
    <bpmn:serviceTask id="tell">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="at-least-once-probe" />
        <zeebe:taskHeaders><zeebe:header key="to" value="resident" /><zeebe:header key="text" value="维修人员已出发 {orderNumber}" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="tell" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe('at-least-once', () => {
  it('the same task completed twice at once: one 200, one 409; one step on the timeline, one next task', async () => {
    const resident = await t.server.as('resident1');
    const unit = await t.server.as('unitA1');
    const created = await resident.post('/api/work-orders', residentRepair());
    expect(created.status).toBe(201);
    await t.server.engine.idle();
    const [signOff] = (await unit.get(`/api/tasks?workOrderId=${created.body.id}`)).body.items as { id: string; kind: string }[];
    expect(signOff?.kind).toBe('sign-off');

    const answers = await Promise.all([unit.post(`/api/tasks/${signOff!.id}/complete`, { variables: {} }), unit.post(`/api/tasks/${signOff!.id}/complete`, { variables: {} })]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error.code).toMatch(/ALREADY_COMPLETED|TASK_COMPLETED|CONFLICT|NOT_OPEN/);
    expect(refused.body.error.message).toBeTruthy();
    await t.server.engine.idle();

    const order = (await resident.get(`/api/work-orders/${created.body.id}`)).body as { timeline: { type: string; elementId: string | null }[] };
    expect(order.timeline.filter((e) => e.type === 'signed')).toHaveLength(1);
    const next = (await unit.get(`/api/tasks?workOrderId=${created.body.id}`)).body.items as { kind: string }[];
    expect(next.map((t) => t.kind).filter((k) => k === 'contact-resident')).toHaveLength(1);
  });

  it('the same job delivered twice: both deliveries run the worker, the resident is told once, one completion wins, the other is NOT_FOUND', async () => {
    const resident = await t.server.as('resident1');
    const created = await resident.post('/api/work-orders', residentRepair({ description: '阳台地漏堵塞' }));
    expect(created.status).toBe(201);
    await t.server.engine.deploy([{ name: 'at-least-once-probe.bpmn', content: probe }]);
    const started = await t.server.engine.startInstance('at-least-once-probe', { workOrderId: created.body.id, orderNumber: created.body.number });

    // A lock of 0 ms runs out at once; the engine's lock sweep (every 5 s, run here at once rather
    // than waited for) queues the job again, and the next activation delivers the same job.
    const engine = t.server.engine as EmbeddedEngine;
    const first = await engine.activateJobs('at-least-once-probe', 1, 0, 'worker-1');
    await (engine as unknown as { sweepJobs(): Promise<void> }).sweepJobs();
    const second = await engine.activateJobs('at-least-once-probe', 1, 60_000, 'worker-2');
    expect(first).toHaveLength(1);
    expect(second.map((j) => j.key)).toEqual(first.map((j) => j.key));

    const clock = engine.clock;
    const handlers = createHandlers({ ...createDomainServices(t.server.connection, () => clock.now()), clock, calendar: staticCalendarProvider() });
    const notify = handlers.get('notify')!;
    const outcomes = await Promise.all([first[0]!, second[0]!].map((job: Job) => notify(job)));
    expect(outcomes.map((o) => o.outcome)).toEqual(['complete', 'complete']);

    const settled = await Promise.allSettled([engine.completeJob(first[0]!.key, {}), engine.completeJob(second[0]!.key, {})]);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const lost = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(EngineError);
    expect((lost.reason as EngineError).code).toBe('NOT_FOUND');

    const notices = await getModels(t.server.connection).Notification.find({ workOrderId: created.body.id, text: { $regex: '维修人员已出发' } }).lean();
    expect(notices).toHaveLength(1);
    const instance = await t.server.engine.getInstance(started.processInstanceKey);
    expect(instance?.state).toBe('completed');
    expect(instance?.completedElementIds.filter((id) => id === 'tell')).toHaveLength(1);
  });
});
