/** Login, bearer tokens, roles, public endpoints. */
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { describe, expect, it, vi } from 'vitest';
import { AuthService } from '../../api/auth/service.js';
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

  it('a user disabled while their token is in use (the user kept in memory) is refused at the next request; enabled again, accepted', async () => {
    const token = await h.token('unitB1');
    // Two requests: the second is served from the kept user.
    expect((await h.get('/api/auth/me', { token })).status).toBe(200);
    expect((await h.get('/api/auth/me', { token })).status).toBe(200);
    await h.models.User.updateOne({ username: 'unitB1' }, { $set: { active: false } });
    const refused = await h.get('/api/auth/me', { token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('INVALID_TOKEN');
    await h.models.User.updateOne({ username: 'unitB1' }, { $set: { active: true } });
    expect((await h.get('/api/auth/me', { token })).status).toBe(200);
  });

  it('changed roles count at the next request, also while the user is kept in memory', async () => {
    const token = await h.token('manager1');
    expect((await h.get('/api/auth/me', { token })).body.roles).toEqual(['manager']);
    await h.models.User.findOneAndUpdate({ username: 'manager1' }, { $set: { roles: ['manager', 'supervisor'] } });
    expect((await h.get('/api/auth/me', { token })).body.roles).toEqual(['manager', 'supervisor']);
    await h.models.User.updateOne({ username: 'manager1' }, { $set: { roles: ['manager'] } });
    expect((await h.get('/api/auth/me', { token })).body.roles).toEqual(['manager']);
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

describe('the user kept in memory per token (AuthService)', () => {
  const secret = 'a-test-secret-of-enough-length-0123456789';
  const requestWith = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as Request;
  const tokenOf = (sub: string, nowMs: number) =>
    jwt.sign({ sub, iat: Math.floor(nowMs / 1000), exp: Math.floor(nowMs / 1000) + 3600 }, secret, { issuer: 'propflow', algorithm: 'HS256' });

  it('is read once per 5 s; a change made around this process (raw collection write) counts after at most that; refusals are not kept', async () => {
    let nowMs = Date.UTC(2026, 10, 23, 2, 0, 0);
    const auth = new AuthService(h.conn, { jwtSecret: secret, tokenTtlSeconds: 3600, nowMs: () => nowMs });
    const reads = vi.spyOn(h.models.User, 'findById');
    const user = await h.models.User.findOne({ username: 'supervisor1' }).lean();
    const req = requestWith(tokenOf(user!._id, nowMs));

    expect((await auth.authenticate(req)).username).toBe('supervisor1');
    nowMs += 4_000;
    expect((await auth.authenticate(req)).roles).toEqual(['supervisor']);
    expect(reads).toHaveBeenCalledTimes(1);

    // Another process disables the user: not seen by this one's mongoose hooks.
    await h.models.User.collection.updateOne({ _id: user!._id as never }, { $set: { active: false } });
    nowMs += 900;
    expect((await auth.authenticate(req)).username).toBe('supervisor1');
    nowMs += 200; // 5.1 s after the read
    await expect(auth.authenticate(req)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(auth.authenticate(req)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    expect(reads).toHaveBeenCalledTimes(3);

    await h.models.User.collection.updateOne({ _id: user!._id as never }, { $set: { active: true } });
    expect((await auth.authenticate(req)).username).toBe('supervisor1');
    reads.mockRestore();
  });

  it('a user disabled through the model in this process is refused at once, even within the 5 s', async () => {
    const nowMs = Date.UTC(2026, 10, 23, 3, 0, 0);
    const auth = new AuthService(h.conn, { jwtSecret: secret, tokenTtlSeconds: 3600, nowMs: () => nowMs });
    const user = await h.models.User.findOne({ username: 'owner1' }).lean();
    const req = requestWith(tokenOf(user!._id, nowMs));
    expect((await auth.authenticate(req)).username).toBe('owner1');
    await h.models.User.updateOne({ _id: user!._id }, { $set: { active: false } });
    await expect(auth.authenticate(req)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await h.models.User.updateOne({ _id: user!._id }, { $set: { active: true } });
    expect((await auth.authenticate(req)).username).toBe('owner1');
  });

  it('requests that arrive together while the kept user has expired share one read (not one each: 78 reads in 20 s under load before)', async () => {
    let nowMs = Date.UTC(2026, 10, 23, 5, 0, 0);
    const auth = new AuthService(h.conn, { jwtSecret: secret, tokenTtlSeconds: 3600, nowMs: () => nowMs });
    const reads = vi.spyOn(h.models.User, 'findById');
    const user = await h.models.User.findOne({ username: 'dispatcher1' }).lean();
    const req = requestWith(tokenOf(user!._id, nowMs));
    const many = await Promise.all(Array.from({ length: 20 }, () => auth.authenticate(req)));
    expect(many.map((u) => u.username)).toEqual(Array(20).fill('dispatcher1'));
    expect(reads).toHaveBeenCalledTimes(1);
    nowMs += 5_001;
    const again = await Promise.all(Array.from({ length: 20 }, () => auth.authenticate(req)));
    expect(again.every((u) => u.username === 'dispatcher1')).toBe(true);
    expect(reads).toHaveBeenCalledTimes(2);
    // Each request still gets its own copy.
    again[0]!.roles.push('admin');
    expect(again[1]!.roles).toEqual(['dispatcher']);
    reads.mockRestore();
  });

  it('keeps at most userCacheSize users, and a changed user object does not change the kept one', async () => {
    const nowMs = Date.UTC(2026, 10, 23, 4, 0, 0);
    const auth = new AuthService(h.conn, { jwtSecret: secret, tokenTtlSeconds: 3600, nowMs: () => nowMs, userCacheSize: 2 });
    const reads = vi.spyOn(h.models.User, 'findById');
    const ids = await Promise.all(['resident1', 'resident2', 'dispatcher1'].map(async (u) => (await h.models.User.findOne({ username: u }).lean())!._id));
    for (const id of ids) await auth.authenticate(requestWith(tokenOf(id, nowMs)));
    expect(reads).toHaveBeenCalledTimes(3);
    // resident1 was the oldest: dropped; dispatcher1 is kept.
    await auth.authenticate(requestWith(tokenOf(ids[2]!, nowMs)));
    expect(reads).toHaveBeenCalledTimes(3);
    const first = await auth.authenticate(requestWith(tokenOf(ids[0]!, nowMs)));
    expect(reads).toHaveBeenCalledTimes(4);
    first.roles.push('admin');
    expect((await auth.authenticate(requestWith(tokenOf(ids[0]!, nowMs)))).roles).toEqual(['resident']);
    reads.mockRestore();
  });
});
