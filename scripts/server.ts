/**
 * The composition root: the one place that wires the real database, clock,
 * engine, workers and HTTP API together. `npm start` (scripts/start.ts) and
 * the tests that need a whole server (restart, end-to-end) use it.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import mongoose, { type Connection } from 'mongoose';
import { z } from 'zod';
import { createApp, securityHeaders } from '../api/app.js';
import { ledgerIndexOf, readThrough, technicianLoadOf } from '../api/work-orders/ledger-index.js';
import { WorkOrderService } from '../api/work-orders/service.js';
import type { AppConfig } from '../api/config.js';
import { createLogger, type Logger } from '../api/logger.js';
import { maintenanceSheetCreator } from '../api/maintenance-plans/sheets.js';
import { DirectoryCalendarProvider } from '../domain/services/calendar-provider.js';
import { createDomainServices, seedDemo } from '../domain/services/index.js';
import { RetentionSweeper } from '../domain/services/retention.js';
import { MaintenanceScheduler } from '../domain/services/maintenance-scheduler.js';
import { MongoLegacyRegister } from '../domain/services/legacy-register.js';
import { MongoProcedureLauncher } from '../domain/services/procedures.js';
import { MongoTechnicianPool } from '../domain/services/technicians.js';
import { SmsGatewayChannel } from '../domain/notification-channels.js';
import { ControlledClock, SystemClock, installClock } from '../engine/clock.js';
import { EmbeddedEngine } from '../engine/embedded/index.js';
import { createZeebeEngine } from '../engine/zeebe/index.js';
import type { Clock, DeployResource, DeployedProcess, JobWorker, ProcessEngine } from '../engine/port.js';
import { createHandlers, workers } from '../workers/index.js';

const here = path.dirname(new URL(import.meta.url).pathname);
export const repoRoot = path.resolve(here, '..');
export const processesDir = path.join(repoRoot, 'processes');

export interface RunningServer {
  url: string;
  engine: ProcessEngine;
  connection: Connection;
  deployed: DeployedProcess[];
  /** The listening HTTP server (the bench times requests in it). */
  httpServer: Server;
  close(): Promise<void>;
}

export interface ServerOptions {
  config: AppConfig;
  mongodbUri: string;
  logger?: Logger;
  /** Start time of a controllable clock (tests pin it); now by default. */
  clockStart?: Date;
  /** Which parts run (API_ONLY / WORKERS_ONLY by default). */
  role?: ProcessRole;
  /** Driver command monitoring (the benchmark's profile). */
  monitorCommands?: boolean;
}

/** Every model and form in processes/, as deployable resources. */
export async function processResources(dir = processesDir): Promise<DeployResource[]> {
  const resources: DeployResource[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name.endsWith('.bpmn')) resources.push({ name, content: await readFile(path.join(dir, name), 'utf8') });
  }
  const formsDir = path.join(dir, 'forms');
  for (const name of (await readdir(formsDir).catch(() => [] as string[])).sort()) {
    if (name.endsWith('.form')) resources.push({ name: `forms/${name}`, content: await readFile(path.join(formsDir, name), 'utf8') });
  }
  return resources;
}

/**
 * What this process runs (the compose file scales the parts apart):
 * - `all` (default): API, web UI and job workers;
 * - `api` (API_ONLY=true): no job workers;
 * - `workers` (WORKERS_ONLY=true): job workers; the API is served too but is
 *   not published (its /api/health is the container's health check); no model
 *   deployment, no demo data, no user-task event listener.
 * Splitting needs ENGINE=zeebe: the embedded engine hands jobs only to workers in its own process.
 */
export type ProcessRole = 'all' | 'api' | 'workers';

export function processRole(config: AppConfig, env: Record<string, string | undefined> = process.env): ProcessRole {
  const flag = z.stringbool({ truthy: ['true', '1', 'yes', 'on'], falsy: ['false', '0', 'no', 'off'] }).optional();
  const parsed = z
    .object({ API_ONLY: flag, WORKERS_ONLY: flag })
    .safeParse({ API_ONLY: env.API_ONLY || undefined, WORKERS_ONLY: env.WORKERS_ONLY || undefined });
  if (!parsed.success) throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])} must be true or false`).join('; ')}`);
  const { API_ONLY, WORKERS_ONLY } = parsed.data;
  if (API_ONLY && WORKERS_ONLY) throw new Error('Invalid configuration: API_ONLY and WORKERS_ONLY exclude each other');
  const role: ProcessRole = API_ONLY ? 'api' : WORKERS_ONLY ? 'workers' : 'all';
  if (role !== 'all' && config.engine !== 'zeebe') throw new Error(`Invalid configuration: ${API_ONLY ? 'API_ONLY' : 'WORKERS_ONLY'} needs ENGINE=zeebe`);
  return role;
}

