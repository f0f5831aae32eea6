/**
 * The adapter's view of the broker's clock.
 *
 * Zeebe 8.8's controlled clock (broker started with ZEEBE_CLOCK_CONTROLLED=true)
 * knows two moves: pin (PUT /v2/clock: the broker's time stands at that
 * instant) and reset (POST /v2/clock/reset: back to the system time). There
 * is no "add" that keeps time running (that came with 8.11), so after the first
 * move the broker's time stands still until the next one. This clock mirrors
 * exactly that: system time until pinned, the pinned instant afterwards.
 *
 * With `installGlobal`, a pin also moves this process's `Date` (through
 * engine/clock.ts), so the API and the workers see the broker's time.
 */
import { ControlledClock, installClock, realNow } from '../clock.js';
import type { Clock } from '../port.js';

export class BrokerClock implements Clock {
  private pinned: ControlledClock | undefined;

  constructor(
    readonly controllable: boolean,
    private readonly installGlobal = false,
  ) {}

  now(): Date {
    return this.pinned ? this.pinned.now() : new Date(realNow());
  }

  /** True once the broker's clock was pinned by this process. */
  get isPinned(): boolean {
    return this.pinned !== undefined;
  }

  /** Records that the broker now stands at `at`. */
  pinnedAt(at: Date): void {
    if (this.pinned) this.pinned.pin(at);
    else {
      this.pinned = new ControlledClock('frozen', at);
      if (this.installGlobal) installClock(this.pinned);
    }
  }

  /** Records that the broker is back on the system time. */
  reset(): void {
    if (!this.pinned) return;
    // A frozen clock cannot run again: put it on the real time and keep it there by moving with it.
    this.pinned = undefined;
    if (this.installGlobal) installClock(new ControlledClock('offset'));
  }
}
