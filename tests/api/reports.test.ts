/** Reports: a first cut that answers, never 5xx (R-KPI-1..3). */
import { describe, expect, it } from 'vitest';
import { residentRepair, useApiHarness, type Json } from './harness.js';

const h = useApiHarness();

describe('GET /api/reports/kpi', () => {
  it('rows per group with the contract fields', async () => {
    await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    await h.post('/api/work-orders', residentRepair({ priority: 1 }), { as: 'resident1' });
    for (const groupBy of ['community', 'unit', 'kind', 'priority']) {
      const r = await h.get(`/api/reports/kpi?groupBy=${groupBy}&from=2026-11-01&to=2026-11-30`, { as: 'manager1' });
      expect(r.status, groupBy).toBe(200);
      expect(r.body.rows.length).toBeGreaterThan(0);
      for (const row of r.body.rows) {
        expect(Object.keys(row).sort()).toEqual(
          ['breachedDeadlines', 'firstTimeFixRate', 'key', 'reworkRate', 'satisfaction', 'timely', 'timelyRate', 'total'].sort(),
        );
      }
    }
    const byKind = await h.get('/api/reports/kpi?groupBy=kind', { as: 'supervisor1' });
    expect(byKind.body.rows.find((r: Json) => r.key === 'repair').total).toBe(2);
  });

  it('an empty range gives no rows; to before from → 400', async () => {
    expect((await h.get('/api/reports/kpi?from=2020-01-01&to=2020-01-31', { as: 'manager1' })).body.rows).toEqual([]);
    expect((await h.get('/api/reports/kpi?from=2026-12-01&to=2026-11-01', { as: 'manager1' })).status).toBe(400);
  });
});

describe('GET /api/reports/spot-check', () => {
  it('a reproducible 30 % sample of the week', async () => {
    for (let i = 0; i < 5; i++) await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    const a = await h.get('/api/reports/spot-check?week=2026-W48', { as: 'supervisor1' });
    expect(a.status).toBe(200);
    expect(a.body.population).toBeGreaterThanOrEqual(5);
    expect(a.body.sampleSize).toBe(Math.ceil(a.body.population * 0.3));
    expect(a.body.items).toHaveLength(a.body.sampleSize);
    const b = await h.get('/api/reports/spot-check?week=2026-W48', { as: 'manager1' });
    expect(b.body.items).toEqual(a.body.items);
    expect((await h.get('/api/reports/spot-check?week=2026-W01', { as: 'manager1' })).body.items).toEqual([]);
  });
});
