/**
 * Issue 6, bad input and secrets: NoSQL operators in any field, oversized
 * bodies and uploads, wrong content types and path tricks in upload names are
 * refused with the contract's error body (naming the field where there is
 * one) and change nothing; passwords are stored as bcrypt hashes.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/db.js';
import { countAll, residentRepair, useApiHarness } from '../api/harness.js';

const h = useApiHarness();

const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201d4a3f8a40000000049454e44ae426082', 'hex');

async function upload(name: string, data: Buffer = png, type = 'image/png') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)], { type }), name);
  const res = await fetch(`${h.url}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${await h.token('resident1')}` }, body: form });
  return { status: res.status, body: (await res.json()) as { id?: string; fileName?: string; error?: { code: string } } };
}

describe('NoSQL injection', () => {
  it('login with an operator instead of a name or password is 400 naming the field, never a token', async () => {
    for (const body of [{ username: { $gt: '' }, password: 'demo' }, { username: 'admin1', password: { $ne: 'x' } }, { username: { $regex: '.*' }, password: { $gt: '' } }]) {
      const r = await h.post('/api/auth/login', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.token).toBeUndefined();
      expect(r.body.error.details.length).toBeGreaterThan(0);
    }
  });

  it('an operator in any field of a new order is 400 naming that field; no order is created', async () => {
    const before = await countAll(h.models);
    for (const field of ['kind', 'communityId', 'address', 'description', 'faultType', 'priority', 'channel', 'reporter']) {
      const r = await h.post('/api/work-orders', residentRepair({ [field]: { $gt: '' } }), { as: 'dispatcher1' });
      expect(r.status, field).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.details.map((d: { path: string }) => d.path.split('.')[0]), field).toContain(field);
    }
    expect(await countAll(h.models)).toEqual(before);
  });

  it('operators in query parameters are refused or taken as text, never as a query: a resident still sees only their own orders', async () => {
    await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    for (const query of ['status[$ne]=x', 'q[$regex]=.*', 'communityId[$gt]=', 'kind[$in][]=repair']) {
      const r = await h.get(`/api/work-orders?${query}`, { as: 'resident2' });
      if (r.status === 200) expect(r.body.items, query).toEqual([]);
      else {
        expect(r.status, query).toBe(400);
        expect(r.body.error.code).toBeDefined();
      }
    }
  });
});

describe('sizes and content types', () => {
  it('a JSON body over the limit is 413; a body that is not JSON is 415; broken JSON is 400 — with the error body, nothing created', async () => {
    const before = await countAll(h.models);
    const big = await h.call('POST', '/api/work-orders', { as: 'dispatcher1', raw: JSON.stringify(residentRepair({ description: 'x'.repeat(2 * 1024 * 1024) })), contentType: 'application/json' });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBeDefined();
    const form = await h.call('POST', '/api/work-orders', { as: 'dispatcher1', raw: 'kind=repair', contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const xml = await h.call('POST', '/api/work-orders', { as: 'dispatcher1', raw: '<kind>repair</kind>', contentType: 'text/xml' });
    expect(xml.status).toBe(415);
    const broken = await h.call('POST', '/api/work-orders', { as: 'dispatcher1', raw: '{"kind": "repair",', contentType: 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBeDefined();
    expect(await countAll(h.models)).toEqual(before);
  });

  it('an upload over 5 MiB is 413, a file whose bytes are not an image is 415', async () => {
    const tooBig = await upload('big.png', Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)]));
    expect(tooBig.status).toBe(413);
    const script = await upload('photo.png', Buffer.from('<script>alert(1)</script>'), 'image/png');
    expect(script.status).toBe(415);
  });
});

describe('path tricks in upload names', () => {
  it('a name like ../../etc/passwd is only a label: stored in the database, never a path; read back under its id with a safe header', async () => {
    const before = await readdir(repoRoot);
    const r = await upload('../../../etc/passwd.png');
    expect(r.status).toBe(201);
    expect(r.body.id).toMatch(/^[0-9a-f]{24}$/);
    const read = await fetch(`${h.url}/api/uploads/${r.body.id}`, { headers: { authorization: `Bearer ${await h.token('resident1')}` } });
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toBe('image/png');
    const disposition = read.headers.get('content-disposition') ?? '';
    expect(disposition).not.toContain('../');
    expect(disposition).not.toContain('"../');
    expect(Buffer.from(await read.arrayBuffer()).equals(png)).toBe(true);
    expect(await readdir(repoRoot)).toEqual(before);
    for (const id of ['..%2F..%2Fetc%2Fpasswd', '....//....//etc', '%2e%2e%2f']) {
      const res = await fetch(`${h.url}/api/uploads/${id}`, { headers: { authorization: `Bearer ${await h.token('resident1')}` } });
      expect([400, 404], id).toContain(res.status);
    }
  });
});

describe('passwords', () => {
  it('are stored as bcrypt hashes, never as given', async () => {
    const users = await h.models.User.find({}).lean();
    expect(users.length).toBeGreaterThanOrEqual(11);
    for (const u of users) {
      expect(u.passwordHash, u.username).toMatch(/^\$2[aby]\$\d{2}\$/);
      expect(JSON.stringify(u)).not.toContain('"demo"');
    }
  });
});
