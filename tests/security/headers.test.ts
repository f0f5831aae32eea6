/**
 * Issue 6, security headers and methods: every answer (API and web app)
 * carries the headers that stop sniffing, framing and referrer leaks and the
 * content security policy; a method a path does not have is a 405 with
 * `Allow` and the contract's error body, not a 404.
 */
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.js';

const t = useTestServer();

describe('security headers', () => {
  it.each(['/api/health', '/api/openapi.json', '/api/work-orders', '/', '/no-such-page'])('%s', async (path) => {
    const res = await fetch(`${t.server.url}${path}`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(res.headers.get('x-powered-by')).toBeNull();
    await res.arrayBuffer();
  });

  it('API answers are not cached', async () => {
    const res = await fetch(`${t.server.url}/api/health`);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('405 for a method the path does not have', () => {
  it.each([
    ['DELETE', '/api/work-orders', 'GET, HEAD, POST'],
    ['PUT', '/api/auth/login', 'POST'],
    ['PATCH', '/api/clock', 'GET, HEAD, POST'],
    ['OPTIONS', '/api/tasks', 'GET, HEAD'],
    // Spelled out, not also /work-orders/:id (which has DELETE).
    ['DELETE', '/api/work-orders/export', 'GET, HEAD'],
  ])('%s %s → 405, Allow: %s', async (method, path, allow) => {
    const dispatcher = await t.server.as('dispatcher1');
    const res = await fetch(`${t.server.url}${path}`, { method, headers: { authorization: `Bearer ${dispatcher.token}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(allow.split(', ').sort());
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('an unknown path is still a 404', async () => {
    const res = await fetch(`${t.server.url}/api/no-such-thing`, { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
  });
});
