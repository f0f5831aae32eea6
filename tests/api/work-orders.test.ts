/** /api/work-orders: create (and start the process), ledger, scoping, masking, cancel (R-WO-1, R-LED-1). */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../engine/port.js';
import { countAll, phoneRepair, residentRepair, useApiHarness, useRealEngine, type Json } from './harness.js';

const h = useApiHarness();

const paths = (r: Json): string[] => r.body.error.details.map((d: { path: string }) => d.path);

describe('POST /api/work-orders', () => {
  it('a resident reports a repair for their own flat: 201, number, process started with the contract variables', async () => {
    const r = await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'repair', status: 'reported', communityId: 'C001', channel: 'app', reportedBy: 'resident1' });
    expect(r.body.number).toMatch(/^BX-\d{8}-\d{4}$/);
    expect(typeof r.body.id).toBe('string');
    expect(typeof r.body.processInstanceKey).toBe('string');
    // The resident's own name and phone fill in the reporter.
    expect(r.body.reporter).toEqual({ name: '张伟', phone: '13812345678' });

    const instance = await h.get(`/api/process-instances/${r.body.processInstanceKey}`, { as: 'manager1' });
    expect(instance.status).toBe(200);
    expect(instance.body.bpmnProcessId).toBe('repair');
    expect(instance.body.variables).toMatchObject({
      workOrderId: r.body.id,
      orderNumber: r.body.number,
      communityId: 'C001',
      kind: 'repair',
      priority: 3,
      faultType: 'plumbing',
      symptom: 'dripping',
      part: 'kitchen tap',
      channel: 'app',
      reportedBy: 'resident1',
      reporterUserId: 'u-resident1',
      firstUnitId: 'U-A',
      secondUnitId: 'U-B',
    });
    // Personal data stays out of the engine.
    expect(JSON.stringify(instance.body.variables)).not.toContain('13812345678');
  });

  it('numbers are unique and consecutive per kind and day', async () => {
    const a = await h.post('/api/work-orders', phoneRepair(), { as: 'dispatcher1' });
    const b = await h.post('/api/work-orders', phoneRepair(), { as: 'dispatcher1' });
    expect(a.status).toBe(201);
    const seq = (n: string) => Number(n.slice(-4));
    expect(seq(b.body.number)).toBe(seq(a.body.number) + 1);
    expect(b.body.number.slice(0, 12)).toBe(a.body.number.slice(0, 12));
  });

  it('a resident may not report for another flat: 403, nothing stored', async () => {
    const before = await countAll(h.models);
    const r = await h.post('/api/work-orders', residentRepair({ address: '2栋3单元502' }), { as: 'resident1' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('NOT_OWN_FLAT');
    expect(await countAll(h.models)).toEqual(before);
  });

  it('invalid input → 400 naming every bad field, nothing stored', async () => {
    const before = await countAll(h.models);
    const cases: [Record<string, unknown>, string[]][] = [
      [{}, ['kind']],
      [{ ...phoneRepair(), kind: 'teleport' }, ['kind']],
      [{ kind: 'repair', communityId: 'C001', address: 'x', description: 'y', reporter: { name: 'a', phone: '13800000000' } }, ['faultType', 'symptom', 'part']],
      [phoneRepair({ priority: 7 }), ['priority']],
      [phoneRepair({ priority: 'high' }), ['priority']],
      [phoneRepair({ reporter: { name: '', phone: 'call me' } }), ['reporter.name', 'reporter.phone']],
      [phoneRepair({ channel: 'pigeon', desiredTime: 'tomorrow' }), ['channel', 'desiredTime']],
      [{ ...phoneRepair(), kind: 'compensation' }, ['claimAmount']],
      [phoneRepair({ description: '' }), ['description']],
      [phoneRepair({ communityId: 'C999' }), ['communityId']],
      [phoneRepair({ reporter: undefined }), ['reporter']],
      [phoneRepair({ attachments: 'photo.jpg' }), ['attachments']],
    ];
    for (const [body, expected] of cases) {
      const r = await h.post('/api/work-orders', body, { as: 'dispatcher1' });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toMatch(/VALIDATION_FAILED/);
      for (const p of expected) expect(paths(r), JSON.stringify(r.body)).toContain(p);
    }
    expect(await countAll(h.models)).toEqual(before);
  });

  it('malformed JSON → 400, a non-JSON body → 415, nothing stored', async () => {
    const before = await countAll(h.models);
    const bad = await h.call('POST', '/api/work-orders', { as: 'dispatcher1', raw: '{"kind": "repair",', contentType: 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('MALFORMED_JSON');
    const text = await h.call('POST', '/api/work-orders', { as: 'dispatcher1', raw: 'kind=repair', contentType: 'application/x-www-form-urlencoded' });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const none = await h.call('POST', '/api/work-orders', { as: 'dispatcher1', raw: '{}' });
    expect(none.status).toBe(415);
    const huge = await h.post('/api/work-orders', phoneRepair({ description: 'x'.repeat(2_000_000) }), { as: 'dispatcher1' });
    expect(huge.status).toBe(413);
    expect(await countAll(h.models)).toEqual(before);
  });

  it('a kind whose model is not deployed → 409 PROCESS_NOT_DEPLOYED, nothing stored', async () => {
    const before = await countAll(h.models);
    const r = await h.post('/api/work-orders', { ...phoneRepair(), kind: 'complaint' }, { as: 'dispatcher1' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('PROCESS_NOT_DEPLOYED');
    expect(await countAll(h.models)).toEqual(before);
  });

  it.skipIf(useRealEngine)('the engine failing to start the instance leaves nothing behind', async () => {
    const before = await countAll(h.models);
    h.fake!.failNextStart = new EngineError('UNAVAILABLE', 'gateway down');
    const r = await h.post('/api/work-orders', phoneRepair(), { as: 'dispatcher1' });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('ENGINE_UNAVAILABLE');
    h.fake!.failNextStart = new EngineError('NOT_FOUND', 'no process repair');
    expect((await h.post('/api/work-orders', phoneRepair(), { as: 'dispatcher1' })).status).toBe(409);
    expect(await countAll(h.models)).toEqual(before);
  });
});

describe('GET /api/work-orders and /:id', () => {
  it('a resident sees only their own orders; staff see all', async () => {
    const mine = await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    const theirs = await h.post('/api/work-orders', residentRepair({ address: '2栋3单元502' }), { as: 'resident2' });
    expect(theirs.status).toBe(201);

    const r1 = await h.get('/api/work-orders?limit=500', { as: 'resident1' });
    const ids1 = r1.body.items.map((o: Json) => o.id);
    expect(ids1).toContain(mine.body.id);
    expect(ids1).not.toContain(theirs.body.id);
    expect(r1.body.items.every((o: Json) => o.reporterUserId === 'u-resident1')).toBe(true);
    expect(r1.body.total).toBe(r1.body.items.length);

    const staff = await h.get('/api/work-orders?limit=500', { as: 'dispatcher1' });
    expect(staff.body.items.map((o: Json) => o.id)).toEqual(expect.arrayContaining([mine.body.id, theirs.body.id]));
  });

  it("resident2 cannot read resident1's order (404); resident1 can, with deadlines and timeline", async () => {
    const order = await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    const other = await h.get(`/api/work-orders/${order.body.id}`, { as: 'resident2' });
    expect(other.status).toBe(404);
    const own = await h.get(`/api/work-orders/${order.body.id}`, { as: 'resident1' });
    expect(own.status).toBe(200);
    expect(own.body).toHaveProperty('deadlines');
    expect(own.body).toHaveProperty('fees');
    expect(own.body).toHaveProperty('rating');
    expect(own.body.timeline[0]).toMatchObject({ type: 'reported', actor: 'resident1' });
    for (const t of own.body.timeline) expect(Object.keys(t).sort()).toEqual(['actor', 'at', 'elementId', 'note', 'type']);
    // The sign-off task is open with its deadline (R-REP-1).
    const signOff = own.body.deadlines.find((d: Json) => d.name === 'sign-off');
    expect(signOff).toMatchObject({ metAt: null, breached: false });
    expect(Date.parse(signOff.dueAt)).toBeGreaterThan(Date.parse(own.body.reportedAt));
  });

  it('unknown or malformed ids → 404', async () => {
    expect((await h.get('/api/work-orders/65f000000000000000000000', { as: 'dispatcher1' })).status).toBe(404);
    expect((await h.get('/api/work-orders/not-an-id', { as: 'dispatcher1' })).status).toBe(404);
  });

  it('filters: status, kind, communityId, priority, q, from/to; bad filters → 400 naming them', async () => {
    const o = await h.post('/api/work-orders', phoneRepair({ priority: 1, symptom: 'sparks from the socket' }), { as: 'dispatcher1' });
    const q = await h.get('/api/work-orders?q=SPARKS&priority=1&status=reported,dispatched&kind=repair&communityId=C001', { as: 'dispatcher1' });
    expect(q.status).toBe(200);
    expect(q.body.items.map((x: Json) => x.id)).toContain(o.body.id);
    expect(q.body.items.every((x: Json) => x.priority === 1)).toBe(true);
    const none = await h.get('/api/work-orders?q=SPARKS&status=closed', { as: 'dispatcher1' });
    expect(none.body.items).toEqual([]);
    const day = o.body.reportedAt.slice(0, 10);
    const ranged = await h.get(`/api/work-orders?from=${day}&to=${encodeURIComponent(new Date(Date.parse(o.body.reportedAt) + 1000).toISOString())}`, { as: 'dispatcher1' });
    expect(ranged.body.items.map((x: Json) => x.id)).toContain(o.body.id);

    const bad = await h.get('/api/work-orders?status=lost&priority=9&from=yesterday&limit=0', { as: 'dispatcher1' });
    expect(bad.status).toBe(400);
    const p = paths(bad);
    for (const name of ['status', 'priority', 'from', 'limit']) expect(p.some((x) => x.startsWith(name))).toBe(true);
  });
});

describe('masking of the reporter (R-LED-1)', () => {
  it('dispatcher, supervisor, manager and the resident see name and phone; finance, admin, process owner see them masked', async () => {
    const order = await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    for (const who of ['resident1', 'dispatcher1', 'supervisor1', 'manager1']) {
      const r = await h.get(`/api/work-orders/${order.body.id}`, { as: who });
      expect(r.body.reporter, who).toEqual({ name: '张伟', phone: '13812345678' });
      expect(r.body.reporterMasked).toBe(false);
    }
    for (const who of ['finance1', 'admin1', 'owner1', 'unitB1', 'tech1']) {
      const r = await h.get(`/api/work-orders/${order.body.id}`, { as: who });
      expect(r.body.reporter, who).toEqual({ name: '张*', phone: '138****5678' });
      expect(r.body.reporterMasked).toBe(true);
      expect(JSON.stringify(r.body)).not.toContain('13812345678');
    }
  });

  it('members of the assigned unit and the assigned technician see them; others of their role do not', async () => {
    const order = await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    const phoneFor = async (who: string) => (await h.get(`/api/work-orders/${order.body.id}`, { as: who })).body.reporter.phone;
    await h.models.WorkOrder.updateOne({ _id: order.body.id }, { $set: { assignedUnitId: 'U-B', technicianId: null } });
    expect(await phoneFor('unitA1')).toBe('138****5678');
    expect(await phoneFor('unitB1')).toBe('13812345678');
    expect(await phoneFor('tech1')).toBe('138****5678');
    await h.models.WorkOrder.updateOne({ _id: order.body.id }, { $set: { assignedUnitId: 'U-A', technicianId: 'u-tech1' } });
    expect(await phoneFor('unitA1')).toBe('13812345678');
    expect(await phoneFor('unitB1')).toBe('138****5678');
    expect(await phoneFor('tech1')).toBe('13812345678');
  });

  it('the CSV export masks phones for those who may not see them; residents may not export', async () => {
    await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    const finance = await h.get('/api/work-orders/export?format=csv', { as: 'finance1' });
    expect(finance.status).toBe(200);
    expect(finance.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(finance.text).toContain('138****5678');
    expect(finance.text).not.toContain('13812345678');
    expect(finance.text.split('\r\n')[0]).toContain('number,kind,status');
    const dispatcher = await h.get('/api/work-orders/export', { as: 'dispatcher1' });
    expect(dispatcher.text).toContain('13812345678');
    expect((await h.get('/api/work-orders/export', { as: 'resident1' })).status).toBe(403);
    const bad = await h.get('/api/work-orders/export?format=xlsx', { as: 'finance1' });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toContain('format');
  });

  it('request logs never carry a resident\'s phone', async () => {
    await h.post('/api/work-orders', phoneRepair({ description: 'call back on 13987654321' }), { as: 'dispatcher1' });
    expect(JSON.stringify(h.logs)).not.toContain('13987654321');
  });
});

describe('POST /api/work-orders/:id/cancel', () => {
  const signOffTask = async (orderId: string): Promise<Json> => {
    const r = await h.get(`/api/tasks?workOrderId=${orderId}&kind=sign-off`, { as: 'unitA1' });
    return r.body.items[0];
  };

  it('the reporter cancels before sign-off: withdrawn, the instance canceled, the open task gone', async () => {
    const order = await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    const r = await h.post(`/api/work-orders/${order.body.id}/cancel`, { reason: 'fixed it myself' }, { as: 'resident1' });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('withdrawn');
    expect(r.body.cancelReason).toBe('fixed it myself');
    expect(r.body.timeline.some((t: Json) => t.type === 'canceled' && t.actor === 'resident1')).toBe(true);
    const instance = await h.get(`/api/process-instances/${order.body.processInstanceKey}`, { as: 'manager1' });
    expect(instance.body.state).toBe('canceled');
    expect(await signOffTask(order.body.id)).toBeUndefined();
    // Canceled before its due time: the sign-off deadline is neither met nor breached.
    expect(r.body.deadlines.every((d: Json) => !d.breached)).toBe(true);
    const again = await h.post(`/api/work-orders/${order.body.id}/cancel`, { reason: 'again' }, { as: 'resident1' });
    expect(again.status).toBe(409);
  });

  it('a dispatcher may cancel; others 403; another resident 404; no reason 400', async () => {
    const order = await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    const url = `/api/work-orders/${order.body.id}/cancel`;
    const before = (await h.get(`/api/work-orders/${order.body.id}`, { as: 'dispatcher1' })).body;
    expect((await h.post(url, { reason: 'x' }, { as: 'resident2' })).status).toBe(404);
    for (const who of ['unitA1', 'tech1', 'finance1', 'manager1']) expect((await h.post(url, { reason: 'x' }, { as: who })).status, who).toBe(403);
    const noReason = await h.post(url, {}, { as: 'dispatcher1' });
    expect(noReason.status).toBe(400);
    expect(paths(noReason)).toEqual(['reason']);
    const unchanged = (await h.get(`/api/work-orders/${order.body.id}`, { as: 'dispatcher1' })).body;
    expect(unchanged.status).toBe(before.status);
    expect(unchanged.version).toBe(before.version);
    expect((await h.post(url, { reason: 'duplicate report' }, { as: 'dispatcher1' })).status).toBe(200);
  });

  it('after sign-off (签收) → 409, and nothing changes', async () => {
    const order = await h.post('/api/work-orders', residentRepair(), { as: 'resident1' });
    const task = await signOffTask(order.body.id);
    expect(task).toBeDefined();
    expect((await h.post(`/api/tasks/${task.id}/complete`, { variables: {} }, { as: 'unitA1' })).status).toBe(200);
    const signed = await h.get(`/api/work-orders/${order.body.id}`, { as: 'dispatcher1' });
    expect(signed.body.signedAt).not.toBeNull();
    const r = await h.post(`/api/work-orders/${order.body.id}/cancel`, { reason: 'too late' }, { as: 'dispatcher1' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('NOT_CANCELABLE');
    const after = await h.get(`/api/work-orders/${order.body.id}`, { as: 'dispatcher1' });
    expect(after.body.status).toBe(signed.body.status);
    expect(after.body.version).toBe(signed.body.version);
  });
});
