/**
 * GET /api/reports/kpi (R-KPI-1, R-KPI-2) over a seeded ledger whose every
 * figure is known: the expected rows come from a reference computation in
 * this file (written from the definitions, not from the service's code) and
 * the C001 row is spelled out by hand as well.
 *
 * Definitions: withdrawn orders and report matters are not cases; a case is
 * timely when no deadline is breached and none is overdue while open; rework
 * = dispatched again; first-time fix = fixed (resolved / closed by its own
 * procedure) without rework; satisfaction = mean final rating.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { useApiHarness, type Json } from '../api/harness.js';
import { NOW, breached, canceled, met, open, seedOrders, type Seed } from './fixtures.js';

const h = useApiHarness();

const SEEDS: Seed[] = [
  // C001
  { label: 'A', assignedUnitId: 'U-A', priority: 3, status: 'closed', deadlines: [met('sign-off', '2026-11-20T10:08:00', '2026-11-20T10:03:00'), met('feedback', '2026-11-24T10:00:00', '2026-11-20T15:00:00')], fields: { satisfaction: 5 } },
  { label: 'B', assignedUnitId: 'U-A', priority: 1, status: 'closed', deadlines: [breached('arrival', '2026-11-20T10:40:00'), met('feedback', '2026-11-24T10:00:00', '2026-11-21T09:00:00')], fields: { satisfaction: 3, reworkCount: 1 } },
  { label: 'C', assignedUnitId: 'U-B', priority: 2, status: 'resolved', deadlines: [met('sign-off', '2026-11-20T10:08:00', '2026-11-20T10:05:00'), canceled('contact-resident', '2026-11-20T11:00:00', '2026-11-20T10:30:00')] },
  { label: 'D', assignedUnitId: 'U-A', priority: 3, status: 'scheduled', deadlines: [open('arrival', '2026-11-23T12:00:00')] },
  { label: 'E', assignedUnitId: 'U-B', priority: 4, status: 'on-site', deadlines: [open('feedback', '2026-11-23T09:00:00')] },
  { label: 'I', assignedUnitId: 'U-A', priority: 3, status: 'closed', fields: { linkedProcedure: 'quality' } },
  // C002
  { label: 'F', communityId: 'C002', kind: 'quality', status: 'closed', deadlines: [met('confirm-defect', '2026-11-20T10:05:00', '2026-11-20T10:04:00')], fields: { qualityOutcome: 'owner-liable' } },
  {
    label: 'G', communityId: 'C002', assignedUnitId: 'U-C', kind: 'quality', status: 'closed',
    deadlines: [breached('confirm-defect', '2026-11-20T10:05:00'), breached('report-progress', '2026-11-21T10:00:00'), met('report-progress', '2026-11-22T10:00:00', '2026-11-22T09:00:00')],
    fields: { qualityOutcome: 'accepted', satisfaction: 4, reworkCount: 2 },
  },
  { label: 'H', communityId: 'C002', assignedUnitId: 'U-C', kind: 'compensation', status: 'rejected' },
  // not cases, or outside [2026-11-01, 2026-11-30]
  { label: 'J', status: 'withdrawn', deadlines: [breached('sign-off', '2026-11-20T10:08:00')] },
  { label: 'K', status: 'closed', fields: { reportMatter: true } },
  { label: 'L', reportedAt: '2026-10-31T23:00:00', deadlines: [breached('sign-off', '2026-10-31T23:08:00')] },
  { label: 'M', reportedAt: '2026-12-01T00:30:00', status: 'closed', fields: { satisfaction: 1 } },
];

/* ------------------------------------------------- reference computation */

