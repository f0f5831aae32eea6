/**
 * One clock for the engine, the SLA calendar and the API.
 *
 * In production it is the system clock. In demo and test mode it is a
 * controllable clock that — like Zeebe's controlled clock — moves the whole
 * runtime: it replaces the global `Date` so that bpmn-elements' timers, luxon
 * (used by FEEL and the calendar) and our own code all see the same "now".
 * Real timers (setTimeout) are not touched; engine timers go through the
 * engine's own timer index, which reads this clock.
 *
 *  - `frozen` (tests): time stands still until it is moved (`add`, `pin`).
 *  - `offset` (demo): time runs at the real pace, shifted by what was added.
 */
import type { Clock } from './port.js';

const RealDate: DateConstructor = (globalThis as { __realDate?: DateConstructor }).__realDate ?? Date;
(globalThis as { __realDate?: DateConstructor }).__realDate = RealDate;

export class SystemClock implements Clock {
  readonly controllable = false;
  now(): Date {
    return new RealDate();
  }
}

export type ClockMode = 'frozen' | 'offset';

export class ControlledClock implements Clock {
  readonly controllable = true;
  private offsetMs = 0;
  private frozenAt: number | undefined;
  private readonly listeners = new Set<(now: Date) => void>();

  constructor(mode: ClockMode = 'frozen', start?: Date) {
    const startMs = start ? start.getTime() : RealDate.now();
    if (mode === 'frozen') this.frozenAt = startMs;
    else this.offsetMs = startMs - RealDate.now();
  }

  get mode(): ClockMode {
    return this.frozenAt === undefined ? 'offset' : 'frozen';
  }

  nowMs(): number {
    return this.frozenAt ?? RealDate.now() + this.offsetMs;
  }

  now(): Date {
    return new RealDate(this.nowMs());
  }

  /** Moves time forward (never backward: a negative amount is refused). */
  add(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward');
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
    return this.changed();
  }

  /** Sets time to `at` (forward only) and, in frozen mode, keeps it there. */
  pin(at: Date): Date {
    const target = at.getTime();
    if (!Number.isFinite(target)) throw new RangeError('invalid date');
    if (target < this.nowMs()) throw new RangeError('the clock only moves forward');
    if (this.frozenAt !== undefined) this.frozenAt = target;
    else this.offsetMs = target - RealDate.now();
    return this.changed();
  }

  /** What a restart needs to go on at the same time: the frozen instant, or the offset. */
  snapshot(): { mode: ClockMode; frozenAt?: number; offsetMs?: number } {
    return this.frozenAt !== undefined ? { mode: 'frozen', frozenAt: this.frozenAt } : { mode: 'offset', offsetMs: this.offsetMs };
  }

  /** Goes on from a snapshot, never backwards: a clock already later keeps its time. */
  restore(saved: { frozenAt?: number; offsetMs?: number }): void {
    const target = saved.frozenAt ?? (saved.offsetMs !== undefined ? RealDate.now() + saved.offsetMs : undefined);
    if (target !== undefined && target > this.nowMs()) this.pin(new RealDate(target));
  }

  onChange(listener: (now: Date) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): Date {
    const now = this.now();
    for (const l of this.listeners) l(now);
    return now;
  }
}

let installed: ControlledClock | undefined;

/**
 * Makes `clock` the time source of the whole process: `new Date()` and
 * `Date.now()` read it. Dates built from arguments behave as usual, and
 * `instanceof Date` holds for dates made before and after installation.
 */
export function installClock(clock: ControlledClock): void {
  installed = clock;
  if ((globalThis.Date as unknown) !== RealDate) return;

  class ClockDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(installed ? installed.nowMs() : RealDate.now());
      // Date's overloads cannot be spread through TypeScript's types.
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return installed ? installed.nowMs() : RealDate.now();
    }
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof RealDate;
    }
  }
  // Libraries that look types up by name (mongoose's `type: Date`) must still see "Date".
  Object.defineProperty(ClockDate, 'name', { value: 'Date' });
  // Calling Date() without `new` returns a string of now, as the real one does.
  const DateProxy = new Proxy(ClockDate, {
    apply() {
      return new ClockDate().toString();
    },
  });
  globalThis.Date = DateProxy as unknown as DateConstructor;
}

/** Restores the real Date (tests that install and remove a clock). */
export function uninstallClock(): void {
  installed = undefined;
  globalThis.Date = RealDate;
}

export function realNow(): number {
  return RealDate.now();
}

/** Parses an ISO-8601 duration (PnDTnHnMnS, PnW) to milliseconds; undefined if malformed. */
export function parseIsoDuration(text: string): number | undefined {
  const m = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    text.trim(),
  );
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return undefined;
  const [, w, d, h, min, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  return ((((w as number) * 7 + (d as number)) * 24 + (h as number)) * 60 + (min as number)) * 60_000 + (s as number) * 1000;
}
