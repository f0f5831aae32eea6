/**
 * The error middleware maps every domain error, engine error and body-parser
 * failure to its status and the contract's body — one row per status, so a
 * mapper that turns one status into another cannot pass unseen (style.md 8).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Conflict,
  errorMiddleware,
  Forbidden,
  NotFound,
  notFoundMiddleware,
  PayloadTooLarge,
  RateLimited,
  ServiceUnavailable,
  Unauthorized,
  UnsupportedMediaType,
  ValidationError,
} from '../../api/errors.js';
import { createLogger, type LogEntry } from '../../api/logger.js';
import { EngineError } from '../../engine/port.js';

const logs: LogEntry[] = [];
let server: Server;
let url: string;

const throwers: Record<string, () => unknown> = {
  validation: () => new ValidationError('bad', [{ path: 'a.b', message: 'is required' }]),
  unauthorized: () => new Unauthorized(),
  forbidden: () => new Forbidden(),
  notFound: () => new NotFound(),
  conflict: () => new Conflict('state forbids it'),
  tooLarge: () => new PayloadTooLarge(),
  mediaType: () => new UnsupportedMediaType(),
  rateLimited: () => new RateLimited('slow down', 30),
  unavailable: () => new ServiceUnavailable(),
  engineNotFound: () => new EngineError('NOT_FOUND', 'no such instance'),
  engineConflict: () => new EngineError('CONFLICT', 'task already completed'),
  engineInvalid: () => new EngineError('INVALID', 'bad model', [{ path: 'repair.bpmn', message: 'unreadable' }]),
  engineUnavailable: () => new EngineError('UNAVAILABLE', 'gateway down'),
  unexpected: () => new TypeError('cannot read properties of undefined (secret internals at /srv/app.js:12)'),
  httpClientError: () => Object.assign(new URIError("Failed to decode param '%E0%A4%A'"), { status: 400 }),
};

beforeAll(async () => {
  const app = express();
  app.use(express.json({ limit: '1kb' }));
  for (const [name, make] of Object.entries(throwers)) {
    app.post(`/throw/${name}`, () => {
      throw make();
    });
    app.get(`/throw/${name}`, async () => {
      throw make();
    });
  }
  app.use(notFoundMiddleware);
  app.use(errorMiddleware(createLogger({ level: 'debug', sink: (e) => logs.push(e) })));
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('error mapping: every status in one table', () => {
  const table: [string, number, string][] = [
    ['validation', 400, 'VALIDATION_FAILED'],
    ['unauthorized', 401, 'UNAUTHORIZED'],
    ['forbidden', 403, 'FORBIDDEN'],
    ['notFound', 404, 'NOT_FOUND'],
    ['conflict', 409, 'CONFLICT'],
    ['tooLarge', 413, 'PAYLOAD_TOO_LARGE'],
    ['mediaType', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['rateLimited', 429, 'RATE_LIMITED'],
    ['unavailable', 503, 'SERVICE_UNAVAILABLE'],
    ['engineNotFound', 404, 'ENGINE_NOT_FOUND'],
    ['engineConflict', 409, 'ENGINE_CONFLICT'],
    ['engineInvalid', 400, 'ENGINE_INVALID'],
    ['engineUnavailable', 503, 'ENGINE_UNAVAILABLE'],
    ['httpClientError', 400, 'BAD_REQUEST'],
    ['unexpected', 500, 'INTERNAL_ERROR'],
  ];

  it.each(table)('%s → %i %s', async (name, status, code) => {
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${url}/throw/${name}`, { method });
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as { error: { code: string; message: string; details: unknown[] } };
      expect(body.error.code).toBe(code);
      expect(typeof body.error.message).toBe('string');
      expect(Array.isArray(body.error.details)).toBe(true);
    }
  });

  it('400 lists each bad field as {path, message}', async () => {
    const body = (await (await fetch(`${url}/throw/validation`)).json()) as { error: { details: unknown[] } };
    expect(body.error.details).toEqual([{ path: 'a.b', message: 'is required' }]);
  });

  it('429 says when to retry', async () => {
    const res = await fetch(`${url}/throw/rateLimited`);
    expect(res.headers.get('retry-after')).toBe('30');
  });

  it('500 hides internals from the client but logs them', async () => {
    const res = await fetch(`${url}/throw/unexpected`);
    const text = await res.text();
    expect(text).not.toContain('/srv/app.js');
    expect(text).not.toContain('TypeError');
    expect(logs.some((l) => l.level === 'error' && JSON.stringify(l).includes('/srv/app.js'))).toBe(true);
  });

  it('body-parser failures: malformed JSON → 400, too large → 413, bad charset → 415', async () => {
    const malformed = await fetch(`${url}/throw/forbidden`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('MALFORMED_JSON');

    const large = await fetch(`${url}/throw/forbidden`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 'x'.repeat(5000) }),
    });
    expect(large.status).toBe(413);

    const charset = await fetch(`${url}/throw/forbidden`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=latin-9' },
      body: '{}',
    });
    expect(charset.status).toBe(415);
  });

  it('a URL that does not decode → 400, not 500', async () => {
    const res = await fetch(`${url}/throw/%E0%A4%A`);
    expect([400, 404]).toContain(res.status);
  });

  it('unknown route → 404 with the error body', async () => {
    const res = await fetch(`${url}/nowhere`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
  });
});
