/**
 * The timer scheduler of the embedded engine on a running clock (offset mode, as in
 * production and demo): it wakes when the earliest armed timer falls due, not only at its
 * next poll. Here the poll is a minute apart, so only the early wake can fire a timer that is
 * due 300 ms after it was armed within the 5 s this test allows.
 *
 * This file does not install a controlled global clock: the engine's clock runs with real
 * time, which is the behaviour under test (the wait is bounded and ends on the job, not on a sleep).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlledClock } from '../../engine/clock.js';
import { EmbeddedEngine } from '../../engine/embedded/index.js';
import { JobResult } from '../../engine/port.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase('wake');
const clock = new ControlledClock('offset');
let engine: EmbeddedEngine;

beforeAll(async () => {
  engine = new EmbeddedEngine({ connection: db.connection, clock, schedulerIntervalMs: 60_000 });
  await engine.start();
  await engine.deploy([{ name: 'reminders.bpmn', content: readFileSync(new URL('./fixtures/reminders.bpmn', import.meta.url), 'utf8') }]);
});

afterAll(async () => {
  await engine.close();
});

describe('timer scheduler on a running clock', () => {
  it('fires a timer at its due time although the next poll is a minute away (R-REP-1 deadlines escalate on time)', async () => {
    let breached: (at: number) => void = () => undefined;
    const fired = new Promise<number>((resolve) => (breached = resolve));
    engine.createWorker('breach', async () => {
      breached(clock.now().getTime());
      return JobResult.complete();
    }, { pollIntervalMs: 10 });
    engine.createWorker('notify', async () => JobResult.complete(), { pollIntervalMs: 10 });

    const dueAt = clock.now().getTime() + 300;
    await engine.startInstance('reminders', { dueAt: new Date(dueAt).toISOString() });
    const at = await Promise.race([fired, new Promise<number>((resolve) => setTimeout(() => resolve(Number.NaN), 5_000).unref())]);

    expect(at).not.toBeNaN();
    expect(at).toBeGreaterThanOrEqual(dueAt);
    expect(at - dueAt).toBeLessThan(5_000);
  });
});
