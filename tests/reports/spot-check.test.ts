/**
 * GET /api/reports/spot-check (R-KPI-3): supervisors spot-check 30 % of the
 * week's dispatch sheets. The sample is seeded by the week: the same week
 * gives the same sample whoever asks and whenever, and it is the 30 %
 * (rounded up) with the smallest SHA-256 of `<week>:<order id>` — computed
 * here independently from the ids the test seeded.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';

import { useApiHarness, type Json } from '../api/harness.js';
import { seedOrders, type Seed } from './fixtures.js';

const h = useApiHarness();

// ISO week 2026-W47 is Monday 16 to Sunday 22 November 2026 (Asia/Shanghai).
const WEEK: Seed[] = Array.from({ length: 20 }, (_, i) => ({
  label: `w47-${i}`,
  reportedAt: `2026-11-${String(16 + (i % 7)).padStart(2, '0')}T${String(8 + (i % 10)).padStart(2, '0')}:15:00`,
  status: i % 3 === 0 ? 'closed' : 'scheduled',
  assignedUnitId: i % 2 ? 'U-A' : 'U-B',
  priority: 1 + (i % 4),
}));
const NOT_SHEETS: Seed[] = [
  { label: 'withdrawn', reportedAt: '2026-11-17T10:00:00', status: 'withdrawn' },
  { label: 'report-matter', reportedAt: '2026-11-18T10:00:00', status: 'closed', fields: { reportMatter: true } },
  { label: 'consultation', reportedAt: '2026-11-18T11:00:00', kind: 'consultation', status: 'closed' },
  { label: 'sunday-late', reportedAt: '2026-11-22T23:59:00' },
  { label: 'next-monday', reportedAt: '2026-11-23T00:00:00' },
  { label: 'previous-sunday', reportedAt: '2026-11-15T23:59:00' },
];

let ids = new Map<string, string>();

beforeAll(async () => {
  ids = await seedOrders(h.models, [...WEEK, ...NOT_SHEETS]);
});

function expectedSample(week: string, labels: string[]): string[] {
  const population = labels.map((l) => ids.get(l) ?? '');
  const size = Math.ceil(population.length * 0.3);
  return population
    .map((id) => ({ id, h: createHash('sha256').update(`${week}:${id}`).digest('hex') }))
    .sort((a, b) => (a.h < b.h ? -1 : 1))
    .slice(0, size)
    .map((x) => x.id)
    .sort();
}

describe('GET /api/reports/spot-check', () => {
  it('R-KPI-3: 30 % (rounded up) of the week\'s dispatch sheets, the sample seeded by the week', async () => {
    const r = await h.get('/api/reports/spot-check?week=2026-W47', { as: 'supervisor1' });
    expect(r.status).toBe(200);
    // 20 sheets + Sunday 23:59; not: withdrawn, report matter, consultation, the Mondays around it.
    expect(r.body.population).toBe(21);
    expect(r.body.sampleSize).toBe(7);
    expect(r.body.rate).toBe(0.3);
    expect(r.body.from).toBe('2026-11-15T16:00:00.000Z');
    expect(r.body.to).toBe('2026-11-22T16:00:00.000Z');
    const sample = (r.body.items as Json[]).map((i) => i.id as string).sort();
    expect(sample).toEqual(expectedSample('2026-W47', [...WEEK.map((s) => s.label), 'sunday-late']));
    for (const item of r.body.items as Json[]) expect(item).toMatchObject({ kind: 'repair', communityId: 'C001' });
  });

  it('R-KPI-3: reproducible — the same week gives the same sample to anyone, any time; another week another sample', async () => {
    const a = await h.get('/api/reports/spot-check?week=2026-W47', { as: 'supervisor1' });
    const b = await h.get('/api/reports/spot-check?week=2026-W47', { as: 'manager1' });
    expect(b.body.items).toEqual(a.body.items);
    const next = await h.get('/api/reports/spot-check?week=2026-W48', { as: 'manager1' });
    expect(next.body.population).toBe(1);
    expect(next.body.items.map((i: Json) => i.id)).toEqual([ids.get('next-monday')]);
  });

  it('refuses a week that does not exist and callers who do not spot-check', async () => {
    expect((await h.get('/api/reports/spot-check?week=2026-W54', { as: 'manager1' })).status).toBe(400);
    expect((await h.get('/api/reports/spot-check?week=2026-47', { as: 'manager1' })).status).toBe(400);
    expect((await h.get('/api/reports/spot-check?week=2026-W47', { as: 'unitA1' })).status).toBe(403);
  });
});