function createClock(config: AppConfig, start?: Date): Clock {
  if (!config.clockControl) return new SystemClock();
  // Tests: time stands still until moved. Demo: time runs, shifted by what was added.
  const clock = new ControlledClock(config.mode === 'test' ? 'frozen' : 'offset', start);
  installClock(clock);
  return clock;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const role = options.role ?? processRole(config);
  // ENGINE=zeebe: the adapter reads the SDK's ZEEBE_* / CAMUNDA_* variables; time is the broker's (engine/zeebe/clock.ts).
  const zeebe =
    config.engine === 'zeebe'
      ? createZeebeEngine({ clockControl: config.clockControl, logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) } })
      : undefined;
  const clock = zeebe ? zeebe.clock : createClock(config, options.clockStart);

  const connection = await mongoose
    .createConnection(options.mongodbUri, { serverSelectionTimeoutMS: 15_000, monitorCommands: options.monitorCommands ?? false })
    .asPromise();

  // The in-process ledger index sees only this process's writes: only a process that is the one writer
  // of its work orders uses it (API_ONLY / WORKERS_ONLY processes share the database with others).
  const ledgerIndex = config.ledgerIndex && role === 'all';
  // The ledger index and the order view's timeline cache read through a connection of their own
  // (ledger-index.ts readThrough): their scans and bursts do not queue the engine's writes. The
  // embedded engine reads its armed timers through it at start-up, beside its open tasks.
  const reader = ledgerIndex
    ? await mongoose.createConnection(options.mongodbUri, { serverSelectionTimeoutMS: 15_000 }).asPromise()
    : undefined;
  if (reader) readThrough(connection, reader);

  const engine = zeebe ?? new EmbeddedEngine({
    connection,
    ...(reader ? { startupReader: reader } : {}),
    clock,
    logger: {
      info: (m) => logger.info(m),
      warn: (m) => logger.warn(m),
      error: (m) => logger.error(m),
    },
  });
  await engine.start();

  const deployed = role === 'workers' ? [] : await engine.deploy(await processResources());
  for (const d of deployed) {
    logger.info(d.duplicate ? 'model unchanged' : 'model deployed', { bpmnProcessId: d.bpmnProcessId, version: d.version });
  }

  if (config.mode !== 'production' && role !== 'workers') await seedDemo(connection);
  // Orders whose process start a crash cut off are started (or recorded) before requests are served.
  if (role !== 'workers') await new WorkOrderService({ conn: connection, engine, logger }).recoverPendingStarts();

  // R-NOTE-1: every message stored in the outbox; `sms` ones sent through the gateway when one is configured;
  // every status change the workers make tells the resident through it.
  const services = createDomainServices(connection, () => clock.now(), config.smsGateway ? { channels: { sms: new SmsGatewayChannel(config.smsGateway) } } : {});
  const handlers = createHandlers({
    ...services,
    clock,
    // Working hours, holidays and duty groups as each community keeps them (R-WO-5, R-REP-6).
    calendar: new DirectoryCalendarProvider(connection),
    procedures: new MongoProcedureLauncher(connection, engine, () => clock.now()),
    register: new MongoLegacyRegister(connection),
    // Loads counted in the ledger index where this process has one (a search of every order otherwise, R-DISP-1).
    technicians: new MongoTechnicianPool(connection, ledgerIndex ? technicianLoadOf(connection) : undefined),
  });
  const running: JobWorker[] = [];
  for (const worker of role === 'api' ? [] : workers) {
    const handler = handlers.get(worker.type);
    if (handler) running.push(engine.createWorker(worker.type, handler, { timeoutMs: 30_000, maxJobsToActivate: 16 }));
  }

  // R-PM-1: maintenance plans create their dispatch sheets on their day (no timer start cycles in the
  // embedded engine): checked every minute and whenever the demo / test clock is moved.
  const maintenance =
    role === 'workers'
      ? undefined
      : new MaintenanceScheduler({ conn: connection, now: () => clock.now(), createSheet: maintenanceSheetCreator({ conn: connection, engine, logger }), log: logger });
  maintenance?.start(60_000);
  // R-LED-3: ended orders are deleted two years after their report (public-facility records never):
  // swept every hour and whenever the demo / test clock is moved.
  const retention = role === 'workers' ? undefined : new RetentionSweeper(connection, () => clock.now());
  const sweepRetention = async (): Promise<void> => {
    const { purged } = (await retention?.sweep()) ?? { purged: [] };
    if (purged.length > 0) logger.info('retention sweep deleted orders past their retention (R-LED-3)', { count: purged.length });
  };
  const retentionTimer = retention
    ? setInterval(() => void sweepRetention().catch((err: unknown) => logger.error('retention sweep failed', { error: err })), 3_600_000)
    : undefined;
  retentionTimer?.unref();
  const app = createApp({
    engine,
    db: connection,
    config: { ...config, ledgerIndex },
    logger,
    attachTaskListener: role !== 'workers',
    ...(maintenance
      ? {
          onClockMoved: async () => {
            await maintenance.runDue();
            await sweepRetention();
          },
        }
      : {}),
  });
  const root = express();
  root.disable('x-powered-by');
  root.use(securityHeaders);
  // The web UI (modeler/dist, built by `npm run build:web`) at `/`, before the API app,
  // whose last middleware answers 404 for every path it does not know.
  const web = path.join(repoRoot, 'modeler', 'dist');
  if (await readdir(web).catch(() => undefined)) {
    const files = express.static(web, { index: 'index.html' });
    // Not for /api: a file-system stat per API request cost ≈ 1.7 ms of CPU (bench CPU profile).
    root.use((req, res, next) => (req.path === '/api' || req.path.startsWith('/api/') ? next() : files(req, res, next)));
  }
  root.use(app);
  const server: Server = await new Promise((resolve, reject) => {
    const s = root.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host}:${port}`;

  // The ledger index (GET /api/work-orders) is built in the background once requests are served;
  // until it is, the ledger is answered from the database.
  if (ledgerIndex) {
    void ledgerIndexOf(connection)
      .warmUp()
      .catch((err: unknown) => {
        if (!closing) logger.warn('ledger index: build failed; the ledger is answered from the database until a later build succeeds', { error: err });
      });
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await maintenance?.stop();
      if (retentionTimer) clearInterval(retentionTimer);
      await Promise.all(running.map((w) => w.close()));
      await engine.close();
      await reader?.close();
      await connection.close();
    })());

  return { url, engine, connection, deployed, close, httpServer: server };
}
