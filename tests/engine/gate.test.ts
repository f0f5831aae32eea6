/**
 * The embedded engine's operation gate (engine/embedded/gate.ts): when every slot is taken,
 * a due timer goes before completions and completions before starts (R-REP-1: deadlines
 * escalate on time even while orders pour in), and nobody waits longer than the gate's
 * maximum (no deadlock when an operation waits inside another). Time moves by vitest's fake
 * timers, never by sleeping.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Priority, PriorityGate } from '../../engine/embedded/gate.js';

/** An operation that runs until released. */
function held(): { done: Promise<void>; release: () => void } {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('operation gate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs at once while a slot is free', async () => {
    const gate = new PriorityGate(2, 1_000);
    const order: string[] = [];
    await Promise.all([
      gate.run(Priority.start, async () => void order.push('a')),
      gate.run(Priority.start, async () => void order.push('b')),
    ]);
    expect(order).toEqual(['a', 'b']);
    expect(gate.running).toBe(0);
  });

  it('gives a freed slot to a due timer before completions, and to completions before starts (R-REP-1)', async () => {
    const gate = new PriorityGate(1, 10_000);
    const blocker = held();
    const order: string[] = [];
    const first = gate.run(Priority.start, () => blocker.done);
    const queued = [
      gate.run(Priority.start, async () => void order.push('start 1')),
      gate.run(Priority.completion, async () => void order.push('completion 1')),
      gate.run(Priority.start, async () => void order.push('start 2')),
      gate.run(Priority.timer, async () => void order.push('timer')),
      gate.run(Priority.completion, async () => void order.push('completion 2')),
    ];
    await flush();
    expect(gate.waiting).toBe(5);
    expect(order).toEqual([]);
    blocker.release();
    await Promise.all([first, ...queued]);
    expect(order).toEqual(['timer', 'completion 1', 'completion 2', 'start 1', 'start 2']);
  });

  it('lets a waiter go ahead after the longest wait, so an operation waiting inside another cannot deadlock', async () => {
    const gate = new PriorityGate(1, 1_000);
    let inner = false;
    // The one slot is held by an operation that waits for another operation to finish.
    const outer = gate.run(Priority.completion, () => gate.run(Priority.start, async () => void (inner = true)));
    await flush();
    expect(inner).toBe(false);
    await vi.advanceTimersByTimeAsync(999);
    expect(inner).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await outer;
    expect(inner).toBe(true);
    expect(gate.running).toBe(0);
    expect(gate.waiting).toBe(0);
  });

  it('frees the slot when an operation fails', async () => {
    const gate = new PriorityGate(1, 10_000);
    await expect(gate.run(Priority.timer, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    let ran = false;
    await gate.run(Priority.start, async () => void (ran = true));
    expect(ran).toBe(true);
    expect(gate.running).toBe(0);
  });

  it('refuses a gate without slots', () => {
    expect(() => new PriorityGate(0, 1_000)).toThrow(RangeError);
  });
});
