/**
 * `npm run bench`: drives repair orders through the whole procedure on the
 * embedded engine, on a fresh FerretDB (or MONGODB_URI), through the HTTP API
 * the way the tasklist does (people's steps are completed by this script as
 * soon as their task appears), then arms timers to measure how late they fire.
 *
 *   BENCH_ORDERS=200 BENCH_CONCURRENCY=16 BENCH_TIMERS=1000 npm run bench
 *
 * Then, on the same database: a few real repair orders are left open at their
 * sign-off (engine clock pinned, so no deadline falls due while measuring) and
 * cloned — instance, jobs, user tasks, timer, subscriptions, work order and
 * timeline, with new keys and ids — with insertMany up to BENCH_OPEN_ORDERS
 * open orders. A fresh server process is started on that database (restart
 * recovery: process start → engine.start() done → first API answer), driven
 * at a fixed 200 requests/s for BENCH_API_SECONDS by autocannon with the read
 * mix of the tasklist and the ledger as logged-in users (GET /api/tasks,
 * GET /api/work-orders?…, GET /api/work-orders/:id), then arms BENCH_PROBES
 * probe timers (1000) due 1–3 s later beside the deadlines the open orders
 * have armed, and reports their lateness (the "timer lateness with N armed
 * deadlines" line), and is asked for its memory (RSS, heap after a full GC). Then the database grows to
 * BENCH_RESTART_ORDERS open orders and a fresh process is timed again.
 *
 *   BENCH_OPEN_ORDERS=10000 BENCH_RESTART_ORDERS=100000 npm run bench
 *
 * Prints lifecycles/s, jobs/s, job activation latency p50/p99, timer lateness
 * p50/p99, API latency p50/p99, memory and restart times, plus the machine it
 * ran on. Everything listens on 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import mongoose from 'mongoose';

const { EJSON } = mongoose.mongo.BSON;
type Document = Record<string, unknown>;
import { loadConfig } from '../api/config.js';
import { createLogger } from '../api/logger.js';
import { EmbeddedEngine } from '../engine/embedded/index.js';
import type { UserTask } from '../engine/port.js';
import { startDatabase } from './db.js';
import { startServer } from './server.js';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const TIMERS = Number(process.env.BENCH_TIMERS ?? 1000);
const OPEN_ORDERS = Number(process.env.BENCH_OPEN_ORDERS ?? 2000);
const RESTART_ORDERS = Number(process.env.BENCH_RESTART_ORDERS ?? 10000);
const API_SECONDS = Number(process.env.BENCH_API_SECONDS ?? 20);
const API_RATE = 200;
/** Probe timers armed in the restarted server beside its open orders' deadlines. */
const PROBES = Number(process.env.BENCH_PROBES ?? 1000);
/** After the probes, the restarted server's clock moves on this far: the open orders' deadlines fall due together (0: skipped). */
const BURST_MINUTES = Number(process.env.BENCH_BURST_MINUTES ?? 20);
/** The burst phase ends after this many seconds even if its backlog is not fired yet. */
const BURST_LIMIT_S = Number(process.env.BENCH_BURST_LIMIT_S ?? 900);
/** Real orders left open and used as the templates of the clones. */
const SEED_ORDERS = 4;
const HOST = '127.0.0.1';

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** A start, one timer of `=delay`, an end: the probes of the timer phases (also the gate test's model). */
const timerProbe = readFileSync(new URL('./fixtures/timer-probe.bpmn', import.meta.url), 'utf8');

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'propflow-bench-'));
  const db = await startDatabase({ dataDir, quiet: true });
  const config = loadConfig({ MODE: 'demo', HOST, PORT: '0', LOG_LEVEL: 'warn', CLOCK_CONTROL: 'true' });
  const profile = process.env.BENCH_PROFILE === '1';
  const server = await startServer({ config, mongodbUri: db.uri, logger: createLogger({ level: 'warn' }), monitorCommands: profile });
  const engine = server.engine as EmbeddedEngine;
  // BENCH_PROFILE=1: database time by command, collection and filter shape.
  const commands = profile ? profileCommands(server) : new Map<string, { n: number; ms: number }>();

  const tokens: Record<string, string> = {};
  for (const user of ['dispatcher1', 'unitA1']) {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password: 'demo' }),
    });
    tokens[user] = ((await res.json()) as { token: string }).token;
  }
  const post = async (user: string, p: string, body: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(server.url + p, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[user]}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  // People's steps: each kind is done by whoever does it in the demo, as soon as it appears.
  const answers: Record<string, { user: string; variables: () => Record<string, unknown> }> = {
    'sign-off': { user: 'unitA1', variables: () => ({}) },
    'contact-resident': { user: 'unitA1', variables: () => ({ agreedArrivalAt: new Date(engine.clock.now().getTime() + 20 * 60_000).toISOString() }) },
    'confirm-arrival': { user: 'unitA1', variables: () => ({}) },
    'report-result': { user: 'unitA1', variables: () => ({ result: 'repaired' }) },
    'resident-signature': { user: 'unitA1', variables: () => ({ quality: 5, timeliness: 5, attitude: 5 }) },
    'return-visit': { user: 'dispatcher1', variables: () => ({ satisfied: true, rating: 5 }) },
  };
  let failures = 0;
  let autoAnswer = true;
  const closed = new Set<string>();
  let onClosed: (() => void) | undefined;
  engine.onUserTaskEvent(async (event) => {
    if (event.task.bpmnProcessId !== 'repair') return;
    if (event.type === 'completed' && event.task.kind === 'return-visit') {
      closed.add(event.task.processInstanceKey);
      onClosed?.();
      return;
    }
    if (event.type !== 'created' || !autoAnswer) return;
    const answer = answers[event.task.kind];
    if (!answer) return;
    const task: UserTask = event.task;
    // Outside the engine's instance lock, as a person would answer later.
    setImmediate(() => {
      void post(answer.user, `/api/tasks/${encodeURIComponent(task.key)}/complete`, { variables: answer.variables() }).then((res) => {
        if (res.status !== 200) {
          failures++;
          if (failures < 5) process.stderr.write(`complete ${task.kind}: ${res.status} ${JSON.stringify(res.body)}\n`);
        }
      });
    });
  });

  const order = (i: number) => ({
    kind: 'repair',
    communityId: 'C001',
    address: `${(i % 12) + 1}栋${(i % 3) + 1}单元${100 + (i % 30)}`,
    description: '厨房水龙头滴水',
    faultType: 'plumbing',
    symptom: '滴水',
    part: '厨房',
    priority: 3,
    responsibility: 'shared',
    reporter: { name: '张伟', phone: '13812345678' },
    channel: 'phone',
  });

  // ---- Phase 1: whole repair lifecycles
  engine.metrics.reset();
  const allClosed = new Promise<void>((resolve) => {
    onClosed = () => {
      if (closed.size >= ORDERS) resolve();
    };
  });
  const t0 = performance.now();
  let next = 0;
  const creators = Array.from({ length: Math.min(CONCURRENCY, ORDERS) }, async () => {
    while (next < ORDERS) {
      const i = next++;
      // Keep at most CONCURRENCY orders open at once: wait while too many are in flight.
      while (i - closed.size >= CONCURRENCY) await new Promise((r) => setTimeout(r, 5));
      const res = await post('dispatcher1', '/api/work-orders', order(i));
      if (res.status !== 201) {
        failures++;
        process.stderr.write(`create: ${res.status} ${JSON.stringify(res.body)}\n`);
      }
    }
  });
  await Promise.all(creators);
  const guard = setTimeout(() => {
    process.stderr.write(`bench: only ${closed.size}/${ORDERS} orders closed after 15 minutes\n`);
    process.exit(1);
  }, 15 * 60_000);
  await allClosed;
  clearTimeout(guard);
  const seconds = (performance.now() - t0) / 1000;
  const jobs = engine.metrics.jobsCompleted;
  const activation = [...engine.metrics.jobActivationMs];
  const rss1 = process.memoryUsage().rss;

  // ---- Phase 2: timer lateness with TIMERS armed timers due 1–3 s from now
  await engine.deploy([{ name: 'bench-timer-probe.bpmn', content: timerProbe }]);
  engine.metrics.reset();
  const started: string[] = [];
  for (let i = 0; i < TIMERS; i++) {
    const delay = `PT${(1 + (i % 200) / 100).toFixed(2)}S`;
    started.push((await engine.startInstance('bench-timer-probe', { delay })).processInstanceKey);
  }
  const armedIn = (performance.now() - t0) / 1000 - seconds;
  const deadline = Date.now() + 120_000;
  while (engine.metrics.timerLatenessMs.length < TIMERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const lateness = [...engine.metrics.timerLatenessMs];

  const lines = [
    `propflow benchmark — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, node ${process.version}`,
    `database: ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'FerretDB 1.24.2 (SQLite)'}; engine: embedded; orders ${ORDERS}, concurrency ${CONCURRENCY}`,
    `repair lifecycles: ${ORDERS} in ${fmt(seconds, 2)} s = ${fmt(ORDERS / seconds, 2)} lifecycles/s (6 user tasks + ${fmt(jobs / ORDERS, 0)} jobs each)`,
    `jobs: ${jobs} completed = ${fmt(jobs / seconds, 1)} jobs/s`,
    `job activation latency: p50 ${fmt(percentile(activation, 50))} ms, p99 ${fmt(percentile(activation, 99))} ms (n=${activation.length})`,
    `timer burst: ${TIMERS} timers armed one after another, each due 1–3 s after it was armed: lateness p50 ${fmt(percentile(lateness, 50))} ms, p99 ${fmt(percentile(lateness, 99))} ms (${lateness.length}/${TIMERS} fired; armed in ${fmt(armedIn, 1)} s)`,
    `failed requests: ${failures}; rss after lifecycles ${fmt(rss1 / 2 ** 20, 0)} MiB`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (profile) process.stdout.write(commandTable(commands));

  // ---- Phase 3: real open orders as templates; the clock pinned so that no deadline falls due from here on
  autoAnswer = false;
  const seedIds: string[] = [];
  for (let i = 0; i < SEED_ORDERS; i++) {
    const res = await post('dispatcher1', '/api/work-orders', order(i));
    if (res.status !== 201) throw new Error(`seed order: ${res.status} ${JSON.stringify(res.body)}`);
    seedIds.push((res.body as { id: string }).id);
  }
  await engine.idle(60_000);
  // A second ahead: in demo mode the clock runs on, and a pin behind it is refused (it only moves forward).
  const pinnedAt = engine.clock.now().getTime() + 1_000;
  await engine.advanceClock({ pin: new Date(pinnedAt) });
  await server.close();

  const conn = await mongoose.createConnection(db.uri).asPromise();
  // Every server process below starts its (running) engine clock at pinnedAt, so that the open
  // orders' deadlines (the first sign-off reminder is 2 minutes after pinnedAt) fall due only
  // when the burst phase moves the clock on, not while restart, API and probes are measured.
  const startChild = async (uri: string): Promise<Child> => {
    await conn.collection<{ _id: string; frozenAt: number }>('engine_clock').replaceOne({ _id: 'clock' }, { frozenAt: pinnedAt }, { upsert: true });
    return spawnChild(uri, pinnedAt);
  };
  const templates = await loadTemplates(conn, seedIds);
  let open = SEED_ORDERS;
  const grow = async (target: number): Promise<number> => {
    const t = performance.now();
    open = await cloneOrders(conn, templates, open, target);
    return (performance.now() - t) / 1000;
  };

  // ---- Phase 4: a fresh server process with OPEN_ORDERS open orders: restart time, API latency, memory
  const grownIn = await grow(OPEN_ORDERS);
  const first = await startChild(db.uri);
  const apiIds = await openOrderIds(conn, 200);
  const apiResult = await apiLoad(first, apiIds);
  // The same load again: the order views' timeline entries are kept after their first read.
  const apiWarm = await apiLoad(first, apiIds, false);
  const probe = await first.probeTimers(PROBES);
  const memory = await first.memory();
  const burst = BURST_MINUTES > 0 ? await first.burst(BURST_MINUTES * 60_000) : undefined;
  await first.stop();
  const out = [
    `open orders: ${open} (${SEED_ORDERS} real, the rest cloned in ${fmt(grownIn, 1)} s; engine clock pinned)`,
    `restart with ${open} open orders: engine.start() done ${fmt(first.engineStartedMs / 1000, 2)} s, listening ${fmt(first.listeningMs / 1000, 2)} s, first API answer ${fmt(first.firstAnswerMs / 1000, 2)} s after process start`,
    `API at ${API_RATE} requests/s for ${API_SECONDS} s (${apiResult.mix}): p50 ${fmt(apiResult.p50, 0)} ms, p99 ${fmt(apiResult.p99, 0)} ms, max ${fmt(apiResult.max, 0)} ms; ${apiResult.requests} requests, ${apiResult.non2xx} not 2xx, ${apiResult.errors} errors; the server's event loop meanwhile delayed p50 ${fmt(apiResult.loop.p50, 0)} / p99 ${fmt(apiResult.loop.p99, 0)} / max ${fmt(apiResult.loop.max, 0)} ms; time in the server p50 / p99: ${inServerText(apiResult.loop)}; the same load against a server that only sends bodies of the same sizes (what the load tool and this box add): p50 ${fmt(apiResult.floor?.p50 ?? NaN, 0)} ms, p99 ${fmt(apiResult.floor?.p99 ?? NaN, 0)} ms; one request alone (first / second): ${apiResult.alone}`,
    `API again, the same load on the same orders (their timeline entries kept since the first pass): p50 ${fmt(apiWarm.p50, 0)} ms, p99 ${fmt(apiWarm.p99, 0)} ms, max ${fmt(apiWarm.max, 0)} ms; ${apiWarm.requests} requests, ${apiWarm.non2xx} not 2xx, ${apiWarm.errors} errors; event loop delayed p99 ${fmt(apiWarm.loop.p99, 0)} / max ${fmt(apiWarm.loop.max, 0)} ms; time in the server p50 / p99: ${inServerText(apiWarm.loop)}`,
    `timer lateness with ${probe.armedBefore} deadlines armed (the open orders'): p50 ${fmt(probe.p50, 0)} ms, p99 ${fmt(probe.p99, 0)} ms, max ${fmt(probe.max, 0)} ms — ${probe.fired}/${PROBES} probe timers due 1–3 s after arming fired (armed in ${fmt(probe.armedInMs / 1000, 1)} s)`,
    `memory of the server process with ${open} open orders after that load: rss ${fmt(memory.rss / 2 ** 20, 0)} MiB, heap used after GC ${fmt(memory.heapUsed / 2 ** 20, 0)} MiB (rss right after start ${fmt(first.startRss / 2 ** 20, 0)} MiB)`,
  ];
  if (burst) {
    out.push(
      `deadline burst (engine clock moved on ${BURST_MINUTES} min, as after an outage): ${burst.due} instances overdue at once; ${burst.left === 0 ? `all fired in ${fmt(burst.firedInMs / 1000, 1)} s, no job waiting after ${fmt(burst.drainedInMs / 1000, 1)} s` : `${burst.due - burst.left} fired in ${fmt(burst.seconds, 0)} s (stopped there)`} = ${fmt((burst.due - burst.left) / burst.seconds, 1)} instances/s; peak rss ${fmt(burst.peakRss / 2 ** 20, 0)} MiB, heap used after GC at the end ${fmt(burst.heapAfterGc / 2 ** 20, 0)} MiB; GET /api/tasks every 0.5 s meanwhile: p50 ${fmt(percentile(burst.api, 50), 0)} ms, p99 ${fmt(percentile(burst.api, 99), 0)} ms, max ${fmt(burst.api.length ? Math.max(...burst.api) : NaN, 0)} ms (${burst.api.length} answered, ${burst.apiFailed} not 200)`,
    );
  }
  process.stdout.write(out.join('\n') + '\n');

  // ---- Phase 5: restart with RESTART_ORDERS open orders
  let restartFailed = false;
  if (RESTART_ORDERS > open) {
    const grownIn2 = await grow(RESTART_ORDERS);
    const second = await startChild(db.uri);
    const rss = second.startRss;
    await second.stop();
    process.stdout.write(
      `restart with ${open} open orders (cloned in ${fmt(grownIn2, 1)} s more): engine.start() done ${fmt(second.engineStartedMs / 1000, 2)} s, listening ${fmt(second.listeningMs / 1000, 2)} s, first API answer ${fmt(second.firstAnswerMs / 1000, 2)} s after process start; rss ${fmt(rss / 2 ** 20, 0)} MiB\n`,
    );
    restartFailed = second.firstAnswerMs <= 0;
  }

  await conn.close();
  await db.stop();
  await rm(dataDir, { recursive: true, force: true });
  void started;
  process.exit(failures > 0 || lateness.length < TIMERS || probe.fired < PROBES || restartFailed ? 1 : 0);
}

type CommandTimes = Map<string, { n: number; ms: number }>;

/** Database time by command, collection and filter shape, of the server's connection (BENCH_PROFILE=1; needs monitorCommands). */
function profileCommands(server: Awaited<ReturnType<typeof startServer>>): CommandTimes {
  const commands: CommandTimes = new Map();
  const started = new Map<number, { key: string; t: number }>();
  const client = server.connection.getClient();
  client.on('commandStarted', (e) => {
    const cmd = e.command as Record<string, unknown>;
    const coll = String(cmd[e.commandName] ?? '');
    const filter = (cmd.filter ?? cmd.query ?? (Array.isArray(cmd.updates) ? (cmd.updates[0] as { q?: unknown })?.q : undefined) ??
      (Array.isArray(cmd.deletes) ? (cmd.deletes[0] as { q?: unknown })?.q : undefined)) as Record<string, unknown> | undefined;
    const shape = filter ? Object.keys(filter).sort().join(',') : '';
    started.set(e.requestId, { key: `${e.commandName} ${coll} {${shape}}${cmd.projection || cmd.fields ? ' +proj' : ''}`, t: performance.now() });
  });
  const done = (e: { requestId: number }) => {
    const s = started.get(e.requestId);
    if (!s) return;
    started.delete(e.requestId);
    const c = commands.get(s.key) ?? { n: 0, ms: 0 };
    c.n++;
    c.ms += performance.now() - s.t;
    commands.set(s.key, c);
  };
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
  return commands;
}

function commandTable(commands: CommandTimes): string {
  const rows = [...commands.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
  return ['database time by command (top 25):', ...rows.map(([key, c]) => `  ${fmt(c.ms, 0).padStart(8)} ms  ${String(c.n).padStart(6)} ×  ${fmt(c.ms / c.n, 2).padStart(7)} ms  ${key}`)].join('\n') + '\n';
}

/* ------------------------------------------------------------ cloning open orders */

interface Template {
  order: Document;
  instance: Document;
  jobs: Document[];
  tasks: Document[];
  timers: Document[];
  subscriptions: Document[];
  timeline: Document[];
}

async function loadTemplates(conn: mongoose.Connection, orderIds: string[]): Promise<Template[]> {
  const db = conn.db!;
  const templates: Template[] = [];
  for (const id of orderIds) {
    const order = await db.collection('work_orders').findOne({ _id: new mongoose.Types.ObjectId(id) });
    const key = order?.processInstanceKey as string | undefined;
    if (!order || !key) throw new Error(`seed order ${id} has no process instance`);
    const instance = await db.collection<Document>('engine_instances').findOne({ _id: key as never });
    if (!instance || instance.state !== 'active') throw new Error(`seed order ${id}: instance ${key} is not active`);
    templates.push({
      order,
      instance,
      jobs: await db.collection('engine_jobs').find({ instanceKey: key, state: { $ne: 'done' } }).toArray(),
      // Open tasks keep their fields in one JSON text (engine/embedded/store.ts packTask); their ids are `${instanceKey}-${executionId}`.
      tasks: (await db.collection('engine_user_tasks').find({ state: 'created' }).toArray()).filter((t) => String(t._id).startsWith(`${key}-`)),
      timers: await db.collection('engine_timers').find({ _id: key as never }).toArray(),
      subscriptions: await db.collection('engine_subscriptions').find({ instanceKey: key, open: true }).toArray(),
      timeline: await db.collection('timeline').find({ workOrderId: id }).toArray(),
    });
  }
  return templates;
}

/**
 * Adds clones of the templates until `target` open orders exist. Each clone gets a new
 * instance key, work order id and number; every string holding the old ones is rewritten
 * (ids of jobs and tasks are `${instanceKey}-${executionId}`).
 */
async function cloneOrders(conn: mongoose.Connection, templates: Template[], from: number, target: number): Promise<number> {
  const db = conn.db!;
  const BATCH = 500;
  const names = ['work_orders', 'engine_instances', 'engine_jobs', 'engine_user_tasks', 'engine_timers', 'engine_subscriptions', 'timeline'] as const;
  // One EJSON text per template and collection; clones are string replacements of it.
  const texts = templates.map((t) => ({
    key: t.instance._id as string,
    id: String(t.order._id),
    number: t.order.number as string,
    docs: {
      work_orders: [t.order],
      engine_instances: [t.instance],
      engine_jobs: t.jobs,
      engine_user_tasks: t.tasks,
      engine_timers: t.timers,
      engine_subscriptions: t.subscriptions,
      timeline: t.timeline,
    } as Record<(typeof names)[number], Document[]>,
    // Timeline entry ids, named by the order too (timelineIds): a new id per clone.
    timelineIds: t.timeline.map((e) => String(e._id)),
  })).map((t) => ({ ...t, json: Object.fromEntries(names.map((n) => [n, EJSON.stringify(t.docs[n], { relaxed: false })])) as Record<string, string> }));
  let n = from;
  const run = `${Date.now() % 100_000}`.padStart(5, '0');
  while (n < target) {
    const batch: Record<string, Document[]> = Object.fromEntries(names.map((c) => [c, []]));
    for (let b = 0; b < BATCH && n < target; b++, n++) {
      const t = texts[n % texts.length]!;
      const key = `9${run}${String(n).padStart(10, '0')}`;
      const id = new mongoose.Types.ObjectId().toHexString();
      const number = `BX-BENCH-${run}-${n}`;
      const entryIds = t.timelineIds.map((old) => [old, new mongoose.Types.ObjectId().toHexString()] as const);
      for (const c of names) {
        let text = t.json[c]!.split(t.key).join(key).split(t.id).join(id).split(t.number).join(number);
        for (const [old, fresh] of entryIds) text = text.split(old).join(fresh);
        batch[c]!.push(...(EJSON.parse(text, { relaxed: false }) as Document[]));
      }
    }
    for (const c of names) if (batch[c]!.length) await db.collection(c).insertMany(batch[c]!, { ordered: false });
  }
  return n;
}

async function openOrderIds(conn: mongoose.Connection, max: number): Promise<string[]> {
  const docs = await conn.db!.collection('work_orders').find({ status: { $nin: ['closed', 'withdrawn', 'rejected'] } }).limit(max).toArray();
  return docs.map((d) => String(d._id));
}

/* ------------------------------------------------------------ a fresh server process */

interface ProbeResult {
  armedBefore: number;
  armedInMs: number;
  fired: number;
  p50: number;
  p99: number;
  max: number;
}

interface BurstResult {
  due: number;
  /** Still overdue when the phase ended (0 unless BENCH_BURST_LIMIT_S ran out). */
  left: number;
  seconds: number;
  firedInMs: number;
  drainedInMs: number;
  peakRss: number;
  /** Heap used after a full GC when the phase ended (what is live, unlike RSS, which V8 lets grow before it collects). */
  heapAfterGc: number;
  api: number[];
  apiFailed: number;
}

interface Child {
  url: string;
  /** Moves the engine clock on by `addMs`: every deadline due by then falls due at once. */
  burst(addMs: number): Promise<BurstResult>;
  /** Arms `count` probe timers due 1–3 s later beside everything already armed; their lateness. */
  probeTimers(count: number): Promise<ProbeResult>;
  engineStartedMs: number;
  listeningMs: number;
  firstAnswerMs: number;
  startRss: number;
  tokens: Record<string, string>;
  memory(): Promise<{ rss: number; heapUsed: number }>;
  /** The server's event-loop delay since the last call (ms): how long a ready request could wait for the CPU there. */
  loopDelay(): Promise<LoopDelay>;
  stop(): Promise<void>;
}

/** Time in the server per request kind, as the bench prints it. */
function inServerText(loop: LoopDelay): string {
  return Object.entries(loop.inServer)
    .filter(([k]) => k !== 'other')
    .map(([k, v]) => `${k} ${fmt(v.p50, 0)} / ${fmt(v.p99, 0)} ms`)
    .join(', ');
}

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  /** Time in the server per request kind (arrival of the request to the last byte handed to the socket), ms: p50 / p99. */
  inServer: Record<string, { n: number; p50: number; p99: number }>;
}

async function spawnChild(mongodbUri: string, clockAt: number): Promise<Child> {
  const spawnedAt = performance.now();
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each server process, written when it stops.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // BENCH_CHILD_ARGS: more node flags for the server children (e.g. --trace-gc).
  const extra = (process.env.BENCH_CHILD_ARGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', ...prof, ...extra, '--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_ROLE: 'server', MONGODB_URI: mongodbUri, BENCH_CLOCK_AT: String(clockAt) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(type: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = (code: number | null) => reject(new Error(`bench server exited with ${code}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next<{ url: string; engineStartedMs: number; listeningMs: number; rss: number }>('ready');
  // The first answer: a login (the first thing anyone asks).
  const tokens: Record<string, string> = {};
  let firstAnswerMs = 0;
  for (const user of ['dispatcher1', 'unitA1']) {
    const res = await fetch(`${ready.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user, password: 'demo' }),
    });
    if (!firstAnswerMs) firstAnswerMs = performance.now() - spawnedAt;
    if (res.status !== 200) throw new Error(`login ${user}: ${res.status}`);
    tokens[user] = ((await res.json()) as { token: string }).token;
  }
  return {
    url: ready.url,
    // Measured inside the child from its own start; the spawn itself is a few ms.
    engineStartedMs: ready.engineStartedMs,
    listeningMs: ready.listeningMs,
    firstAnswerMs,
    startRss: ready.rss,
    tokens,
    async memory() {
      const result = next<{ rss: number; heapUsed: number }>('memory');
      child.send('memory');
      return result;
    },
    async loopDelay() {
      const result = next<LoopDelay & { type: string }>('loop');
      child.send('loop');
      return result;
    },
    async burst(addMs: number) {
      const result = next<BurstResult & { type: string }>('burst');
      // unitA1's token from the login above: the task list asked for during the burst.
      child.send({ type: 'burst', addMs, token: tokens.unitA1 });
      return result;
    },
    async probeTimers(count: number) {
      const result = next<ProbeResult & { type: string }>('probe');
      child.send({ type: 'probe', count });
      return result;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

/** The server side of startChild (BENCH_ROLE=server): reports its start-up times and memory over IPC. */
async function serveChild(): Promise<void> {
  let engineStartedMs = 0;
  const start = EmbeddedEngine.prototype.start;
  EmbeddedEngine.prototype.start = async function (this: EmbeddedEngine) {
    await start.call(this);
    engineStartedMs = performance.now();
  };
  // BENCH_LOG_LEVEL=info: the server processes' own log (e.g. the engine's start-up phases).
  const level = process.env.BENCH_LOG_LEVEL === 'info' ? 'info' : 'warn';
  const config = loadConfig({ MODE: 'demo', HOST, PORT: '0', LOG_LEVEL: level, CLOCK_CONTROL: 'true' });
  const server = await startServer({
    config,
    mongodbUri: process.env.MONGODB_URI as string,
    logger: createLogger({ level }),
    clockStart: new Date(Number(process.env.BENCH_CLOCK_AT)),
    monitorCommands: process.env.BENCH_PROFILE === '1',
  });
  // BENCH_PROFILE=1: the database commands of each span between two loop-delay readings, on stderr.
  const commands = process.env.BENCH_PROFILE === '1' ? profileCommands(server) : undefined;
  const send = (m: object) => process.send?.(m);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const inServer = new Map<string, number[]>();
  server.httpServer.on('request', (req: { url?: string; originalUrl?: string }, res: { once(e: 'finish', f: () => void): void }) => {
    const t = performance.now();
    // Express has routed the request already (this listener comes after its own) and trimmed req.url.
    const url = req.originalUrl ?? req.url ?? '';
    const kind = url.startsWith('/api/tasks') ? 'tasks' : url.startsWith('/api/work-orders?') ? 'ledger page' : url.startsWith('/api/work-orders/') ? 'order' : 'other';
    res.once('finish', () => {
      const list = inServer.get(kind) ?? [];
      list.push(performance.now() - t);
      inServer.set(kind, list);
    });
  });
  send({ type: 'ready', url: server.url, engineStartedMs, listeningMs: performance.now(), rss: process.memoryUsage().rss });
  process.on('message', (m) => {
    if (typeof m === 'object' && m !== null && (m as { type?: string }).type === 'probe') {
      void probeTimers(server.engine as EmbeddedEngine, (m as { count: number }).count)
        .then((r) => send({ type: 'probe', ...r }))
        .catch((err: unknown) => {
          process.stderr.write(`bench probe failed: ${(err as Error).stack ?? String(err)}\n`);
          process.exit(1);
        });
    } else if (typeof m === 'object' && m !== null && (m as { type?: string }).type === 'burst') {
      const { addMs, token } = m as { addMs: number; token: string };
      void deadlineBurst(server.engine as EmbeddedEngine, server.url, addMs, token)
        .then((r) => send({ type: 'burst', ...r }))
        .catch((err: unknown) => {
          process.stderr.write(`bench burst failed: ${(err as Error).stack ?? String(err)}\n`);
          process.exit(1);
        });
    } else if (m === 'loop') {
      const ms = (ns: number) => ns / 1e6;
      const spans = Object.fromEntries([...inServer].map(([k, v]) => [k, { n: v.length, p50: percentile(v, 50), p99: percentile(v, 99) }]));
      send({ type: 'loop', p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), inServer: spans });
      loop.reset();
      inServer.clear();
      if (commands) {
        process.stderr.write(`server child, since the last reading: ${commandTable(commands)}`);
        commands.clear();
      }
    } else if (m === 'memory') {
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      send({ type: 'memory', rss, heapUsed });
    } else if (m === 'stop') {
      void server.close().then(() => process.exit(0));
      setTimeout(() => process.exit(0), 20_000).unref();
    }
  });
}

/**
 * In the server process: `count` instances of the timer probe, each due 1–3 s after it is
 * armed (spread evenly), started 8 at a time, beside the deadlines already armed; waits (at
 * most 2 minutes) until they fire and reports their lateness (fire time − due time).
 */
async function probeTimers(engine: EmbeddedEngine, count: number): Promise<ProbeResult> {
  await engine.deploy([{ name: 'bench-timer-probe.bpmn', content: timerProbe }]);
  const armedBefore = engine.armedTimerCount;
  engine.metrics.reset();
  const t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const i = next++;
        await engine.startInstance('bench-timer-probe', { delay: `PT${(1 + (i % 200) / 100).toFixed(2)}S` });
      }
    }),
  );
  const armedInMs = performance.now() - t;
  for (const until = performance.now() + 120_000; engine.metrics.timerLatenessMs.length < count && performance.now() < until; ) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const lateness = [...engine.metrics.timerLatenessMs];
  return {
    armedBefore,
    armedInMs,
    fired: lateness.length,
    p50: percentile(lateness, 50),
    p99: percentile(lateness, 99),
    max: lateness.length ? Math.max(...lateness) : NaN,
  };
}

