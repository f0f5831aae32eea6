/** In-memory fakes of the worker ports, with the idempotency the real ones promise. */
import { staticCalendarProvider } from '../../domain/calendar.js';
import type {
  CommunityInfo,
  DeadlineInput,
  Directory,
  NotificationInput,
  Notifier,
  OrderPatch,
  OrderStore,
  TimelineInput,
  UnitRef,
  WorkOrderSummary,
} from '../../domain/ports.js';
import type { Job, Variables } from '../../engine/port.js';
import type { WorkerDeps } from '../../workers/deps.js';

export interface DeadlineRecord {
  name: string;
  dueAt: Date;
  outcome?: 'met' | 'breached';
  at?: Date;
}

export class FakeOrders implements OrderStore {
  readonly orders = new Map<string, WorkOrderSummary & { fields: Record<string, unknown> }>();
  readonly timeline: (TimelineInput & { orderId: string })[] = [];
  readonly deadlines = new Map<string, DeadlineRecord>();
  readonly closes: { name: string; outcome: 'met' | 'breached'; at: Date }[] = [];

  constructor(...ids: string[]) {
    for (const id of ids) {
      this.orders.set(id, { id, number: `BX-${id}`, kind: 'repair', status: 'reported', communityId: 'C001', fields: {} });
    }
  }

  get(id: string): Promise<WorkOrderSummary | undefined> {
    return Promise.resolve(this.orders.get(id));
  }

  async update(id: string, patch: OrderPatch, timeline?: TimelineInput): Promise<void> {
    const order = this.must(id);
    if (patch.status) order.status = patch.status;
    if (patch.assignedUnitId !== undefined) order.assignedUnitId = patch.assignedUnitId;
    Object.assign(order.fields, patch.fields ?? {});
    for (const c of patch.closeDeadlines ?? []) await this.closeDeadline(id, c.name, c.outcome, c.at);
    for (const o of patch.openDeadlines ?? []) await this.openDeadline(id, o);
    if (timeline) await this.addTimeline(id, timeline);
  }

  addTimeline(id: string, entry: TimelineInput): Promise<void> {
    this.must(id);
    if (!this.timeline.some((t) => t.orderId === id && t.key === entry.key)) this.timeline.push({ ...entry, orderId: id });
    return Promise.resolve();
  }

  openDeadline(id: string, deadline: DeadlineInput): Promise<void> {
    this.must(id);
    this.deadlines.set(deadline.name, { name: deadline.name, dueAt: deadline.dueAt });
    return Promise.resolve();
  }

  closeDeadline(id: string, name: string, outcome: 'met' | 'breached', at: Date): Promise<void> {
    this.must(id);
    this.closes.push({ name, outcome, at });
    const record = this.deadlines.get(name);
    if (record) Object.assign(record, { outcome, at });
    return Promise.resolve();
  }

  order(id = 'WO1'): WorkOrderSummary & { fields: Record<string, unknown> } {
    return this.must(id);
  }

  types(): string[] {
    return this.timeline.map((t) => t.type);
  }

  private must(id: string): WorkOrderSummary & { fields: Record<string, unknown> } {
    const order = this.orders.get(id);
    if (!order) throw new Error(`no order ${id}`);
    return order;
  }
}

export class FakeDirectory implements Directory {
  constructor(
    readonly communities: CommunityInfo[] = [
      { id: 'C001', name: '阳光小区 Sunshine', timeZone: 'Asia/Shanghai', firstUnitId: 'U-A', secondUnitId: 'U-B' },
      { id: 'C002', name: '单单位小区 Single unit', timeZone: 'Asia/Shanghai', firstUnitId: 'U-C' },
    ],
    readonly units: UnitRef[] = [
      { id: 'U-A', name: '管理处工程组 Office repair team' },
      { id: 'U-B', name: '物业公司 Property company' },
      { id: 'U-C', name: '工程部 Engineering' },
    ],
  ) {}

  community(id: string): Promise<CommunityInfo | undefined> {
    return Promise.resolve(this.communities.find((c) => c.id === id));
  }

  unit(id: string): Promise<UnitRef | undefined> {
    return Promise.resolve(this.units.find((u) => u.id === id));
  }
}

export class FakeNotifier implements Notifier {
  readonly sent: NotificationInput[] = [];
  send(message: NotificationInput): Promise<void> {
    if (!this.sent.some((m) => m.key === message.key)) this.sent.push(message);
    return Promise.resolve();
  }
  to(recipient: string): NotificationInput[] {
    return this.sent.filter((m) => m.to === recipient);
  }
}

export interface Fakes {
  deps: WorkerDeps;
  orders: FakeOrders;
  directory: FakeDirectory;
  notifier: FakeNotifier;
  setNow(iso: string): void;
}

/** Deps for one test; the clock starts at a Monday 10:00 in Shanghai (working hours). */
export function fakes(now = '2026-11-23T10:00:00+08:00'): Fakes {
  const orders = new FakeOrders('WO1');
  const directory = new FakeDirectory();
  const notifier = new FakeNotifier();
  let current = new Date(now);
  return {
    orders,
    directory,
    notifier,
    setNow(iso: string) {
      current = new Date(iso);
    },
    deps: {
      orders,
      directory,
      notifier,
      clock: { now: () => current },
      calendar: staticCalendarProvider({ holidays: ['2026-10-01', '2026-10-02'] }),
    },
  };
}

let nextKey = 1;

/** A job as the engine hands it to a worker. */
export function job(type: string, variables: Variables, customHeaders: Record<string, string> = {}, key?: string): Job {
  return {
    key: key ?? `job-${nextKey++}`,
    type,
    processInstanceKey: 'PI-1',
    bpmnProcessId: 'repair',
    processDefinitionVersion: 1,
    elementId: `${type}-element`,
    retries: 3,
    deadline: Date.now() + 60_000,
    customHeaders,
    variables: { workOrderId: 'WO1', orderNumber: 'BX-20261123-0001', communityId: 'C001', ...variables },
  };
}
