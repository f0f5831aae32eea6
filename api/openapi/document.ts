/**
 * The OpenAPI 3.1 document, generated from the same endpoint list the app
 * mounts: paths, parameters, bodies and responses come from the zod schemas
 * (z.toJSONSchema; OpenAPI 3.1 uses JSON Schema 2020-12 as is).
 */
import { z } from 'zod';
import { errorSchema } from '../common-schemas.js';
import type { Endpoint } from '../http.js';

type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No content',
  400: 'Malformed or invalid input; details name each bad field',
  401: 'No or bad credentials',
  403: 'Authenticated but not allowed',
  404: 'Unknown id',
  409: 'The current state does not allow it',
  413: 'Body too large',
  415: 'Wrong content type',
  429: 'Rate limited',
  500: 'Unexpected error (logged)',
  503: 'A dependency is unavailable',
};

class SchemaCollector {
  readonly components: Record<string, Json> = {};

  /** JSON Schema of `schema`, with named sub-schemas moved to components. */
  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    const renames = new Map<string, string>();
    for (const [name, def] of Object.entries(defs)) {
      let target = name;
      const existing = this.components[target];
      if (existing && JSON.stringify(existing) !== JSON.stringify(def)) target = `${name}${io === 'input' ? 'Input' : 'Output'}`;
      renames.set(name, target);
    }
    const rewrite = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(rewrite);
      if (v && typeof v === 'object') {
        const out: Json = {};
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/')) {
            const name = x.slice('#/$defs/'.length);
            out[k] = `#/components/schemas/${renames.get(name) ?? name}`;
          } else out[k] = rewrite(x);
        }
        return out;
      }
      return v;
    };
    for (const [name, def] of Object.entries(defs)) this.components[renames.get(name) ?? name] = rewrite(def) as Json;
    return rewrite(json) as Json;
  }
}

function openApiPath(path: string): string {
  return '/api' + path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operationId(ep: Endpoint): string {
  const words = `${ep.method} ${ep.path}`
    .replace(/[:{}]/g, ' by ')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1))).join('');
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query', c: SchemaCollector): Json[] {
  if (!schema) return [];
  const json = c.convert(schema, 'input');
  const props = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' ? true : required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }));
}

export interface OpenApiInfo {
  title?: string;
  version?: string;
}

export function buildOpenApiDocument(endpoints: readonly Endpoint[], info: OpenApiInfo = {}): Json {
  const c = new SchemaCollector();
  c.convert(errorSchema, 'output'); // registers components.schemas.Error (the schema carries its id)
  const paths: Record<string, Record<string, Json>> = {};

  for (const ep of endpoints) {
    // 503 + Retry-After: back-pressure (api/errors.ts loadShedding) on every operation but health.
    const errorStatuses = new Set<number>([500, ...(ep.path === '/health' ? [] : [503]), ...(ep.errors ?? [])]);
    if (ep.body || ep.query || ep.params) errorStatuses.add(400);
    if (ep.access !== 'public') {
      errorStatuses.add(401);
      if (ep.access !== 'authenticated') errorStatuses.add(403);
    }
    if (ep.params) errorStatuses.add(404);
    if (ep.body) {
      errorStatuses.add(413);
      errorStatuses.add(415);
    }
    if (ep.path.startsWith('/tasks/') || ep.path.includes('/cancel') || ep.path === '/work-orders') errorStatuses.add(403);
    if (ep.path === '/clock') errorStatuses.add(404);

    const successStatus = ep.status ?? 200;
    const success: Json = { description: STATUS_TEXT[successStatus] ?? 'OK' };
    if (ep.produces) success.content = Object.fromEntries([ep.produces].flat().map((type) => [type, { schema: { type: 'string' } }]));
    else if (ep.response) success.content = { 'application/json': { schema: c.convert(ep.response, 'output') } };

    const responses: Record<string, Json> = { [String(successStatus)]: success };
    for (const status of [...errorStatuses].sort()) {
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }

    const op: Json = {
      operationId: operationId(ep),
      tags: [ep.tag],
      summary: ep.summary,
      ...(ep.description ? { description: ep.description } : {}),
      parameters: [...parametersOf(ep.params, 'path', c), ...parametersOf(ep.query, 'query', c)],
      responses,
      ...(ep.access === 'public' ? { security: [] } : {}),
      ...(Array.isArray(ep.access) ? { 'x-roles': ep.access } : {}),
    };
    if (ep.body) {
      op.requestBody = { required: true, content: { 'application/json': { schema: c.convert(ep.body, 'input') } } };
    } else if (ep.consumes === 'multipart/form-data') {
      op.requestBody = {
        required: true,
        content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } } },
      };
    }
    const p = openApiPath(ep.path);
    paths[p] ??= {};
    paths[p][ep.method] = op;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'PropFlow API',
      version: info.version ?? '1.0.0',
      description:
        'BPMN workflow platform for property-management repair, complaint and service procedures. ' +
        'Every 4xx/5xx answer has the body {error: {code, message, details}}; a rejected request changes nothing.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    tags: [...new Set(endpoints.map((e) => e.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'POST /api/auth/login returns the token' },
      },
      schemas: c.components,
    },
  };
}
