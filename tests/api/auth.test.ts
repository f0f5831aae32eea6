/** Login, bearer tokens, roles, public endpoints. */
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { useApiHarness } from './harness.js';

const h = useApiHarness();

describe('POST /api/auth/login', () => {
  it('returns a bearer token and the user for the right password', async () => {
    const r = await h.post('/api/auth/login', { username: 'unitA1', password: 'demo' });
    expect(r.status).toBe(200);
    expect(typeof r.body.token).toBe('string');
    expect(r.body.user).toMatchObject({ username: 'unitA1', roles: ['unit'], communities: ['C001'], unitId: 'U-A' });
    expect(r.body.user.groups).toEqual(['unit', 'unit:U-A']);
    expect(typeof r.body.user.id).toBe('string');
    expect(typeof r.body.user.name).toBe('string');
    expect(r.body.user.passwordHash).toBeUndefined();
    const me = await h.get('/api/auth/me', { token: r.body.token });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('unitA1');
  });

  it('every demo user can log in with password demo', async () => {
    for (const u of ['resident1', 'resident2', 'dispatcher1', 'unitA1', 'unitB1', 'tech1', 'supervisor1', 'manager1', 'finance1', 'owner1', 'admin1']) {
      const r = await h.post('/api/auth/login', { username: u, password: 'demo' });
      expect(r.status, u).toBe(200);
    }
  });

  it('wrong password or unknown user → 401 with the error body', async () => {
    for (const body of [
      { username: 'unitA1', password: 'wrong' },
      { username: 'nobody', password: 'demo' },
    ]) {
      const r = await h.post('/api/auth/login', body);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('BAD_CREDENTIALS');
    }
  });

  it('missing fields → 400 naming each field', async () => {
    const r = await h.post('/api/auth/login', {});
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['password', 'username']);
  });

  it('repeated failures for one user → 429', async () => {
    let last = 0;
    for (let i = 0; i < 12; i++) last = (await h.post('/api/auth/login', { username: 'finance1', password: `guess${i}` })).status;
    expect(last).toBe(429);
    const blocked = await h.post('/api/auth/login', { username: 'finance1', password: 'demo' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
  });
});

describe('bearer tokens', () => {
  it('no token, a malformed header, a forged or expired token → 401', async () => {
    expect((await h.get('/api/work-orders')).status).toBe(401);
    expect((await h.get('/api/work-orders', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    const forged = jwt.sign({ sub: 'u-admin1' }, 'not-the-secret'.repeat(3), { issuer: 'propflow' });
    const r = await h.get('/api/work-orders', { token: forged });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('INVALID_TOKEN');
    const expired = jwt.sign({ sub: 'u-admin1', iat: 1000, exp: 2000 }, h.config.jwtSecret, { issuer: 'propflow' });
    const e = await h.get('/api/work-orders', { token: expired });
    expect(e.status).toBe(401);
    expect(e.body.error.code).toBe('TOKEN_EXPIRED');
  });

  it('a token of a user that was disabled stops working', async () => {
    const token = await h.token('tech1');
    await h.models.User.updateOne({ username: 'tech1' }, { $set: { active: false } });
    expect((await h.get('/api/auth/me', { token })).status).toBe(401);
    await h.models.User.updateOne({ username: 'tech1' }, { $set: { active: true } });
    expect((await h.get('/api/auth/me', { token })).status).toBe(200);
  });

  it('health and openapi need no token', async () => {
    const health = await h.get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', engine: 'embedded', db: 'ok' });
    expect((await h.get('/api/openapi.json')).status).toBe(200);
  });

  it('GET /api/roles lists the nine roles', async () => {
    const r = await h.get('/api/roles', { as: 'resident1' });
    expect(r.body.roles.map((x: { role: string }) => x.role)).toEqual([
      'resident', 'dispatcher', 'unit', 'technician', 'supervisor', 'manager', 'finance', 'process-owner', 'admin',
    ]);
  });
});
