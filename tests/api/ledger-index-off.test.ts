/**
 * LEDGER_INDEX=off: the ledger is answered from the database on every
 * request (countDocuments + a sorted find), as before the index existed —
 * for deployments where another process writes the same database.
 */
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../api/config.js';
import { LedgerIndex } from '../../api/work-orders/ledger-index.js';
import { MongoOrderStore } from '../../domain/services/order-store.js';
import { phoneRepair, residentRepair, useApiHarness } from './harness.js';

const h = useApiHarness({ env: { LEDGER_INDEX: 'off' } });

describe('LEDGER_INDEX', () => {
  it('is on by default; off / false / 0 turn it off; anything else is refused naming it', () => {
    expect(loadConfig({}).ledgerIndex).toBe(true);
    expect(loadConfig({ LEDGER_INDEX: 'on' }).ledgerIndex).toBe(true);
    for (const off of ['off', 'false', '0', 'no']) expect(loadConfig({ LEDGER_INDEX: off }).ledgerIndex).toBe(false);
    expect(() => loadConfig({ LEDGER_INDEX: 'sometimes' })).toThrow(ConfigError);
    try {
      loadConfig({ LEDGER_INDEX: 'sometimes' });
    } catch (err) {
      expect((err as ConfigError).problems.map((p) => p.variable)).toEqual(['LEDGER_INDEX']);
    }
  });

  it('off: every list and export is answered by the database, and sees every write', async () => {
    expect(h.config.ledgerIndex).toBe(false);
    const current = vi.spyOn(LedgerIndex.prototype, 'current');
    const count = vi.spyOn(h.models.WorkOrder, 'countDocuments');

    const a = await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    const b = await h.post('/api/work-orders', phoneRepair(), { as: 'dispatcher1' });
    expect([a.status, b.status]).toEqual([201, 201]);
    let list = await h.get('/api/work-orders', { as: 'dispatcher1' });
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([b.body.id, a.body.id]);

    await new MongoOrderStore(h.conn).update(a.body.id, { status: 'dispatched' });
    await h.models.WorkOrder.updateMany({}, { $set: { priority: 1 } });
    list = await h.get('/api/work-orders?status=dispatched', { as: 'dispatcher1' });
    expect(list.body).toMatchObject({ total: 1, items: [{ id: a.body.id, status: 'dispatched', priority: 1 }] });

    await h.models.WorkOrder.deleteOne({ _id: b.body.id });
    list = await h.get('/api/work-orders', { as: 'resident1' });
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([a.body.id]);
    const csv = await h.get('/api/work-orders/export', { as: 'finance1' });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(a.body.number);
    expect(csv.text).not.toContain(b.body.number);

    expect(count).toHaveBeenCalledTimes(3);
    expect(current).not.toHaveBeenCalled();
  });
});
