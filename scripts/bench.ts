/**
 * `npm run bench`: drives repair orders through the whole procedure on the
 * embedded engine, on a fresh FerretDB (or MONGODB_URI), through the HTTP API
 * the way the tasklist does (people's steps are completed by this script as
 * soon as their task appears), then arms timers to measure how late they fire.
 *
 *   BENCH_ORDERS=200 BENCH_CONCURRENCY=16 BENCH_TIMERS=1000 npm run bench
 *
 * Prints lifecycles/s, jobs/s, job activation latency p50/p99 and timer
 * lateness p50/p99, plus the machine it ran on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../api/config.js';
import { createLogger } from '../api/logger.js';
import type { EmbeddedEngine } from '../engine/embedded/index.js';
import type { UserTask } from '../engine/port.js';
import { startDatabase } from './db.js';
import { startServer } from './server.js';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const TIMERS = Number(process.env.BENCH_TIMERS ?? 1000);

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

const timerProbe = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_bench" targetNamespace="http://propflow/bench">
  <bpmn:process id="bench-timer-probe" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>=delay</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'propflow-bench-'));
  const db = await startDatabase({ dataDir, quiet: true });
  const config = loadConfig({ MODE: 'demo', PORT: '0', LOG_LEVEL: 'warn', CLOCK_CONTROL: 'true' });
  const profile = process.env.BENCH_PROFILE === '1';
  const server = await startServer({ config, mongodbUri: db.uri, logger: createLogger({ level: 'warn' }), monitorCommands: profile });
  const engine = server.engine as EmbeddedEngine;
  // BENCH_PROFILE=1: database time by command, collection and filter shape.
  const commands = new Map<string, { n: number; ms: number }>();
  if (profile) {
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
  }

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
  const closed = new Set<string>();
  let onClosed: (() => void) | undefined;
  engine.onUserTaskEvent(async (event) => {
    if (event.task.bpmnProcessId !== 'repair') return;
    if (event.type === 'completed' && event.task.kind === 'return-visit') {
      closed.add(event.task.processInstanceKey);
      onClosed?.();
      return;
    }
    if (event.type !== 'created') return;
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
    `timer lateness: p50 ${fmt(percentile(lateness, 50))} ms, p99 ${fmt(percentile(lateness, 99))} ms (${lateness.length}/${TIMERS} timers fired; armed in ${fmt(armedIn, 1)} s)`,
    `failed requests: ${failures}; rss after lifecycles ${fmt(rss1 / 2 ** 20, 0)} MiB`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (profile) {
    const rows = [...commands.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
    process.stdout.write('database time by command (top 25):\n');
    for (const [key, c] of rows) process.stdout.write(`  ${fmt(c.ms, 0).padStart(8)} ms  ${String(c.n).padStart(6)} ×  ${fmt(c.ms / c.n, 2).padStart(7)} ms  ${key}\n`);
  }

  await server.close();
  await db.stop();
  await rm(dataDir, { recursive: true, force: true });
  void started;
  process.exit(failures > 0 || lateness.length < TIMERS ? 1 : 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
