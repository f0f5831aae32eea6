/**
 * The operation gate inside the embedded engine (engine/embedded/gate.ts): a deadline that
 * falls due while new instances queue up is fired as soon as the operation running now ends,
 * not after every start asked for before it (R-REP-1: deadlines escalate on time under load).
 * A database of its own, so that no other test's timers are due with it; the frozen clock
 * moves only when told.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlledClock, installClock } from '../../engine/clock.js';
import { EmbeddedEngine } from '../../engine/embedded/index.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase('gate');
const clock = new ControlledClock('frozen', new Date('2026-11-23T10:00:00+08:00'));
installClock(clock);

/** Start, one timer of `=delay`, end (the bench's timer probe). */
const waitModel = readFileSync(new URL('../../scripts/fixtures/timer-probe.bpmn', import.meta.url), 'utf8');

let engine: EmbeddedEngine;

beforeAll(async () => {
  // One slot, and no going ahead after a wait: the order of the operations is the gate's alone.
  // The scheduler polls once a minute: the due timer is fired by the runDueTimers call below, not by a poll in between.
  engine = new EmbeddedEngine({ connection: db.connection, clock, schedulerIntervalMs: 60_000, operationSlots: 1, gateMaxWaitMs: 60_000 });
  await engine.start();
  await engine.deploy([{ name: 'timer-probe.bpmn', content: waitModel }]);
});

afterAll(async () => {
  await engine.close();
});

describe('operation gate in the engine', () => {
  it('a deadline that falls due while ten starts queue is fired after the one running, before the other nine (R-REP-1)', async () => {
    const { processInstanceKey } = await engine.startInstance('bench-timer-probe', { delay: 'PT5M' });
    await engine.idle();
    clock.add(6 * 60_000);

    const finished: string[] = [];
    const starts = Array.from({ length: 10 }, (_, i) =>
      engine.startInstance('bench-timer-probe', { delay: 'PT1H' }).then(() => void finished.push(`start ${i}`)),
    );
    // One turn of the event loop: the first start holds the slot, the other nine wait for it.
    await new Promise((resolve) => setImmediate(resolve));
    const firing = engine.runDueTimers().then((fired) => void finished.push(`deadline (${fired})`));
    await Promise.all([...starts, firing]);

    expect(finished).toHaveLength(11);
    expect(finished.slice(0, 2)).toEqual(['start 0', 'deadline (1)']);
    expect((await engine.getInstance(processInstanceKey))?.state).toBe('completed');
    expect(engine.overdueTimerCount).toBe(0);
  });
});
