/**
 * GET /api/reports/breaching-soon?within=PT1H: the open deadlines of running
 * orders that fall due within the window, soonest first, those already
 * overdue (not yet recorded as breached) first and marked; a unit member
 * sees only the orders dispatched to their unit.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { useApiHarness, type Json } from '../api/harness.js';
import { breached, canceled, met, open, seedOrders, type Seed } from './fixtures.js';

const h = useApiHarness();

// The harness clock: 2026-11-23 10:00 Shanghai.
const SEEDS: Seed[] = [
  { label: 'in-30m', assignedUnitId: 'U-A', status: 'signed', deadlines: [open('contact-resident', '2026-11-23T10:30:00')] },
  { label: 'in-59m', assignedUnitId: 'U-B', status: 'scheduled', deadlines: [open('arrival', '2026-11-23T10:59:00'), met('sign-off', '2026-11-23T10:08:00', '2026-11-23T09:59:00')] },
  { label: 'in-61m', assignedUnitId: 'U-A', status: 'dispatched', deadlines: [open('sign-off', '2026-11-23T11:01:00')] },
  { label: 'overdue', assignedUnitId: 'U-A', status: 'on-site', kind: 'quality', deadlines: [open('report-progress', '2026-11-23T09:50:00')] },
  { label: 'done', assignedUnitId: 'U-A', status: 'signed', deadlines: [met('contact-resident', '2026-11-23T10:10:00', '2026-11-23T09:55:00'), breached('arrival', '2026-11-23T10:20:00'), canceled('x', '2026-11-23T10:20:00', '2026-11-23T09:00:00')] },
  { label: 'closed', assignedUnitId: 'U-A', status: 'closed', deadlines: [open('return-visit', '2026-11-23T10:15:00')] },
];

let ids = new Map<string, string>();

beforeAll(async () => {
  ids = await seedOrders(h.models, SEEDS);
});

const labels = (items: Json[]): string[] => items.map((i) => [...ids.entries()].find(([, id]) => id === i.workOrderId)?.[0] ?? '?');

describe('GET /api/reports/breaching-soon', () => {
  it('within the next hour: overdue first, then soonest; met, breached, canceled deadlines and ended orders left out', async () => {
    const r = await h.get('/api/reports/breaching-soon?within=PT1H', { as: 'dispatcher1' });
    expect(r.status).toBe(200);
    expect(labels(r.body.items)).toEqual(['overdue', 'in-30m', 'in-59m']);
    expect(r.body.items[0]).toMatchObject({ deadline: 'report-progress', overdue: true, minutesLeft: -10, kind: 'quality' });
    expect(r.body.items[1]).toMatchObject({ deadline: 'contact-resident', overdue: false, minutesLeft: 30, dueAt: '2026-11-23T02:30:00.000Z' });
    expect(r.body).toMatchObject({ now: '2026-11-23T02:00:00.000Z', within: 'PT1H', until: '2026-11-23T03:00:00.000Z' });
  });

  it('the window is the caller\'s; PT1H by default; a unit member sees their unit\'s orders only', async () => {
    expect(labels((await h.get('/api/reports/breaching-soon?within=PT2H', { as: 'supervisor1' })).body.items)).toEqual(['overdue', 'in-30m', 'in-59m', 'in-61m']);
    expect(labels((await h.get('/api/reports/breaching-soon', { as: 'manager1' })).body.items)).toEqual(['overdue', 'in-30m', 'in-59m']);
    expect(labels((await h.get('/api/reports/breaching-soon?within=PT2H', { as: 'unitA1' })).body.items)).toEqual(['overdue', 'in-30m', 'in-61m']);
    expect(labels((await h.get('/api/reports/breaching-soon?within=PT2H', { as: 'unitB1' })).body.items)).toEqual(['in-59m']);
  });

  it('refuses windows that are not positive ISO durations up to 31 days, and callers outside operations', async () => {
    for (const within of ['1h', 'P1Y', 'PT0S', '-PT1H', 'P32D']) {
      const r = await h.get(`/api/reports/breaching-soon?within=${encodeURIComponent(within)}`, { as: 'dispatcher1' });
      expect(r.status, within).toBe(400);
      expect(r.body.error.details[0].path).toContain('within');
    }
    expect((await h.get('/api/reports/breaching-soon', { as: 'resident1' })).status).toBe(403);
    expect((await h.get('/api/reports/breaching-soon', { as: 'finance1' })).status).toBe(403);
  });
});