interface Expected {
  key: string;
  total: number;
  timely: number;
  timelyRate: number | null;
  reworkRate: number | null;
  firstTimeFixRate: number | null;
  satisfaction: number | null;
  breachedDeadlines: number;
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

function reference(groupBy: 'community' | 'unit' | 'kind' | 'priority'): Expected[] {
  const inRange = SEEDS.filter((s) => {
    const day = (s.reportedAt ?? '2026-11-20T10:00:00').slice(0, 10);
    return day >= '2026-11-01' && day <= '2026-11-30';
  });
  const cases = inRange.filter((s) => s.status !== 'withdrawn' && s.fields?.['reportMatter'] !== true);
  const keyOf = (s: Seed): string =>
    groupBy === 'community' ? (s.communityId ?? 'C001')
    : groupBy === 'unit' ? (s.assignedUnitId ?? 'unassigned')
    : groupBy === 'kind' ? (s.kind ?? 'repair')
    : s.priority === undefined ? 'none' : String(s.priority);
  const keys = [...new Set(cases.map(keyOf))].sort();
  return keys.map((key) => {
    const group = cases.filter((s) => keyOf(s) === key);
    let timely = 0;
    let reworked = 0;
    let fixed = 0;
    let fixedFirstTime = 0;
    let breachedCount = 0;
    const scores: number[] = [];
    for (const s of group) {
      const deadlines = s.deadlines ?? [];
      const late = deadlines.some((d) => d.breached || (!d.metAt && !d.canceledAt && d.dueAt.getTime() < NOW.getTime()));
      if (!late) timely += 1;
      const rework = typeof s.fields?.['reworkCount'] === 'number' && s.fields['reworkCount'] > 0;
      if (rework) reworked += 1;
      const ended = s.status === 'resolved' || s.status === 'closed';
      const byItself = !s.fields?.['linkedProcedure'] && !['owner-liable', 'fund-refused'].includes(String(s.fields?.['qualityOutcome']));
      if (ended && byItself) {
        fixed += 1;
        if (!rework) fixedFirstTime += 1;
      }
      breachedCount += deadlines.filter((d) => d.breached).length;
      if (typeof s.fields?.['satisfaction'] === 'number') scores.push(s.fields['satisfaction']);
    }
    return {
      key,
      total: group.length,
      timely,
      timelyRate: round4(timely / group.length),
      reworkRate: round4(reworked / group.length),
      firstTimeFixRate: fixed ? round4(fixedFirstTime / fixed) : null,
      satisfaction: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100 : null,
      breachedDeadlines: breachedCount,
    };
  });
}

beforeAll(async () => {
  await seedOrders(h.models, SEEDS);
});

describe('GET /api/reports/kpi over a seeded ledger', () => {
  it('R-KPI-1: C001 by hand — 6 cases, 4 timely (one breached, one open deadline already overdue)', async () => {
    const r = await h.get('/api/reports/kpi?from=2026-11-01&to=2026-11-30&groupBy=community', { as: 'manager1' });
    expect(r.status).toBe(200);
    expect(r.body.rows.find((row: Json) => row.key === 'C001')).toEqual({
      key: 'C001',
      total: 6,
      timely: 4,
      timelyRate: 0.6667,
      reworkRate: 0.1667,
      firstTimeFixRate: 0.6667,
      satisfaction: 4,
      breachedDeadlines: 1,
    });
  });

  it.each(['community', 'unit', 'kind', 'priority'] as const)('R-KPI-1, R-KPI-2: grouped by %s, every row as the reference computes it', async (groupBy) => {
    const r = await h.get(`/api/reports/kpi?from=2026-11-01&to=2026-11-30&groupBy=${groupBy}`, { as: 'supervisor1' });
    expect(r.status).toBe(200);
    expect(r.body.rows).toEqual(reference(groupBy));
  });

  it('R-KPI-2: the summary over all cases and the targets (timely ≥ 98 %, rework ≤ 1 %)', async () => {
    const r = await h.get('/api/reports/kpi?from=2026-11-01&to=2026-11-30', { as: 'admin1' });
    expect(r.body.summary).toMatchObject({ key: 'all', total: 9, timely: 6, breachedDeadlines: 3, satisfaction: 4, reworkRate: 0.2222 });
    expect(r.body.targets).toEqual({ timelyRate: 0.98, reworkRate: 0.01 });
    expect(r.body.groupBy).toBe('community');
    expect(r.body.from).toBe('2026-10-31T16:00:00.000Z');
    expect(r.body.to).toBe('2026-11-30T16:00:00.000Z');
  });

  it('the range is the report time: a day ends at local midnight; a date-time bound is exact', async () => {
    const december = await h.get('/api/reports/kpi?from=2026-12-01&to=2026-12-01&groupBy=kind', { as: 'manager1' });
    expect(december.body.rows).toEqual([expect.objectContaining({ key: 'repair', total: 1, satisfaction: 1 })]);
    const october = await h.get(`/api/reports/kpi?from=${encodeURIComponent('2026-10-31T22:59:59+08:00')}&to=${encodeURIComponent('2026-10-31T23:00:01+08:00')}`, { as: 'manager1' });
    expect(october.body.rows).toEqual([expect.objectContaining({ key: 'C001', total: 1, timely: 0, breachedDeadlines: 1 })]);
  });

  it('refuses a bad range, a bad groupBy, and callers who do not read KPIs', async () => {
    expect((await h.get('/api/reports/kpi?from=2026-12-01&to=2026-11-01', { as: 'manager1' })).status).toBe(400);
    expect((await h.get('/api/reports/kpi?groupBy=resident', { as: 'manager1' })).status).toBe(400);
    expect((await h.get('/api/reports/kpi', { as: 'dispatcher1' })).status).toBe(403);
  });
});
