/**
 * Consultation (咨询, R-CONS-1) through the HTTP API on the embedded engine: a
 * consultation forwarded from the platform is answered and closed; the
 * answer is due within answerWithin (P1D) — both sides of the deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { RepairWorld, deadline, entries, expectBreached, expectMet, expectOpen, plus } from './support.js';

let world: RepairWorld;

beforeAll(async () => {
  world = await RepairWorld.start('2026-11-23T08:00:00+08:00');
});

afterAll(async () => {
  await world?.close();
});

const question = { description: '请问装修需要办理哪些手续? What do I need before renovating?', channel: 'app' };

describe('consultation (R-CONS-1)', () => {
  it('R-CONS-1: answered by the service centre in time and closed; the resident reads the answer', async () => {
    const at = await world.scenarioAt('10:00');
    const order = await world.create('consultation', question);
    expect(order.number).toMatch(/^ZX-\d{8}-\d{4}$/);
    expect(order.status).toBe('dispatched');
    expectOpen(deadline(order, 'answer-consultation'), plus(at, 'P1D'));
    const task = await world.openTask('dispatcher1', order.id, 'answer-consultation');
    expect(task.dueAt).toBe(plus(at, 'P1D'));

    // The answer is required (the contract's decision variable of this kind).
    expect((await world.tryComplete('dispatcher1', task.id, {})).status).toBe(400);
    await world.advance('PT2H');
    await world.complete('dispatcher1', task.id, { answer: '需到管理处办理装修登记,缴纳装修押金,签订装修协议。' });

    const done = await world.order(order.id);
    expect(done.status).toBe('closed');
    expect(done.fields.answer).toContain('装修登记');
    expectMet(deadline(done, 'answer-consultation'), plus(at, 'P1D'), plus(at, 'PT2H'));
    expect(entries(done, 'answered')).toHaveLength(1);
    const answers = (await world.notifications('resident1', order.id)).filter((n) => n.to === 'resident');
    expect(answers.map((n) => n.text).join()).toContain('装修登记');
    expect((await world.instance(done.processInstanceKey)).state).toBe('completed');
  });

  it('R-CONS-1: not answered within a day → breached; the service centre and supervisors are reminded; answered late, still closed', async () => {
    const at = await world.scenarioAt('10:00');
    const order = await world.create('consultation', question);
    await world.advance('PT23H59M59S');
    expectOpen(deadline(await world.order(order.id), 'answer-consultation'), plus(at, 'P1D'));
    await world.advance('PT1S');
    const late = await world.order(order.id);
    expectBreached(deadline(late, 'answer-consultation'), plus(at, 'P1D'));
    expect((await world.notifications('supervisor1', order.id)).filter((n) => n.to === 'group:supervisor' && n.text.includes('答复咨询'))).toHaveLength(1);

    await world.completeTask('dispatcher1', order.id, 'answer-consultation', { answer: '详见业主手册第 5 章。' });
    const done = await world.order(order.id);
    expect(done.status).toBe('closed');
    expectBreached(deadline(done, 'answer-consultation'), plus(at, 'P1D'));
  });
});
