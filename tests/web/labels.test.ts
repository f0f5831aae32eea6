/**
 * The web UI's words for what the models write: every process variable the
 * API, the job workers, the decision schemas and the Camunda forms can put
 * into an instance has a Chinese label in the inspector
 * (modeler/src/inspector/variable-labels.ts), and every duration task header
 * of the models has a name in the process owner's deadline list
 * (modeler/src/modeler/translate.ts) — no bare camelCase id for a known one.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { taskVariableSchemas } from '../../domain/schemas.js';
import { processesDir } from '../../scripts/server.js';
import { workers } from '../../workers/index.js';
import { readableName, VARIABLE_LABELS } from '../../modeler/src/inspector/variable-labels.js';
import { FORM_ZH } from '../../modeler/src/components/form-translate.js';
import { elementTypeZh, HEADER_ZH } from '../../modeler/src/modeler/labels.js';
import { DEADLINE, TIMELINE } from '../../modeler/src/core/domain-labels.js';

const root = path.resolve(processesDir, '..');
const CJK = /[\u3400-\u9fff]/;

/** Keys of the object literals handed to engine.startInstance (the variables a process starts with). */
async function startVariables(): Promise<Set<string>> {
  const names = new Set<string>();
  const sources = ['api/work-orders/service.ts', 'api/outages/service.ts', 'domain/services/procedures.ts'];
  for (const file of sources) {
    const text = (await readFile(path.join(root, file), 'utf8')).replace(/\/\/.*$/gm, '');
    const blocks = [
      ...text.matchAll(/const variables: Variables = \{([\s\S]*?)\n\s*\};/g),
      ...text.matchAll(/startInstance\([A-Z_]+, \{([\s\S]*?)\n\s*\}\);/g),
    ].map((m) => m[1]);
    expect(blocks.length, `${file}: where are the start variables?`).toBeGreaterThan(0);
    for (const block of blocks) {
      for (const m of block.matchAll(/(?<![.\w?])([a-zA-Z]\w*)\s*:(?!:)/g)) names.add(m[1]);
      for (const m of block.matchAll(/\{\s*([a-zA-Z]\w*)\s*\}/g)) names.add(m[1]);
      for (const m of block.matchAll(/^\s*([a-zA-Z]\w*),\s*$/gm)) names.add(m[1]);
    }
  }
  return names;
}

async function formKeys(): Promise<Set<string>> {
  const keys = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as { key?: unknown; components?: unknown };
      if (typeof o.key === 'string') keys.add(o.key);
      walk(o.components);
    }
  };
  const dir = path.join(processesDir, 'forms');
  for (const f of (await readdir(dir)).filter((x) => x.endsWith('.form'))) walk(JSON.parse(await readFile(path.join(dir, f), 'utf8')));
  return keys;
}

describe('inspector variable labels', () => {
  it('every variable the API, the workers, the decision schemas and the forms write has a Chinese label', async () => {
    const written = new Map<string, string>();
    for (const name of await startVariables()) written.set(name, 'process start (API)');
    for (const w of workers) for (const name of Object.keys(w.output.shape)) written.set(name, `worker ${w.type}`);
    for (const [kind, schema] of Object.entries(taskVariableSchemas)) for (const name of Object.keys(schema.shape)) written.set(name, `task ${kind}`);
    for (const name of await formKeys()) written.set(name, 'a form');
    // The scan found what it should: start, worker, decision and form variables.
    for (const name of ['orderNumber', 'reporterUserId', 'outageNumber', 'sourceOrderNumber', 'arrivalDueAt', 'callbackNeeded', 'consent', 'satisfied'])
      expect(written.has(name), name).toBe(true);

    const missing = [...written].filter(([name]) => !VARIABLE_LABELS[name]).map(([name, where]) => `${name} (${where})`);
    expect(missing).toEqual([]);
    for (const [name, [zh, en]] of Object.entries(VARIABLE_LABELS)) {
      expect(zh, name).toMatch(CJK);
      expect(en, name).not.toMatch(CJK);
      expect(zh).not.toContain(name);
    }
  });

  it('an unknown variable reads as words, never as a camelCase id', () => {
    expect(readableName('arrivalDueAt')).toBe('arrival due at');
    expect(readableName('some_new-flag')).toBe('some new flag');
    expect(readableName('ISODate')).toBe('iso date');
  });
});