/**
 * In the server process: the clock moves on by `addMs` (as after an outage), so that the open
 * orders' deadlines fall due together. Measures how long until none is overdue and no job waits
 * (at most BENCH_BURST_LIMIT_S), the peak RSS (sampled every 250 ms) and a task list asked for every
 * 500 ms meanwhile (what a user sees during the burst).
 */
async function deadlineBurst(engine: EmbeddedEngine, url: string, addMs: number, token: string): Promise<BurstResult> {
  const t0 = performance.now();
  let peakRss = process.memoryUsage().rss;
  let ticks = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (process.env.BENCH_BURST_TRACE && ++ticks % 20 === 0) {
      (globalThis as { gc?: () => void }).gc?.();
      process.stderr.write(`burst ${((performance.now() - t0) / 1000).toFixed(0)} s: backlog ${backlog()}, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB ${JSON.stringify(engine.stats)}\n`);
    }
  }, 250);
  const api: number[] = [];
  let apiFailed = 0;
  let done = false;
  const asker = (async () => {
    while (!done) {
      const t = performance.now();
      const res = await fetch(`${url}/api/tasks?limit=20`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
      await res?.arrayBuffer();
      if (res?.status === 200) api.push(performance.now() - t);
      else apiFailed++;
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const advancing = engine.advanceClock({ addMs });
  // The backlog: what is due at the moment of the jump. Instances fired since arm new timers
  // (the next reminder 2 minutes on), which fall due later: those are not the backlog.
  const jumpedTo = engine.clock.now().getTime();
  const backlog = () => engine.timersDueBy(jumpedTo);
  const due = backlog();
  let firedInMs = NaN;
  let drainedInMs = NaN;
  for (const until = t0 + BURST_LIMIT_S * 1000; performance.now() < until; ) {
    await new Promise((r) => setTimeout(r, 250));
    if (Number.isNaN(firedInMs) && backlog() === 0) firedInMs = performance.now() - t0;
    if (!Number.isNaN(firedInMs) && engine.readyJobCount === 0) {
      drainedInMs = performance.now() - t0;
      break;
    }
  }
  done = true;
  clearInterval(sampler);
  const left = backlog();
  const seconds = (performance.now() - t0) / 1000;
  (globalThis as { gc?: () => void }).gc?.();
  const heapAfterGc = process.memoryUsage().heapUsed;
  await asker;
  // advanceClock() returns once the backlog is fired; when the limit ran out, it is not waited for.
  if (left === 0) await advancing;
  else void advancing.catch(() => undefined);
  return { due, left, seconds, firedInMs, drainedInMs, peakRss, heapAfterGc, api, apiFailed };
}

/* ------------------------------------------------------------ API latency */

async function apiLoad(child: Child, orderIds: string[], withFloor = true): Promise<{ alone: string; p50: number; p99: number; max: number; requests: number; non2xx: number; errors: number; mix: string; loop: LoopDelay; floor: { p50: number; p99: number } | undefined }> {
  const auth = (user: string) => ({ authorization: `Bearer ${child.tokens[user]}` });
  // The tasklist and the ledger: 3 task lists, 2 ledger pages, 5 single orders in every 10 requests.
  const requests: autocannon.Request[] = [];
  for (let i = 0; i < 10; i++) {
    if (i % 10 < 3) requests.push({ method: 'GET', path: '/api/tasks', headers: auth('unitA1') });
    else if (i % 10 < 5) requests.push({ method: 'GET', path: '/api/work-orders?status=dispatched,signed&communityId=C001&limit=20', headers: auth('dispatcher1') });
    else requests.push({ method: 'GET', path: `/api/work-orders/${orderIds[i % Math.max(1, orderIds.length)]}`, headers: auth('dispatcher1') });
  }
  // One request of each kind alone first: what each costs without a queue in front of it.
  const alone: string[] = [];
  const sizes: number[] = [];
  // Twice: the first after start fills caches (deployments, forms, models), the second is the steady cost.
  for (const r of [requests[0]!, requests[3]!, requests[5]!]) {
    const ms: string[] = [];
    let status = 0;
    let size = 0;
    for (let k = 0; k < 2; k++) {
      const t = performance.now();
      const res = await fetch(child.url + r.path, { headers: r.headers as Record<string, string> });
      size = (await res.arrayBuffer()).byteLength;
      status = res.status;
      ms.push(fmt(performance.now() - t, 0));
    }
    alone.push(`${r.path!.replace(/\/[0-9a-f]{24}$/, '/:id').replace(/\?.*/, '?…')} ${ms.join(' / ')} ms (${status}, ${fmt(size / 1024, 0)} KiB)`);
    sizes.push(size);
  }
  const ids = orderIds.length ? orderIds : [''];
  let n = 0;
  for (const r of requests) {
    if (r.path?.startsWith('/api/work-orders/')) {
      r.setupRequest = (req) => ({ ...req, path: `/api/work-orders/${ids[n++ % ids.length]}` });
    }
  }
  await child.loopDelay(); // from here on
  const result = await autocannon({
    url: child.url,
    connections: 20,
    overallRate: API_RATE,
    duration: API_SECONDS,
    timeout: 30,
    requests,
  });
  // Let the requests still queued in the server finish before anyone stops it (bounded).
  for (const until = performance.now() + 60_000; performance.now() < until; ) {
    const t = performance.now();
    await fetch(`${child.url}/api/tasks?limit=1`, { headers: auth('unitA1') }).then((r) => r.arrayBuffer());
    if (performance.now() - t < 2_000) break;
  }
  const floor = withFloor ? await toolFloor(requests, sizes) : undefined;
  return {
    floor,
    alone: alone.join(', '),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    loop: await child.loopDelay(),
    mix: '30 % GET /api/tasks as unitA1, 20 % GET /api/work-orders?status=…&communityId=C001&limit=20 and 50 % GET /api/work-orders/:id as dispatcher1',
  };
}

/**
 * The API load's floor on this machine: the same requests at the same rate, from the same
 * autocannon, against a process that only sends stored bodies of the sizes measured (tasks,
 * ledger page, order). What the load tool and the shared cores add to every answer.
 */
async function toolFloor(requests: autocannon.Request[], sizes: number[]): Promise<{ p50: number; p99: number }> {
  const [tasks = 0, list = 0, order = 0] = sizes;
  const script = `const b = { t: Buffer.alloc(${tasks}, 120), l: Buffer.alloc(${list}, 120), o: Buffer.alloc(${order}, 120) };
    const s = require('node:http').createServer((q, r) => { r.setHeader('content-type', 'application/json');
      r.end(q.url.startsWith('/api/tasks') ? b.t : q.url.startsWith('/api/work-orders?') ? b.l : b.o); });
    s.listen(0, '${HOST}', () => process.send(s.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve(Number(m)));
      child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
    });
    const result = await autocannon({ url: `http://${HOST}:${port}`, connections: 20, overallRate: API_RATE, duration: API_SECONDS, timeout: 30, requests });
    return { p50: result.latency.p50, p99: result.latency.p99 };
  } finally {
    child.kill();
  }
}

if (process.env.BENCH_ROLE === 'server') {
  serveChild().catch((err: unknown) => {
    process.stderr.write(`bench server failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
