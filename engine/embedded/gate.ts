/**
 * Which instance operation runs next when the engine is busy.
 *
 * Every operation on an instance (fire its due timer, complete a job or a
 * user task, deliver a message, start it) takes one of a few slots; when
 * they are all taken, a freed slot goes to the most urgent waiter: a timer
 * that fell due first (a deadline is late for every ms it waits), then what
 * a worker or a person finished, then a new start. Without it a deadline
 * due now queued behind every start asked for before it, on the one
 * database connection and the one CPU (timer lateness p50 ≈ 1 s while
 * instances were started 8 at a time).
 *
 * Nobody waits for a slot longer than `maxWaitMs`: after that the waiter
 * goes ahead beside the others. So an operation that waits inside another
 * (a user-task listener that starts an instance) cannot deadlock the gate,
 * and starts go on during a long backlog of deadlines, only slower.
 */

export const Priority = {
  timer: 0,
  completion: 1,
  start: 2,
} as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

interface Waiter {
  grant: () => void;
  timeout: NodeJS.Timeout;
}

export class PriorityGate {
  private active = 0;
  private readonly queues: Waiter[][] = [[], [], []];

  constructor(
    readonly slots: number,
    readonly maxWaitMs: number,
  ) {
    if (!(slots >= 1)) throw new RangeError('a gate needs at least one slot');
  }

  /** Runs `fn` in a slot: at once when one is free and nobody waits, else when it is this waiter's turn (or maxWaitMs has passed). */
  async run<T>(priority: Priority, fn: () => Promise<T>): Promise<T> {
    if (this.active < this.slots && this.waiting === 0) this.active++;
    else await this.wait(priority);
    try {
      return await fn();
    } finally {
      this.active--;
      this.grantNext();
    }
  }

  /** Operations running now (may exceed `slots` by those that waited too long). */
  get running(): number {
    return this.active;
  }

  /** Operations waiting for a slot. */
  get waiting(): number {
    return this.queues.reduce((n, q) => n + q.length, 0);
  }

  private wait(priority: Priority): Promise<void> {
    return new Promise<void>((resolve) => {
      const queue = this.queues[priority] as Waiter[];
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timeout);
          this.active++;
          resolve();
        },
        // Waited long enough: goes ahead beside the others.
        timeout: setTimeout(() => {
          const at = queue.indexOf(waiter);
          if (at >= 0) queue.splice(at, 1);
          waiter.grant();
        }, this.maxWaitMs),
      };
      queue.push(waiter);
    });
  }

  private grantNext(): void {
    while (this.active < this.slots) {
      const queue = this.queues.find((q) => q.length > 0);
      if (!queue) return;
      (queue.shift() as Waiter).grant();
    }
  }
}
