/**
 * The MongoDB-backed domain services: what the API process wires for the
 * workers (OrderStore, Directory, Notifier) and for the engine's user-task
 * events (deadlines and timeline).
 */
import type { Connection } from 'mongoose';
import type { ProcessEngine } from '../../engine/port.js';
import type { ChannelName, NotificationChannel } from '../notification-channels.js';
import type { Directory, Notifier, OrderStore } from '../ports.js';
import { systemNow, type Now } from './clock.js';
import { MongoDirectory } from './directory.js';
import { OutboxNotifier } from './notifier.js';
import { MongoOrderStore } from './order-store.js';
import { MongoOutageStore } from './outage-store.js';
import { createUserTaskListener } from './user-task-listener.js';

export { MongoDirectory } from './directory.js';
export { OutboxNotifier } from './notifier.js';
export { MongoOrderStore, OrderNotFoundError } from './order-store.js';
export { MongoOutageStore, OutageNotFoundError } from './outage-store.js';
export { createUserTaskListener, workOrderIdOf } from './user-task-listener.js';
export { nextOrderNumber } from './numbers.js';
export { seedDemo, DEMO_USERS, DEMO_PASSWORD, demoUserId } from './seed.js';

export interface DomainServices {
  orders: OrderStore & MongoOrderStore;
  directory: Directory & MongoDirectory;
  notifier: Notifier;
  /** Outage notices (R-OUT-1). */
  outages: MongoOutageStore;
}

export interface DomainServiceOptions {
  /** Delivery per channel (R-NOTE-1: `sms` through the gateway when configured); the outbox stores every message. */
  channels?: Partial<Record<ChannelName, NotificationChannel>>;
}

export function createDomainServices(conn: Connection, now: Now = systemNow, options: DomainServiceOptions = {}): DomainServices {
  const notifier = new OutboxNotifier(conn, now, options.channels ?? {});
  return {
    // R-NOTE-1: every status change the workers make tells the resident, through the same outbox.
    orders: new MongoOrderStore(conn, now, { statusNotifier: notifier }),
    directory: new MongoDirectory(conn),
    notifier,
    outages: new MongoOutageStore(conn, now),
  };
}

const wired = new WeakMap<ProcessEngine, WeakSet<Connection>>();

/**
 * Registers the deadline/timeline listener on the engine once per
 * (engine, connection) pair; safe to call from several entry points.
 */
export function attachUserTaskListener(
  engine: ProcessEngine,
  conn: Connection,
  log?: { warn(message: string, fields?: Record<string, unknown>): void },
): void {
  let conns = wired.get(engine);
  if (!conns) {
    conns = new WeakSet();
    wired.set(engine, conns);
  }
  if (conns.has(conn)) return;
  conns.add(conn);
  const now = () => engine.clock.now();
  engine.onUserTaskEvent(createUserTaskListener({ orders: new MongoOrderStore(conn, now), now, ...(log ? { log } : {}) }));
}
