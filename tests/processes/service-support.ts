/* eslint-disable @typescript-eslint/no-explicit-any -- process tests read arbitrary JSON answers of the API */
/**
 * Shared steps of the service-procedure tests (urgent appeal, paid service,
 * complaint, consultation, outage notice, preventive maintenance): one whole
 * server per test file, every step through the HTTP API as the user who would
 * do it, time moved only by the engine clock. Reading helpers (deadline,
 * entries, local times) come from ./support.ts.
 */
import { DateTime } from 'luxon';
import { expect } from 'vitest';

import { startTestServer, type Client, type TestServer } from '../helpers/server.js';
import { ZONE, local, type Order, type Task } from './support.js';

export type Staff =
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

export interface NotificationView {
  to: string;
  channel: string;
  text: string;
  workOrderId: string | null;
}

export class ServiceWorld {
  private readonly clients = new Map<string, Client>();

  private constructor(readonly server: TestServer) {}

  static async start(clockStart: string): Promise<ServiceWorld> {
    return new ServiceWorld(await startTestServer({ clockStart: new Date(clockStart) }));
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  async as(user: Staff): Promise<Client> {
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

  async advance(duration: string): Promise<string> {
    return new Date(await this.server.advance(duration)).toISOString();
  }

  async pin(at: string): Promise<string> {
    return new Date(await this.server.pin(at)).toISOString();
  }

  /** Pins the clock to `HH:mm` local time of the next day (or `day`), so earlier scenarios' same-day timers have passed. */
  async scenarioAt(time: string, options: { day?: string } = {}): Promise<string> {
    const day = options.day ?? DateTime.fromISO(await this.now(), { zone: ZONE }).plus({ days: 1 }).toISODate()!;
    return this.pin(local(day, time));
  }

  /* ------------------------------------------------------------ orders */

  /** POST /api/work-orders; the process has run to its first wait. */
  async create(kind: string, fields: Record<string, unknown> = {}, by: Staff = 'dispatcher1'): Promise<Order> {
    const res = await this.tryCreate(kind, fields, by);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return this.order(res.body.id as string);
  }

  async tryCreate(kind: string, fields: Record<string, unknown> = {}, by: Staff = 'dispatcher1'): Promise<{ status: number; body: any }> {
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
    await this.server.engine.idle();
    return res;
  }

  async order(id: string, as: Staff = 'dispatcher1'): Promise<Order> {
    const res = await (await this.as(as)).get(`/api/work-orders/${id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Order;
  }

  async instance(processInstanceKey: string): Promise<{ state: string; activeElementIds: string[]; incidents: unknown[]; variables: Record<string, any> }> {
    const res = await (await this.as('manager1')).get(`/api/process-instances/${processInstanceKey}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  /* ------------------------------------------------------------ tasks */

  async tasks(user: Staff, query: string): Promise<Task[]> {
    const res = await (await this.as(user)).get(`/api/tasks?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Task[];
  }

  /** The kinds of the open tasks `user` sees on the order, sorted. */
  async openKinds(user: Staff, workOrderId: string): Promise<string[]> {
    return (await this.tasks(user, `workOrderId=${workOrderId}`)).map((t) => t.kind).sort();
  }

  /** The one open task of `kind` that `user` sees on the order. */
  async openTask(user: Staff, workOrderId: string, kind: string): Promise<Task> {
    const tasks = await this.tasks(user, `workOrderId=${workOrderId}`);
    const found = tasks.filter((t) => t.kind === kind);
    if (found.length !== 1) throw new Error(`${user} sees ${found.length} open ${kind} task(s) on ${workOrderId}; open: ${JSON.stringify(tasks.map((t) => t.kind))}`);
    return found[0]!;
  }

  async tryComplete(user: Staff, taskId: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: any }> {
    const res = await (await this.as(user)).post(`/api/tasks/${taskId}/complete`, { variables });
    await this.server.engine.idle();
    return res;
  }

  async complete(user: Staff, taskId: string, variables: Record<string, unknown> = {}): Promise<void> {
    const res = await this.tryComplete(user, taskId, variables);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  async completeTask(user: Staff, workOrderId: string, kind: string, variables: Record<string, unknown> = {}): Promise<Task> {
    const task = await this.openTask(user, workOrderId, kind);
    await this.complete(user, task.id, variables);
    return task;
  }

  /* ------------------------------------------------------------ notifications */

  async notifications(user: Staff, workOrderId?: string): Promise<NotificationView[]> {
    const res = await (await this.as(user)).get(`/api/notifications?limit=500${workOrderId ? `&workOrderId=${workOrderId}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as NotificationView[];
  }
}

/** 23:59:59 local time of the day of `at`, as an API instant. */
export function endOfDayOf(at: string): string {
  return DateTime.fromISO(at).setZone(ZONE).endOf('day').set({ millisecond: 0 }).toUTC().toISO()!;
}
