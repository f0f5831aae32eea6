/**
 * /api/fee-catalogue (维修项目收费标准, R-PAID-3): the seeded catalogue is read by
 * everyone signed in; only an admin adds or changes items; every bad field is
 * a 400 naming it, and a refused request changes nothing.
 */
import { describe, expect, it } from 'vitest';

import { DEFAULT_FEE_CATALOGUE } from '../../domain/fee-catalogue.js';
import { useApiHarness } from './harness.js';

const h = useApiHarness();

const newItem = { id: 'W-90', name: '更换洗衣机龙头 Replace a washing-machine tap', category: 'water', unit: '个', price: 25 };

describe('reading the catalogue', () => {
  it('R-PAID-3: the seeded catalogue has realistic items and prices, readable by a resident', async () => {
    const res = await h.get('/api/fee-catalogue', { as: 'resident1' });
    expect(res.status).toBe(200);
    expect(res.body.total).toBeGreaterThanOrEqual(DEFAULT_FEE_CATALOGUE.length);
    expect(res.body.items.find((i: { id: string }) => i.id === 'W-05')).toMatchObject({ name: '疏通马桶 Unblock a toilet', category: 'water', unit: '次', price: 80, active: true });
    const categories = new Set(res.body.items.map((i: { category: string }) => i.category));
    expect([...categories].sort()).toEqual(['cleaning', 'electric', 'greening', 'installation', 'water']);
  });

  it('filters by category and text; one item by id; 404 for an unknown id', async () => {
    const electric = await h.get('/api/fee-catalogue?category=electric', { as: 'dispatcher1' });
    expect(electric.body.items.length).toBeGreaterThan(3);
    expect(electric.body.items.every((i: { category: string }) => i.category === 'electric')).toBe(true);
    expect((await h.get(`/api/fee-catalogue?q=${encodeURIComponent('马桶')}`, { as: 'dispatcher1' })).body.items.map((i: { id: string }) => i.id)).toContain('W-05');
    expect((await h.get('/api/fee-catalogue/C-01', { as: 'unitA1' })).body).toMatchObject({ id: 'C-01', unit: '小时' });
    const missing = await h.get('/api/fee-catalogue/NOPE-1', { as: 'dispatcher1' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('FEE_ITEM_NOT_FOUND');
    expect((await h.get('/api/fee-catalogue?category=appliances', { as: 'dispatcher1' })).status).toBe(400);
  });

  it('401 without a token', async () => {
    expect((await h.get('/api/fee-catalogue')).status).toBe(401);
  });
});

describe('editing the catalogue (admin)', () => {
  it('an admin adds an item (201); the code is then taken (409)', async () => {
    const res = await h.post('/api/fee-catalogue', newItem, { as: 'admin1' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ ...newItem, active: true, version: 0, updatedBy: 'admin1' });
    const again = await h.post('/api/fee-catalogue', { ...newItem, price: 30 }, { as: 'admin1' });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual([{ path: 'id', message: 'is taken' }]);
    expect((await h.get('/api/fee-catalogue/W-90', { as: 'admin1' })).body.price).toBe(25);
  });

  it.each(['dispatcher1', 'supervisor1', 'finance1', 'resident1'])('403 for %s, nothing stored', async (user) => {
    const res = await h.post('/api/fee-catalogue', { ...newItem, id: 'W-91' }, { as: user });
    expect(res.status).toBe(403);
    expect((await h.get('/api/fee-catalogue/W-91', { as: 'admin1' })).status).toBe(404);
    const put = await h.call('PUT', '/api/fee-catalogue/W-05', { as: user, body: { name: 'x', category: 'water', unit: '次', price: 1, active: true } });
    expect(put.status).toBe(403);
  });

  it.each([
    ['a negative price', { price: -1 }, 'price'],
    ['more than two decimals', { price: 12.345 }, 'price'],
    ['an unknown category', { category: 'appliances' }, 'category'],
    ['a missing name', { name: '' }, 'name'],
    ['a bad code', { id: 'W 05/x' }, 'id'],
    ['an unknown field', { discount: 5 }, 'discount'],
  ])('400 for %s, naming the field', async (_what, change, path) => {
    const res = await h.post('/api/fee-catalogue', { ...newItem, id: 'W-92', ...change }, { as: 'admin1' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect((await h.get('/api/fee-catalogue/W-92', { as: 'admin1' })).status).toBe(404);
  });

  it('PUT replaces an item (version + 1); a stale version is a 409; an unknown id a 404; deactivated items leave the default list', async () => {
    const before = (await h.get('/api/fee-catalogue/E-01', { as: 'admin1' })).body;
    const body = { name: before.name, category: before.category, unit: before.unit, price: 18, note: '含拆旧 includes removal', active: true, version: before.version };
    const res = await h.call('PUT', '/api/fee-catalogue/E-01', { as: 'admin1', body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ price: 18, note: '含拆旧 includes removal', version: before.version + 1 });

    const stale = await h.call('PUT', '/api/fee-catalogue/E-01', { as: 'admin1', body: { ...body, price: 19 } });
    expect(stale.status).toBe(409);
    expect((await h.get('/api/fee-catalogue/E-01', { as: 'admin1' })).body.price).toBe(18);

    const bad = await h.call('PUT', '/api/fee-catalogue/E-01', { as: 'admin1', body: { ...body, version: undefined, price: 'cheap' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['price']);

    expect((await h.call('PUT', '/api/fee-catalogue/NOPE-1', { as: 'admin1', body: { ...body, version: undefined } })).status).toBe(404);

    await h.call('PUT', '/api/fee-catalogue/E-01', { as: 'admin1', body: { ...body, version: undefined, active: false } });
    expect((await h.get('/api/fee-catalogue', { as: 'dispatcher1' })).body.items.map((i: { id: string }) => i.id)).not.toContain('E-01');
    expect((await h.get('/api/fee-catalogue?active=all', { as: 'dispatcher1' })).body.items.map((i: { id: string }) => i.id)).toContain('E-01');
  });
});
