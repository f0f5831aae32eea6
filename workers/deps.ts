/**
 * What every job worker is built from (createHandler(deps)). Only the entry
 * points wire the real MongoDB-backed ports; tests pass in-memory fakes.
 */
import type { CalendarProvider } from '../domain/calendar.js';
import type { TechnicianPool } from '../domain/dispatch.js';
import type { LegacyRegister } from '../domain/legacy-register.js';
import type { ProcedureLauncher } from '../domain/procedures.js';
import type { OutageStore } from '../domain/outages.js';
import type { Directory, Notifier, OrderStore } from '../domain/ports.js';
import type { JobHandler } from '../engine/port.js';
import type { z } from 'zod';

export interface WorkerClock {
  now(): Date;
}

export interface WorkerDeps {
  orders: OrderStore;
  directory: Directory;
  notifier: Notifier;
  /** The engine clock (moved by POST /api/clock in demo and test mode). */
  clock: WorkerClock;
  /** Working-hours calendars per community (R-WO-5, R-REP-6). */
  calendar: CalendarProvider;
  /** Outage notices (停水停电, R-OUT-1). */
  outages?: OutageStore;
  /** Opens a linked procedure (quality rectification, compensation) from a worker. */
  procedures?: ProcedureLauncher;
  /** The legacy-problem register (工程遗留问题汇总表, R-QR-1). */
  register?: LegacyRegister;
  /** Technicians for smart dispatch (R-DISP-1). */
  technicians?: TechnicianPool;
}

/** One module per job type; the file name is the type. */
export interface WorkerModule {
  /** The `zeebe:taskDefinition type` this worker serves. */
  readonly type: string;
  /** The process variables the worker reads (validated before it runs). */
  readonly input: z.ZodObject;
  /** The variables it completes the job with. */
  readonly output: z.ZodObject;
  /** Task headers it reads (documentation and model tests). */
  readonly headers: readonly string[];
  createHandler(deps: WorkerDeps): JobHandler;
}
