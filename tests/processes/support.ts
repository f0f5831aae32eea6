/* eslint-disable @typescript-eslint/no-explicit-any -- process tests read arbitrary JSON answers of the API */
/**
 * Shared steps of the process tests (tests/processes/*.test.ts): the repair
 * and every other procedure (urgent appeal, paid service, complaint,
 * consultation, quality, compensation, outage notice, preventive maintenance).
 *
 * One whole server per test file (startTestServer: FerretDB, embedded engine,
 * every worker, the HTTP API, a frozen clock), many orders per server. Every
 * step goes through the HTTP API as the user who would do it; time moves
 * only by the controllable clock (`advance`, `pin`), never by sleeping.
 *
 * All orders of a file share one clock that only moves forward, so a scenario
 * that needs a time of day starts with `scenarioAt('10:00')` (the next such
 * local time, at least a day after the current one) and computes its
 * expectations from the instant that returns.
 */
import { DateTime, Duration } from 'luxon';
import { expect } from 'vitest';
import { getModels } from '../../domain/models.js';
import { startTestServer, type Client, type TestServer } from '../helpers/server.js';

export const ZONE = 'Asia/Shanghai';

/**
 * Per-test time limit of a scenario: a few seconds on a quiet machine, but it
 * walks dozens of engine steps against FerretDB, which on a loaded 2-core box
 * can pass vitest's 30 s default. Real time only; the scenario's own time is the clock's.
 */
export const SCENARIO_TIMEOUT_MS = 120_000;

export type DemoUser =
  | 'resident1'
  | 'resident2'
  | 'dispatcher1'
  | 'unitA1'
  | 'unitB1'
  | 'tech1'
  | 'supervisor1'
  | 'manager1'
  | 'finance1'
  | 'owner1'
  | 'admin1';

export interface Deadline {
  name: string;
  dueAt: string;
  metAt: string | null;
  breached: boolean;
  canceledAt: string | null;
  taskKey?: string;
}

export interface TimelineEntry {
  at: string;
  type: string;
  actor: string;
  note: string;
  elementId: string | null;
}

export interface Order {
  id: string;
  number: string;
  status: string;
  priority: number | null;
  repairClass: string | null;
  responsibility: string | null;
  assignedUnitId: string | null;
  processInstanceKey: string;
  deadlines: Deadline[];
  timeline: TimelineEntry[];
  fees: Record<string, unknown> | null;
  rating: Record<string, unknown> | null;
  fields: Record<string, any>;
  signedAt: string | null;
  closedAt: string | null;
}

export interface Task {
  id: string;
  kind: string;
  elementId: string;
  state: 'open' | 'completed' | 'canceled';
  candidateGroups: string[];
  candidateUsers: string[];
  candidateUnitId: string | null;
  dueAt: string | null;
  workOrderId: string;
  variables: Record<string, any>;
}

export interface Notification {
  to: string;
  channel: string;
  text: string;
  workOrderId: string | null;
}

/** A repair order as a dispatcher takes it by phone; each field can be overridden. */
export interface RepairReport {
  communityId?: string;
  address?: string;
  description?: string;
  faultType?: string;
  symptom?: string;
  part?: string;
  priority?: number;
  responsibility?: 'shared' | 'paid' | 'owner' | 'developer';
  channel?: string;
}

/** `at` plus an ISO-8601 duration, as the API writes instants (UTC, milliseconds). */
export function plus(at: Date | string, duration: string): string {
  return DateTime.fromJSDate(new Date(at)).setZone(ZONE).plus(Duration.fromISO(duration)).toJSDate().toISOString();
}

/** A local wall-clock time in Asia/Shanghai as an API instant: local('2026-11-24', '09:00'). */
export function local(day: string, time: string): string {
  return DateTime.fromISO(`${day}T${time}`, { zone: ZONE }).toJSDate().toISOString();
}

/** The local date (YYYY-MM-DD) of an instant, in Asia/Shanghai. */
export function localDay(at: Date | string): string {
  return DateTime.fromJSDate(new Date(at)).setZone(ZONE).toISODate()!;
}

/** 23:59:59 local time of the day of `at` (R-REP-13). */
export function endOfLocalDay(at: Date | string): string {
  return local(localDay(at), '23:59:59');
}

export class RepairWorld {
  private readonly clients = new Map<string, Client>();

  private constructor(readonly server: TestServer) {}

