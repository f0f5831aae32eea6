/**
 * `npm test [-- <vitest args>]`: type check, lint, then the vitest suite
 * against a fresh FerretDB in a temporary data dir (or against MONGODB_URI
 * when it is set). Stops at the first failing step and exits with its code;
 * the database is always stopped and its temporary directory removed.
 *
 *   npm test                  everything
 *   npm test -- tests/db      tsc + eslint, then only the vitest files under tests/db
 *   npm test -- tests/e2e     ... and the web UI is built first (modeler/dist) for the browser journeys
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, startDatabase, type RunningDatabase } from './db.js';

interface Step {
  name: string;
  bin: string;
  args: string[];
}

const vitestArgs = process.argv.slice(2);
/** The e2e journeys need the built web UI: build it when they are part of the run. */
const runsE2e = !vitestArgs.some((a) => !a.startsWith('-')) || vitestArgs.some((a) => a.includes('e2e'));
const steps: Step[] = [
  // --incremental only keeps a cache of the last check (node_modules/.cache), so repeated runs are faster.
  {
    name: 'tsc --noEmit',
    bin: 'tsc',
    args: ['--noEmit', '--incremental', '--tsBuildInfoFile', 'node_modules/.cache/propflow/tsconfig.tsbuildinfo'],
  },
  { name: 'tsc -p modeler', bin: 'tsc', args: ['--noEmit', '-p', 'modeler'] },
  { name: 'eslint .', bin: 'eslint', args: ['.'] },
  ...(runsE2e
    ? [
        { name: 'element templates', bin: 'tsx', args: ['scripts/element-templates.ts'] },
        { name: 'vite build (web UI for tests/e2e)', bin: 'vite', args: ['build', '--config', 'modeler/vite.config.ts', '--logLevel', 'warn'] },
      ]
    : []),
  { name: ['vitest run', ...vitestArgs].join(' '), bin: 'vitest', args: ['run', ...vitestArgs] },
];

const say = (line: string): void => {
  process.stderr.write(`[test] ${line}\n`);
};
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

let current: ChildProcess | undefined;

function runStep(step: Step, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, 'node_modules', '.bin', step.bin), step.args, {
      cwd: repoRoot,
      env,
      stdio: 'inherit',
    });
    current = child;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      current = undefined;
      resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : 15));
    });
  });
}

const overallStart = performance.now();
let db: RunningDatabase | undefined;
let dataDir: string | undefined;
let exitCode = 0;
let stepTime = 0;

async function cleanUp(): Promise<void> {
  await db?.stop();
  db = undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
}

// Ctrl-C / kill: pass the signal to the running step, stop the database, exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping`);
    current?.kill(signal);
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

try {
  if (!process.env.MONGODB_URI) {
    dataDir = await mkdtemp(path.join(tmpdir(), 'propflow-test-db-'));
  }
  db = await startDatabase({ dataDir });
  const env = { ...process.env, MONGODB_URI: db.uri };

  for (const step of steps) {
    say(`${step.name} ...`);
    const started = performance.now();
    const code = await runStep(step, env);
    const took = performance.now() - started;
    stepTime += took;
    if (code !== 0) {
      say(`${step.name} failed with exit code ${code} (${seconds(took)})`);
      exitCode = code;
      break;
    }
    say(`${step.name} ok (${seconds(took)})`);
  }
} catch (err) {
  say(`error: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await cleanUp();
}

const total = performance.now() - overallStart;
say(
  `${exitCode === 0 ? 'passed' : 'FAILED'} in ${seconds(total)} ` +
    `(steps ${seconds(stepTime)}, harness incl. database start/stop ${seconds(total - stepTime)})`,
);
process.exitCode = exitCode;
