/**
 * GET /api/work-orders/export?format=csv, the ledger (台账): R-LED-1 names
 * and phones (also phones inside free text) masked for callers who may not
 * see them; R-LED-2 basic data, handling, return visit, photos and costs in
 * every row; R-LED-3 each row says how long it is kept (public facilities
 * permanently, the rest two years).
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { useApiHarness } from '../api/harness.js';
import { breached, met, seedOrders } from './fixtures.js';

const h = useApiHarness();

function parse(csv: string): Record<string, string>[] {
  const lines = csv.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  const cells = (line: string): string[] => {
    const out: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i += 1;
        } else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        out.push(cur);
        cur = '';
      } else cur += c;
    }
    out.push(cur);
    return out;
  };
  const [header, ...rows] = lines.map(cells);
  return rows.map((r) => Object.fromEntries((header ?? []).map((k, i) => [k, r[i] ?? ''])));
}

beforeAll(async () => {
  await seedOrders(h.models, [
    {
      label: 'shared',
      responsibility: 'shared',
      status: 'closed',
      reporter: { name: '张伟', phone: '13812345678' },
      description: '楼道灯不亮,回电 13812345678',
      assignedUnitId: 'U-A',
      technicianId: 'T-01',
      deadlines: [met('sign-off', '2026-11-20T10:08:00', '2026-11-20T10:02:00'), breached('arrival', '2026-11-20T11:00:00')],
      fields: { result: 'repaired', actualItem: '更换灯泡', fee: 0, satisfied: true, satisfaction: 4, returnVisitComment: '满意,有事打 13987654321', reworkCount: 0 },
    },
    {
      label: 'claim',
      kind: 'compensation',
      responsibility: 'owner',
      status: 'closed',
      reporter: { name: '李娜', phone: '13987654321' },
      fees: { settlement: { amount: 8000, memoNumber: 'HJ-1', contactSheetNumber: 'LXD-PF-1' } },
      fields: { negotiationOutcome: 'agreed' },
    },
  ]);
});

describe('ledger CSV export', () => {
  it('R-LED-2: basic data, handling, return visit, photos, costs and links in every row', async () => {
    const r = await h.get('/api/work-orders/export?format=csv', { as: 'dispatcher1' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toContain('work-orders.csv');
    const rows = parse(r.text);
    const shared = rows.find((x) => x.description?.startsWith('楼道灯'));
    expect(shared).toMatchObject({
      status: 'closed',
      assignedUnitId: 'U-A',
      technicianId: 'T-01',
      result: 'repaired',
      actualItem: '更换灯泡',
      fee: '0',
      satisfied: 'yes',
      rating: '4',
      reworkCount: '0',
      attachments: '0',
      breachedDeadlines: '1',
      deadlines: 'sign-off:met arrival:breached',
      reporterName: '张伟',
      reporterPhone: '13812345678',
      returnVisitComment: '满意,有事打 13987654321',
    });
    expect(rows.find((x) => x.kind === 'compensation')).toMatchObject({ result: 'agreed', settlement: '8000 HJ-1 LXD-PF-1' });
  });

  it('R-LED-1: for a caller who may not see them, names, phones and phones inside free text are masked', async () => {
    const r = await h.get('/api/work-orders/export', { as: 'finance1' });
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('13812345678');
    expect(r.text).not.toContain('13987654321');
    expect(r.text).not.toContain('张伟');
    const shared = parse(r.text).find((x) => x.description?.startsWith('楼道灯'));
    expect(shared).toMatchObject({ reporterName: '张*', reporterPhone: '138****5678', description: '楼道灯不亮,回电 138****5678', returnVisitComment: '满意,有事打 139****4321' });
  });

  it('R-LED-3: public-facility records are kept permanently, the rest two years from the report', async () => {
    const rows = parse((await h.get('/api/work-orders/export', { as: 'manager1' })).text);
    expect(rows.find((x) => x.responsibility === 'shared')?.retainUntil).toBe('permanent');
    expect(rows.find((x) => x.kind === 'compensation')?.retainUntil).toBe('2028-11-20');
  });
});