  static async start(clockStart: string): Promise<RepairWorld> {
    const server = await startTestServer({ clockStart: new Date(clockStart) });
    return new RepairWorld(server);
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  async as(user: DemoUser): Promise<Client> {
    let client = this.clients.get(user);
    if (!client) {
      client = await this.server.as(user);
      this.clients.set(user, client);
    }
    return client;
  }

  /* ------------------------------------------------------------ time */

  async now(): Promise<string> {
    const res = await (await this.as('admin1')).get('/api/clock');
    expect(res.status).toBe(200);
    return new Date(res.body.now as string).toISOString();
  }

  /** POST /api/clock {add}; every due timer has fired and the workers are idle when it resolves. */
  async advance(duration: string): Promise<string> {
    const now = await this.server.advance(duration);
    await this.settle();
    return new Date(now).toISOString();
  }

  async pin(at: string): Promise<string> {
    const now = await this.server.pin(at);
    await this.settle();
    return new Date(now).toISOString();
  }

  /**
   * Pins the clock to the next `HH:mm` local time at least one day after the
   * current time (so that the previous scenario's same-day timers have
   * passed), or to `day` when given. Returns the instant.
   */
  async scenarioAt(time: string, options: { day?: string } = {}): Promise<string> {
    let day = options.day;
    if (!day) {
      const now = DateTime.fromISO(await this.now(), { zone: ZONE });
      day = now.plus({ days: 1 }).toISODate()!;
    }
    return this.pin(local(day, time));
  }

  /**
   * The engine is idle, and no job waits for a retry. engine.idle() does not
   * wait for a job that failed transiently (a database hiccup on a loaded
   * machine) and sits out its retry back-off, which is real time by the
   * engine's design; asserting then would see a half-done step. Waits for
   * such retries (bounded); business time never moves here, and a job that
   * keeps failing still ends in an incident the scenario's assertions see.
   */
  async settle(): Promise<void> {
    await this.server.engine.idle();
    for (let round = 0; round < 5; round++) {
      const retrying = await this.server.connection
        .collection<{ availableAt: number }>('engine_jobs')
        .find({ state: 'activatable', errorMessage: { $exists: true } })
        .toArray();
      if (retrying.length === 0) return;
      const realNow = performance.timeOrigin + performance.now();
      const wait = Math.max(0, ...retrying.map((job) => job.availableAt - realNow)) + 50;
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 10_000)));
      await this.server.engine.idle();
    }
  }

  /* ------------------------------------------------------------ given data */

  /**
   * A further community in the directory (the API has no endpoint to create
   * one): e.g. one served by a single maintenance unit, without a second unit.
   */
  async givenCommunity(community: { id: string; name: string; firstUnitId: string; secondUnitId?: string }): Promise<void> {
    await getModels(this.server.connection).Community.create({
      _id: community.id,
      name: community.name,
      timeZone: ZONE,
      firstUnitId: community.firstUnitId,
      ...(community.secondUnitId ? { secondUnitId: community.secondUnitId } : {}),
    });
  }

  /* ------------------------------------------------------------ orders */

  /** POST /api/work-orders as the dispatcher (a phone report); the process has run up to its first wait. */
  async report(report: RepairReport = {}, by: DemoUser = 'dispatcher1'): Promise<Order> {
    const body = {
      kind: 'repair',
      communityId: 'C001',
      address: '1栋1单元101',
      description: '卫生间水管漏水',
      faultType: 'plumbing',
      symptom: '漏水',
      part: '卫生间',
      priority: 3,
      responsibility: 'shared',
      reporter: { name: '张伟', phone: '13812345678' },
      channel: 'phone',
      ...report,
    };
    for (const key of Object.keys(report) as (keyof RepairReport)[]) {
      if (report[key] === undefined) delete (body as Record<string, unknown>)[key];
    }
    const res = await (await this.as(by)).post('/api/work-orders', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await this.settle();
    return this.order(res.body.id as string);
  }

  /** POST /api/work-orders of any kind (a phone report by default); the process has run to its first wait. */
  async create(kind: string, fields: Record<string, unknown> = {}, by: DemoUser = 'dispatcher1'): Promise<Order> {
    const res = await this.tryCreate(kind, fields, by);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return this.order(res.body.id as string);
  }

  /** POST /api/work-orders with whatever answer it gets. */
  async tryCreate(kind: string, fields: Record<string, unknown> = {}, by: DemoUser = 'dispatcher1'): Promise<{ status: number; body: any }> {
    const body = {
      kind,
      communityId: 'C001',
      address: '1栋1单元101',
      description: '住户诉求',
      reporter: { name: '张伟', phone: '13812345678' },
      channel: 'phone',
      ...fields,
    };
    const res = await (await this.as(by)).post('/api/work-orders', body);
    await this.settle();
    return res;
  }

  /** GET /api/work-orders/:id (as the dispatcher, who may see everything of an order). */
  async order(id: string, as: DemoUser = 'dispatcher1'): Promise<Order> {
    const res = await (await this.as(as)).get(`/api/work-orders/${id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Order;
  }

  /** GET /api/process-instances/:key as the manager. */
  async instance(processInstanceKey: string): Promise<{ state: string; activeElementIds: string[]; incidents: unknown[]; variables: Record<string, any> }> {
    const res = await (await this.as('manager1')).get(`/api/process-instances/${processInstanceKey}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  /* ------------------------------------------------------------ tasks */

  /** GET /api/tasks as `user`: the open tasks of the order this user sees (optionally of one kind). */
  async tasks(user: DemoUser, workOrderId: string, kind?: string): Promise<Task[]> {
    const query = `workOrderId=${workOrderId}${kind ? `&kind=${kind}` : ''}`;
    const res = await (await this.as(user)).get(`/api/tasks?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Task[];
  }

  /** GET /api/tasks?<query> as `user` (any filters: kind, state, assignee …). */
  async taskQuery(user: DemoUser, query: string): Promise<Task[]> {
    const res = await (await this.as(user)).get(`/api/tasks?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Task[];
  }

  /** The one open task of `kind` that `user` sees on the order; fails when there is none or more than one. */
  async openTask(user: DemoUser, workOrderId: string, kind: string): Promise<Task> {
    const tasks = await this.tasks(user, workOrderId);
    const found = tasks.filter((t) => t.kind === kind);
    if (found.length !== 1) {
      throw new Error(`${user} sees ${found.length} open ${kind} task(s) on ${workOrderId}; open: ${JSON.stringify(tasks.map((t) => t.kind))}`);
    }
    return found[0]!;
  }

  /** The kinds of the open tasks `user` sees on the order, sorted. */
  async openKinds(user: DemoUser, workOrderId: string): Promise<string[]> {
    return (await this.tasks(user, workOrderId)).map((t) => t.kind).sort();
  }

  /** GET /api/tasks/:id as `user`. */
  async task(user: DemoUser, taskId: string): Promise<Task> {
    const res = await (await this.as(user)).get(`/api/tasks/${taskId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Task;
  }

  /** POST /api/tasks/:id/complete, expecting 200; the engine is idle afterwards. */
  async complete(user: DemoUser, taskId: string, variables: Record<string, unknown> = {}): Promise<void> {
    const res = await this.tryComplete(user, taskId, variables);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  /** POST /api/tasks/:id/complete with whatever answer it gets. */
  async tryComplete(user: DemoUser, taskId: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: any }> {
    const res = await (await this.as(user)).post(`/api/tasks/${taskId}/complete`, { variables });
    await this.settle();
    return res;
  }

  /** Opens and completes the one open task of `kind` as `user`. */
  async completeTask(user: DemoUser, workOrderId: string, kind: string, variables: Record<string, unknown> = {}): Promise<Task> {
    const task = await this.openTask(user, workOrderId, kind);
    await this.complete(user, task.id, variables);
    return task;
  }

  /* ------------------------------------------------------------ paths */

  /** The first unit signs (R-REP-1). */
  async signOff(workOrderId: string, user: DemoUser = 'unitA1'): Promise<void> {
    await this.completeTask(user, workOrderId, 'sign-off');
  }

  /** Signed, the resident contacted with the given agreed arrival time (R-REP-6). */
  async contact(workOrderId: string, agreedArrivalAt: string, user: DemoUser = 'unitA1'): Promise<void> {
    await this.completeTask(user, workOrderId, 'contact-resident', { agreedArrivalAt });
  }

  /** Sign-off, contact (arrival agreed 30 minutes ahead) and arrival: the unit is on site. */
  async toOnSite(workOrderId: string, user: DemoUser = 'unitA1'): Promise<void> {
    await this.signOff(workOrderId, user);
    await this.contact(workOrderId, plus(await this.now(), 'PT30M'), user);
    await this.completeTask(user, workOrderId, 'confirm-arrival');
  }

  /* ------------------------------------------------------------ notifications */

  /** GET /api/notifications as `user` (of one order, when given): the messages that reached them. */
  async notifications(user: DemoUser, workOrderId?: string): Promise<Notification[]> {
    const res = await (await this.as(user)).get(`/api/notifications?limit=500${workOrderId ? `&workOrderId=${workOrderId}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Notification[];
  }
}

/* ------------------------------------------------------------ reading an order */

/** Every deadline of that name, oldest first. */
export function deadlinesNamed(order: Order, name: string): Deadline[] {
  return order.deadlines.filter((d) => d.name === name);
}

/** The one deadline of that name; fails when there is none or several. */
export function deadline(order: Order, name: string): Deadline {
  const found = deadlinesNamed(order, name);
  if (found.length !== 1) throw new Error(`order ${order.number} has ${found.length} deadline(s) named ${name}: ${JSON.stringify(order.deadlines)}`);
  return found[0]!;
}

/** Timeline entries of a type (and element, when given). */
export function entries(order: Order, type: string, elementId?: string): TimelineEntry[] {
  return order.timeline.filter((e) => e.type === type && (elementId === undefined || e.elementId === elementId));
}

/** An open deadline: neither met, breached nor canceled. */
export function expectOpen(d: Deadline, dueAt: string): void {
  expect(d).toMatchObject({ dueAt, metAt: null, breached: false, canceledAt: null });
}

/** A breached deadline that was never met. */
export function expectBreached(d: Deadline, dueAt: string): void {
  expect(d).toMatchObject({ dueAt, metAt: null, breached: true });
}

/** A deadline met in time at `metAt`. */
export function expectMet(d: Deadline, dueAt: string, metAt: string): void {
  expect(d).toMatchObject({ dueAt, metAt, breached: false });
}
