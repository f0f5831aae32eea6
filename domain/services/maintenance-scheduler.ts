/**
 * The preventive-maintenance scheduler (设施设备维保, R-PM-1). The embedded
 * engine runs no timer start cycles, so this starts the plans: on each
 * planned day, at the plan's dispatch time in the community's time zone, a
 * plan creates its dispatch sheet (派工单), which is then handled like a
 * repair. It runs when the engine clock is moved (demo and tests: before the
 * clock call answers) and at an interval.
 *
 * Occurrence n of a plan is firstDate + n × every at dispatchTime (counted
 * from the first date, so monthly plans do not drift at month ends). A plan
 * is claimed by a version-guarded update before its sheet is created, so two
 * schedulers (or a clock move racing the interval) never create it twice; a
 * sheet that cannot be created gives the claim back and is retried on the
 * next run. Occurrences missed while nothing ran are not dispatched one by
 * one: the latest is, and the skipped count is kept with the run.
 */
import { DateTime, Duration } from 'luxon';
import type { Connection } from 'mongoose';

import type { MaintenancePlanDoc } from '../maintenance-plan.model.js';
import { getModels, type Models } from '../models.js';
import { systemNow, type Now } from './clock.js';

const DEFAULT_ZONE = 'Asia/Shanghai';

export type PlanSchedule = Pick<MaintenancePlanDoc, 'firstDate' | 'every' | 'dispatchTime'>;

/** The dispatch time of occurrence `n` of a plan, in UTC. */
export function occurrenceAt(plan: PlanSchedule, n: number, zone: string): Date {
  const [hour, minute] = plan.dispatchTime.split(':').map(Number);
  const first = DateTime.fromISO(plan.firstDate, { zone }).set({ hour: hour ?? 9, minute: minute ?? 0, second: 0, millisecond: 0 });
  const step = Duration.fromISO(plan.every);
  return first.plus(Duration.fromObject(scale(step, n))).toJSDate();
}

function scale(step: Duration, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [unit, value] of Object.entries(step.toObject())) if (value) out[unit] = value * n;
  return out;
}

/** The first occurrence on or after the local day of `from` (a plan created today still runs today). */
export function firstOccurrenceFrom(plan: PlanSchedule, from: Date, zone: string): { occurrence: number; dueAt: Date } {
  const startOfDay = DateTime.fromJSDate(from).setZone(zone).startOf('day').toMillis();
  for (let n = 0; n < 100_000; n++) {
    const dueAt = occurrenceAt(plan, n, zone);
    if (dueAt.getTime() >= startOfDay) return { occurrence: n, dueAt };
  }
  throw new RangeError('no occurrence of the plan within 100000 repetitions');
}

export interface MaintenanceSheet {
  id: string;
  number: string;
}

/** Creates the dispatch sheet of one occurrence (the composition root creates a repair order). */
export type CreateMaintenanceSheet = (plan: MaintenancePlanDoc, dueAt: Date) => Promise<MaintenanceSheet>;

export interface MaintenanceSchedulerDeps {
  conn: Connection;
  now?: Now;
  createSheet: CreateMaintenanceSheet;
  log?: { warn(message: string, fields?: Record<string, unknown>): void; error(message: string, fields?: Record<string, unknown>): void };
}

export class MaintenanceScheduler {
  private readonly models: Models;
  private readonly now: Now;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: MaintenanceSchedulerDeps) {
    this.models = getModels(deps.conn);
    this.now = deps.now ?? systemNow;
  }

  /** Creates the sheets of every plan due by now; resolves with how many. Runs one at a time. */
  runDue(): Promise<number> {
    const run = this.chain.then(() => this.runOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Checks at an interval (real time) as well; the timer does not keep the process alive. */
  start(intervalMs = 60_000): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => {
      this.runDue().catch((err: unknown) => this.deps.log?.error('maintenance scheduler failed', { error: (err as Error).message }));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private async runOnce(): Promise<number> {
    const now = this.now();
    const due = await this.models.MaintenancePlan.find({ active: true, nextDueAt: { $ne: null, $lte: now } })
      .sort({ nextDueAt: 1 })
      .limit(200)
      .lean<MaintenancePlanDoc[]>();
    let created = 0;
    for (const plan of due) {
      if (await this.dispatch(plan, now)) created++;
    }
    return created;
  }

  private async dispatch(plan: MaintenancePlanDoc, now: Date): Promise<boolean> {
    // By `_id` without a projection: FerretDB's index (a projection scans the collection).
    const zone = (await this.models.Community.findById(plan.communityId).lean())?.timeZone ?? DEFAULT_ZONE;
    // The latest occurrence that is due; the ones between were missed.
    let n = plan.occurrence;
    while (occurrenceAt(plan, n + 1, zone).getTime() <= now.getTime()) n++;
    const dueAt = occurrenceAt(plan, n, zone);
    const next = occurrenceAt(plan, n + 1, zone);
    const claimed = await this.models.MaintenancePlan.updateOne(
      { _id: plan._id, version: plan.version },
      { $set: { occurrence: n + 1, nextDueAt: next }, $inc: { version: 1 } },
    );
    if (claimed.matchedCount === 0) return false; // another run took it
    let sheet: MaintenanceSheet;
    try {
      sheet = await this.deps.createSheet(plan, dueAt);
    } catch (err) {
      await this.models.MaintenancePlan.updateOne(
        { _id: plan._id, occurrence: n + 1 },
        { $set: { occurrence: plan.occurrence, nextDueAt: plan.nextDueAt }, $inc: { version: 1 } },
      );
      this.deps.log?.warn('maintenance plan: the dispatch sheet could not be created; retried on the next run', {
        planId: String(plan._id),
        error: (err as Error).message,
      });
      return false;
    }
    await this.models.MaintenancePlan.updateOne(
      { _id: plan._id },
      {
        $push: { runs: { dueAt, workOrderId: sheet.id, number: sheet.number, createdAt: now, skipped: n - plan.occurrence } },
        $inc: { version: 1 },
      },
    );
    return true;
  }
}
