/**
 * docker-compose.yml without a Docker engine: the file, with .env's values
 * interpolated and YAML merge keys resolved as Compose does, is validated
 * against the Compose Specification's JSON schema (the copy dclint ships,
 * checked with ajv), and against the project's own rules (style.md 12): every
 * image pinned in .env, a health check on every service, clock control only
 * in the demo profile, scalable worker replicas, and app settings that the
 * app's own configuration schemas accept.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../api/config.js';
import { loadZeebeConfig } from '../../engine/zeebe/config.js';

const root = new URL('../../', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, root), 'utf8');
const require = createRequire(import.meta.url);

/** .env as Compose reads it: KEY=VALUE lines, # comments, no quotes used here. */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1] as string] = (m[2] as string).trim();
  }
  return env;
}

/** Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, $$ for a literal $. */
function interpolate(text: string, env: Record<string, string>, missing: Set<string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (all, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (all === '$$') return '$';
    const value = env[name as string];
    if (op === ':-' || op === '-') return value === undefined || (op === ':-' && value === '') ? (arg ?? '') : value;
    if (value === undefined) missing.add(name as string);
    return value ?? '';
  });
}

const envFile = parseEnvFile(read('.env'));
const raw = read('docker-compose.yml');
const missing = new Set<string>();
const compose = parse(interpolate(raw, envFile, missing), { merge: true }) as {
  name?: string;
  services: Record<string, Record<string, unknown> & { environment?: Record<string, string>; profiles?: string[] }>;
  volumes?: Record<string, unknown>;
};
const services = Object.entries(compose.services);
const appServices = services.filter(([, s]) => String(s.image).startsWith('propflow:'));

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification JSON schema', () => {
    const schemaPath = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check is not vacuous: it rejects a misspelt key and a wrong type', () => {
    const schemaPath = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
    const validate = new Ajv({ strict: false, validateSchema: false, validateFormats: false }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
    expect(validate({ services: { a: { image: 'x', healthcheck: { tset: ['CMD', 'true'] } } } })).toBe(false);
    expect(validate({ services: { a: { image: 'x', ports: 'not-a-list' } } })).toBe(false);
  });

  it('takes every variable it uses from .env (or a default)', () => {
    expect([...missing]).toEqual([]);
  });

  it('pins every image to a version set in .env', () => {
    for (const [name, service] of services) {
      const image = String(service.image);
      expect(image, name).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(image, name).not.toMatch(/:latest$/);
    }
    for (const key of ['CAMUNDA_VERSION', 'ELASTICSEARCH_VERSION', 'MONGODB_VERSION', 'NODE_VERSION', 'PROPFLOW_VERSION']) {
      expect(envFile[key], key).toMatch(/^\d+\.\d+\.\d+$/);
    }
    // The raw file names no version itself: .env is the one place.
    expect(raw).not.toMatch(/image:\s*[^\s$]+:\d/);
    expect(compose.services.orchestration?.image).toBe(`camunda/camunda:${envFile.CAMUNDA_VERSION}`);
    expect(compose.services.mongodb?.image).toBe(`mongo:${envFile.MONGODB_VERSION}`);
    expect(envFile.MONGODB_VERSION).toMatch(/^7\./);
    expect(envFile.CAMUNDA_VERSION).toMatch(/^8\.8\./);
  });

  it('gives every service a health check', () => {
    for (const [name, service] of services) {
      const check = service.healthcheck as { test?: unknown; disable?: boolean } | undefined;
      expect(check?.test, name).toBeDefined();
      expect(check?.disable, name).not.toBe(true);
    }
  });

  it('turns clock control on only in the demo profile', () => {
    for (const [name, service] of services) {
      const env = service.environment ?? {};
      const demo = (service.profiles ?? []).includes('demo');
      if (env.ZEEBE_CLOCK_CONTROLLED !== undefined) expect(demo, `${name}: ZEEBE_CLOCK_CONTROLLED`).toBe(true);
      if (env.CLOCK_CONTROL === 'true') expect(demo, `${name}: CLOCK_CONTROL`).toBe(true);
      if (!demo && String(service.image).startsWith('camunda/')) expect(env.ZEEBE_CLOCK_CONTROLLED, name).toBeUndefined();
    }
    expect(compose.services['orchestration-demo']?.environment?.ZEEBE_CLOCK_CONTROLLED).toBe('true');
    expect(envFile.COMPOSE_PROFILES).toBe('production');
  });

  it('lets the job workers scale: no container name, no published port, one image with the API', () => {
    const workers = compose.services.workers as Record<string, unknown> & { environment: Record<string, string> };
    expect(workers.container_name).toBeUndefined();
    expect(workers.ports).toBeUndefined();
    expect(workers.environment.WORKERS_ONLY).toBe('true');
    expect(compose.services.api?.environment?.API_ONLY).toBe('true');
    for (const [name, service] of services) expect(service.container_name, name).toBeUndefined();
    expect(new Set(appServices.map(([, s]) => s.image)).size).toBe(1);
  });

  it('configures each app service with settings the app and the Zeebe adapter accept', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(['api', 'app-demo', 'workers']);
    for (const [name, service] of appServices) {
      const env = { ...(service.environment ?? {}) };
      if (env.MODE === 'production') {
        expect(env.JWT_SECRET, `${name} takes JWT_SECRET from .env`).toBe(envFile.JWT_SECRET);
        env.JWT_SECRET = 'a-secret-of-at-least-thirty-two-characters';
      }
      const config = loadConfig(env);
      expect(config.engine, name).toBe('zeebe');
      expect(config.host, name).toBe('0.0.0.0');
      const zeebe = loadZeebeConfig(env);
      expect(zeebe.grpcAddress).toBe('grpc://orchestration:26500');
      expect(zeebe.restAddress).toBe('http://orchestration:8080');
      // The role switch of scripts/server.ts (processRole): API_ONLY / WORKERS_ONLY, neither in the one-process demo.
      expect([env.API_ONLY, env.WORKERS_ONLY], name).toEqual(name === 'api' ? ['true', undefined] : name === 'workers' ? [undefined, 'true'] : [undefined, undefined]);
      const dependsOn = Object.keys((service.depends_on as Record<string, unknown>) ?? {});
      expect(dependsOn, name).toEqual(expect.arrayContaining(['mongodb', (service.profiles ?? []).includes('demo') ? 'orchestration-demo' : 'orchestration']));
    }
    // The demo broker answers to the same host name as the production one.
    expect(compose.services['orchestration-demo']?.networks).toEqual({ default: { aliases: ['orchestration'] } });
  });

  it('keeps the cluster APIs off the host network: only the app and Operate/Tasklist (on 127.0.0.1) are published', () => {
    for (const [name, service] of services) {
      const ports = (service.ports as string[] | undefined) ?? [];
      if (String(service.image).startsWith('camunda/')) expect(ports, name).toEqual([`127.0.0.1:${envFile.CAMUNDA_WEB_PORT}:8080`]);
      else if (String(service.image).startsWith('propflow:')) expect(ports.every((p) => p.endsWith(':3000')), name).toBe(true);
      else expect(ports, name).toEqual([]);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('is multi-stage (deps, web build, runtime) on the Node version pinned in .env', () => {
    expect(dockerfile).toContain(`ARG NODE_VERSION=${envFile.NODE_VERSION}`);
    expect([...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gm)].map((m) => m[2])).toEqual(['deps', 'web', 'runtime']);
    expect(dockerfile).toContain('RUN npm run build:web');
    expect(dockerfile).toContain('COPY --from=web /app/modeler/dist ./modeler/dist');
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('copies every source folder the server imports at run time', () => {
    for (const dir of ['api', 'domain', 'engine', 'workers', 'processes', 'scripts']) {
      expect(dockerfile, dir).toMatch(new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'));
    }
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['.env', 'node_modules', '.data', '.git']) expect(ignored, entry).toContain(entry);
  });
});
