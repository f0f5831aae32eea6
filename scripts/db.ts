/**
 * The development / test / CI database: FerretDB 1.24 (SQLite backend) run
 * from the project's own wrapper binary (tools/ferretdb, built into .bin/).
 *
 * - `ensureFerretBuilt()` builds .bin/ferretdb-local when it is missing or
 *   older than its Go sources (used by `npm run setup`, `npm start`, `npm test`).
 * - `startDatabase()` returns MONGODB_URI unchanged when it is set (a real
 *   MongoDB, e.g. docker-compose); otherwise it starts FerretDB on a free
 *   loopback port and returns its URI, with `?maxPoolSize=1` (why: see
 *   docs/ferretdb.md, "Concurrent updates"). The child dies with this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ferretSourceDir = path.join(repoRoot, 'tools', 'ferretdb');
export const ferretBinary = path.join(repoRoot, '.bin', 'ferretdb-local');
export const defaultDataDir = path.join(repoRoot, '.data', 'ferretdb');

/** Files whose change makes the binary stale. */
const ferretSources = ['main.go', 'go.mod', 'go.sum'].map((f) => path.join(ferretSourceDir, f));

const displayPath = (file: string): string => {
  const relative = path.relative(repoRoot, file);
  return relative.startsWith('..') ? file : relative;
};

const log = (line: string): void => {
  process.stderr.write(`[db] ${line}\n`);
};

async function mtimeMs(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** True when .bin/ferretdb-local is missing or older than any of its Go sources. */
export async function ferretNeedsBuild(): Promise<boolean> {
  const built = await mtimeMs(ferretBinary);
  if (built === undefined) return true;
  for (const source of ferretSources) {
    const changed = await mtimeMs(source);
    if (changed !== undefined && changed > built) return true;
  }
  return false;
}

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/**
 * Builds .bin/ferretdb-local from tools/ferretdb when it is missing or stale.
 * The first build downloads FerretDB and its modules from the Go module proxy
 * (about 80 s on a fresh machine); later builds hit Go's caches.
 * Returns true when it built.
 */
export async function ensureFerretBuilt(options: { force?: boolean } = {}): Promise<boolean> {
  if (!options.force && !(await ferretNeedsBuild())) return false;

  log(`building FerretDB wrapper: go build -o ${path.relative(repoRoot, ferretBinary)} (tools/ferretdb) ...`);
  const started = performance.now();
  await mkdir(path.dirname(ferretBinary), { recursive: true });
  // Build to a temporary name and rename, so a concurrent start never runs a half-written binary.
  const temporary = `${ferretBinary}.tmp-${process.pid}`;
  let code: number;
  try {
    code = await run('go', ['build', '-buildvcs=false', '-o', temporary, '.'], ferretSourceDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'The Go toolchain (go >= 1.24) is needed to build FerretDB for dev/test: install Go, ' +
          'or set MONGODB_URI to an existing MongoDB/FerretDB server.',
      );
    }
    throw err;
  }
  if (code !== 0) {
    await rm(temporary, { force: true });
    throw new Error(`go build of tools/ferretdb failed (exit code ${code}); see the output above.`);
  }
  await rename(temporary, ferretBinary);
  log(`built ${path.relative(repoRoot, ferretBinary)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

export interface StartDatabaseOptions {
  /** SQLite directory; default .data/ferretdb (git-ignored). */
  dataDir?: string;
  /** Do not print the start / ready lines. */
  quiet?: boolean;
  /** How long to wait for the "ready" line; default 30 s. */
  readyTimeoutMs?: number;
  /** Start a FerretDB of its own even when MONGODB_URI is set (tests that pause or kill their database). */
  ownServer?: boolean;
}

export interface RunningDatabase {
  /** mongodb:// URI of the server (no database name unless MONGODB_URI had one; FerretDB's carries ?maxPoolSize=1). */
  uri: string;
  /** Stops the FerretDB child; a no-op when MONGODB_URI was given. */
  stop(): Promise<void>;
  /** The FerretDB child's process id (absent when MONGODB_URI was given). */
  pid?: number;
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function killChildrenOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Normal exit and process.exit(): kill synchronously. A SIGKILLed parent is
  // covered by the wrapper's own --parent-pid watch (checked every 0.5 s).
  process.on('exit', () => {
    for (const child of children) child.kill('SIGTERM');
  });
}

/**
 * MONGODB_URI when set; otherwise starts FerretDB on a free loopback port.
 */
export async function startDatabase(options: StartDatabaseOptions = {}): Promise<RunningDatabase> {
  const given = options.ownServer ? undefined : process.env.MONGODB_URI;
  if (given) {
    if (!options.quiet) log(`using MONGODB_URI (no FerretDB started)`);
    return { uri: given, stop: async () => {} };
  }

  await ensureFerretBuilt();
  const dataDir = path.resolve(options.dataDir ?? defaultDataDir);
  await mkdir(dataDir, { recursive: true });
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const started = performance.now();

  const child = spawn(
    ferretBinary,
    ['--listen-addr', '127.0.0.1:0', '--data-dir', dataDir, '--parent-pid', String(process.pid)],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  killChildrenOnExit();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      children.delete(child);
      resolve();
    });
  });

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
    if (!options.quiet) process.stderr.write(chunk);
  });

  const uri = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new Error(
          `FerretDB (${displayPath(ferretBinary)}, data dir ${displayPath(dataDir)}) ${why}` +
            (stderr.trim() ? `\n--- its stderr ---\n${stderr.trim()}` : ''),
        ),
      );
    };
    const timer = setTimeout(
      () => fail(`did not print "ready <uri>" within ${timeoutMs / 1000} s`),
      timeoutMs,
    );
    const onError = (err: Error): void => fail(`could not be started: ${err.message}`);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(`exited before it was ready (code ${code}, signal ${signal})`);
    child.once('error', onError);
    child.once('exit', onExit);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const match = /^ready (mongodb:\/\/\S+)$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        child.off('error', onError);
        child.off('exit', onExit);
        child.on('error', (err) => log(`FerretDB child: ${err.message}`));
        // One connection per client: FerretDB 1.x applies an update as "read, then
        // write back by _id", so concurrent connections lose updates; requests on
        // one connection run one at a time. See docs/ferretdb.md.
        resolve(`${match[1]}?maxPoolSize=1`);
      }
    });
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout.resume();
  if (!options.quiet) {
    log(`FerretDB ready at ${uri} (data ${displayPath(dataDir)}, ${Math.round(performance.now() - started)} ms)`);
  }

  let stopping: Promise<void> | undefined;
  void exited.then(() => {
    if (!stopping) log(`FerretDB exited unexpectedly (code ${child.exitCode}, signal ${child.signalCode})`);
  });
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  return { uri, stop, ...(child.pid !== undefined ? { pid: child.pid } : {}) };
}