describe('form-js messages', () => {
  it('every validation message a staff member can meet is in Chinese, placeholders kept', () => {
    for (const [en, zh] of Object.entries(FORM_ZH)) {
      expect(zh, en).toMatch(CJK);
      for (const ph of en.match(/{\w+}/g) ?? []) expect(zh, en).toContain(ph);
    }
    expect(FORM_ZH['Field is required.']).toBe('必填项');
  });
});

describe('process owner screens', () => {
  it('every duration task header of the models has a name in the deadline list', async () => {
    const headers = new Set<string>();
    for (const f of (await readdir(processesDir)).filter((x) => x.endsWith('.bpmn'))) {
      const xml = await readFile(path.join(processesDir, f), 'utf8');
      for (const m of xml.matchAll(/<zeebe:header key="(\w+)" value="P[0-9TYMWDHS.]+"/g)) headers.add(m[1]);
    }
    expect(headers.has('signOffWithin')).toBe(true);
    expect([...headers].filter((h) => !HEADER_ZH[h])).toEqual([]);
    for (const [key, [zh]] of Object.entries(HEADER_ZH)) expect(zh, key).toMatch(CJK);
  });

  it('the properties panel header names element types in Chinese, composed with their event definition', () => {
    expect(elementTypeZh('User Task')).toBe('用户任务');
    expect(elementTypeZh('Timer Boundary Event')).toBe('定时边界事件');
    expect(elementTypeZh('Message Boundary Event (Non Interrupting)')).toBe('消息边界事件（非中断）');
    expect(elementTypeZh('Timer Intermediate Catch Event')).toBe('定时中间捕获事件');
    expect(elementTypeZh('Error End Event')).toBe('错误结束事件');
    expect(elementTypeZh('Default Flow')).toBe('默认顺序流');
    expect(elementTypeZh('Select template')).toBeUndefined();
  });
});

describe('order timeline and deadlines', () => {
  async function sources(dirs: string[]): Promise<string> {
    const texts: string[] = [];
    for (const dir of dirs) {
      for (const f of (await readdir(path.join(root, dir), { recursive: true })).filter((x) => String(x).endsWith('.ts'))) {
        texts.push(await readFile(path.join(root, dir, String(f)), 'utf8'));
      }
    }
    return texts.join('\n');
  }

  it('every timeline entry type and every deadline the models and workers write has a Chinese name', async () => {
    const models = (await Promise.all((await readdir(processesDir)).filter((x) => x.endsWith('.bpmn')).map((f) => readFile(path.join(processesDir, f), 'utf8')))).join('\n');
    const code = await sources(['workers', 'domain', 'api']);
    const types = new Set<string>([
      ...[...models.matchAll(/key="timelineType" value="([a-z-]+)"/g)].map((m) => m[1]),
      ...[...code.matchAll(/type: '([a-z-]+)',\s*actor/g)].map((m) => m[1]),
      ...[...code.matchAll(/type: \w+ \? '([a-z-]+)' : '([a-z-]+)'/g)].flatMap((m) => [m[1], m[2]]),
    ]);
    expect(types.has('scope-checked') && types.has('signed-order-returned') && types.has('technician-assigned')).toBe(true);
    expect([...types].filter((x) => !TIMELINE[x])).toEqual([]);

    const deadlines = new Set<string>([
      ...[...models.matchAll(/key="(?:deadline|meetDeadlines|openDeadline|deadlines)" value="([a-z,-]+)"/g)].flatMap((m) => m[1].split(',')),
      ...[...code.matchAll(/name: '([a-z-]+)', dueAt/g)].map((m) => m[1]),
    ]);
    expect(deadlines.has('paid-reply') && deadlines.has('arrival')).toBe(true);
    expect([...deadlines].filter((x) => !DEADLINE[x])).toEqual([]);
    for (const [key, [zh]] of [...Object.entries(TIMELINE), ...Object.entries(DEADLINE)]) expect(zh, key).toMatch(CJK);
  });
});
