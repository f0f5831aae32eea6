/**
 * The OpenAPI fuzzer (schemathesis, from PyPI) in a Python venv under .bin/,
 * installed by `npm run setup` from tools/fuzz/requirements.txt. The venv is
 * rebuilt when the requirements change (a stamp file keeps their hash).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './db.js';

export const fuzzVenv = path.join(repoRoot, '.bin', 'schemathesis');
export const schemathesisBinary = path.join(fuzzVenv, 'bin', 'st');
const requirements = path.join(repoRoot, 'tools', 'fuzz', 'requirements.txt');
const stamp = path.join(fuzzVenv, '.requirements.sha256');

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function requirementsHash(): Promise<string> {
  return createHash('sha256').update(await readFile(requirements)).digest('hex');
}

/** Installs schemathesis when missing or when tools/fuzz/requirements.txt changed. Returns true when it installed. */
export async function ensureFuzzerInstalled(): Promise<boolean> {
  const want = await requirementsHash();
  const have = await readFile(stamp, 'utf8').catch(() => '');
  if (have.trim() === want) return false;
  await rm(fuzzVenv, { recursive: true, force: true });
  const python = process.env.PYTHON ?? 'python3';
  if ((await run(python, ['-m', 'venv', fuzzVenv])) !== 0) throw new Error(`${python} -m venv failed (Debian: apt-get install python3-venv)`);
  const pip = path.join(fuzzVenv, 'bin', 'pip');
  if ((await run(pip, ['install', '--quiet', '--disable-pip-version-check', '-r', requirements])) !== 0) throw new Error('pip install of tools/fuzz/requirements.txt failed');
  await writeFile(stamp, `${want}\n`);
  return true;
}
