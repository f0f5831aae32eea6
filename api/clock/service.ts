import { Duration } from 'luxon';
import { EngineError, type ProcessEngine } from '../../engine/port.js';
import { NotFound, ValidationError } from '../errors.js';

export class ClockService {
  constructor(
    private readonly engine: ProcessEngine,
    private readonly enabled: boolean,
    /** Work that must see the new time before the answer (the maintenance scheduler, R-PM-1). */
    private readonly afterMove?: () => Promise<unknown>,
  ) {}

  private assertEnabled(): void {
    // The clock is a demo/test facility: elsewhere the route does not exist.
    if (!this.enabled || !this.engine.clock.controllable) throw new NotFound('No route for the clock: clock control is off.', 'ROUTE_NOT_FOUND');
  }

  now() {
    this.assertEnabled();
    return { now: this.engine.clock.now().toISOString(), controllable: true };
  }

  /** Moves the engine clock; every timer due by then has fired when this resolves. */
  async move(input: { add?: string; pin?: string }) {
    this.assertEnabled();
    let by: { addMs?: number; pin?: Date };
    if (input.add !== undefined) by = { addMs: Duration.fromISO(input.add).as('milliseconds') };
    else {
      const pin = new Date(input.pin as string);
      if (pin.getTime() < this.engine.clock.now().getTime()) {
        throw new ValidationError('The clock only moves forward.', [{ path: 'pin', message: 'must not be earlier than the current engine time' }]);
      }
      by = { pin };
    }
    try {
      await this.engine.advanceClock(by);
    } catch (err) {
      if (err instanceof RangeError) throw new ValidationError(err.message, [{ path: input.add !== undefined ? 'add' : 'pin', message: err.message }]);
      if (err instanceof EngineError && err.code === 'INVALID') {
        throw new ValidationError(err.message, [{ path: input.add !== undefined ? 'add' : 'pin', message: err.message }]);
      }
      throw err;
    }
    await this.afterMove?.();
    await this.engine.idle();
    return { now: this.engine.clock.now().toISOString(), controllable: true };
  }
}
