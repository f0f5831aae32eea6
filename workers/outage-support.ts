/** What the outage-notice workers share (R-OUT-1). */
import { z } from 'zod';

import type { OutageStore } from '../domain/outages.js';
import type { WorkerDeps } from './deps.js';
import { JobFailure } from './support.js';

export const outageId = z.string().min(1);

/** The outage store, which the entry points wire (a missing one is a wiring fault, not a retryable error). */
export function outagesOf(deps: WorkerDeps): OutageStore {
  if (!deps.outages) throw new JobFailure('the outage store is not wired into the workers (WorkerDeps.outages)');
  return deps.outages;
}
