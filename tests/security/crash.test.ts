/**
 * Issue 6, crash test in CI: scripts/crash-test.ts with a small load (16 mixed
 * orders of every procedure, the server SIGKILLed twice at random moments and
 * restarted on the same database). The script checks every order present and
 * ended, no task or timer lost or doubled, no notification sent twice; this
 * test holds it to its verdict and to the counts it prints.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/db.js';

function runCrashTest(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'crash-test.ts')], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

const count = (output: string, re: RegExp): number => Number(re.exec(output)?.[1] ?? NaN);

describe('crash test (SIGKILL, restart, finish, check)', () => {
  it('16 mixed orders, 2 kills: every order present and ended, nothing lost or doubled, no notification twice', async () => {
    const run = await runCrashTest({ CRASH_ORDERS: '16', CRASH_KILLS: '2', CRASH_SEED: '20261125', CRASH_TIMEOUT_S: '400' });
    const report = run.output.split('\n').filter((l) => l.startsWith('[crash]') && !l.includes('round ')).join('\n');
    expect(run.code, report || run.output.slice(-3000)).toBe(0);
    expect(report).toContain('PASS: every check holds');
    expect(count(report, /orders created \(201\): (\d+) of 16/)).toBe(16);
    expect(count(report, /kills: (\d+) \(SIGKILL\)/)).toBe(2);
    expect(count(report, /orders present: (\d+)\/16/)).toBe(16);
    expect(count(report, /not ended: (\d+)/)).toBe(0);
    expect(count(report, /doubled: tasks (\d+)/)).toBe(0);
    expect(count(report, /keys sent twice: (\d+)/)).toBe(0);
    expect(count(report, /notifications: (\d+)/)).toBeGreaterThan(16);
    expect(count(report, /orders without their process: (\d+)/)).toBe(0);
    expect(count(report, /, (\d+) duplicates\)/)).toBe(0);
    expect(count(report, /phones or names in them: (\d+)/)).toBe(0);
    expect(count(report, /server logs \(info level, every process of the run\): (\d+) KiB/)).toBeGreaterThan(0);
  }, 600_000);
});
