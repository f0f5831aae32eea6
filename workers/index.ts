/**
 * Every job worker, one module per job type (the file name is the type).
 * The runner registers each with `engine.createWorker(type, createHandler(deps))`.
 */
import applyDeferral from './apply-deferral.js';
import applyExtension from './apply-extension.js';
import classifyOrder from './classify-order.js';
import closeOrder from './close-order.js';
import type { WorkerDeps, WorkerModule } from './deps.js';
import dispatchUnit from './dispatch-unit.js';
import escalate from './escalate.js';
import linkProcedure from './link-procedure.js';
import notify from './notify.js';
import openCoordinationSheet from './open-coordination-sheet.js';
import recordArrival from './record-arrival.js';
import recordBreach from './record-breach.js';
import recordResult from './record-result.js';
import recordSignOff from './record-sign-off.js';
import recordSignature from './record-signature.js';
import redispatch from './redispatch.js';
import scheduleArrival from './schedule-arrival.js';
import setStatus from './set-status.js';

export type { WorkerDeps, WorkerModule } from './deps.js';

export const workers: readonly WorkerModule[] = [
  applyDeferral,
  applyExtension,
  classifyOrder,
  closeOrder,
  dispatchUnit,
  escalate,
  linkProcedure,
  notify,
  openCoordinationSheet,
  recordArrival,
  recordBreach,
  recordResult,
  recordSignOff,
  recordSignature,
  redispatch,
  scheduleArrival,
  setStatus,
];

export function workerFor(type: string): WorkerModule | undefined {
  return workers.find((worker) => worker.type === type);
}

/** Handlers by job type, built from one set of dependencies. */
export function createHandlers(deps: WorkerDeps): Map<string, ReturnType<WorkerModule['createHandler']>> {
  return new Map(workers.map((worker) => [worker.type, worker.createHandler(deps)]));
}
