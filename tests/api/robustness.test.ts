/** "No 5xx for any input a client can send": junk at every documented route, as every kind of caller. */
import { describe, expect, it } from 'vitest';
import { residentRepair, useApiHarness, type Json } from './harness.js';

const h = useApiHarness();

const JUNK_BODIES: unknown[] = [
  null,
  [],
  'text',
  42,
  { kind: { $gt: '' }, communityId: ['C001'], address: { a: 1 } },
  { variables: { __proto__: { admin: true }, constructor: 'x' } },
  { add: 'P99999999999Y', pin: '9999-99-99T99:99:99Z' },
  { name: '../../etc/passwd', xml: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' },
  { reason: 'x'.repeat(10_000), priority: 1e308, claimAmount: -1, desiredTime: '2026-02-30T10:00:00+08:00' },
  JSON.parse('{"a":' + '['.repeat(200) + ']'.repeat(200) + '}'),
];
const JUNK_QUERIES = ['?limit=1e9&offset=-1', '?status=&kind=,,&priority=NaN', '?from=2026-13-45&to=0000-00-00', '?q=' + encodeURIComponent('.*(a+)+$'), '?week=2026-W99&groupBy[]=x', '?version=1.5&state[$ne]=x'];
const JUNK_IDS = ['424242', '65f000000000000000000000', "'; DROP TABLE", '%00', 'a'.repeat(200), '..%2F..%2Fetc'];

describe('no 5xx for client input', () => {
  it('junk bodies, queries and ids on every route, as several roles', async () => {
    const order = (await h.post('/api/work-orders', residentRepair(), { as: 'resident1' })).body;
    const doc = (await h.get('/api/openapi.json')).body;
    const failures: string[] = [];
    for (const [template, methods] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const method of Object.keys(methods)) {
        const ids = template.includes('{') ? [...JUNK_IDS, order.id, order.processInstanceKey, 'repair'] : [''];
        for (const id of ids) {
          const path = template.replace(/\{[^}]+\}/g, id);
          for (const as of ['resident1', 'dispatcher1', 'owner1', 'admin1']) {
            const attempts = method === 'get' ? JUNK_QUERIES.map((q) => ({ path: path + q })) : JUNK_BODIES.map((body) => ({ path, body }));
            for (const a of attempts) {
              const r = await h.call(method.toUpperCase(), a.path, { as, ...('body' in a ? { raw: JSON.stringify(a.body), contentType: 'application/json' } : {}) });
              if (r.status >= 500) failures.push(`${method} ${a.path} as ${as}: ${r.status} ${r.text.slice(0, 200)}`);
              else if (r.status >= 400 && !r.body?.error?.code) failures.push(`${method} ${a.path} as ${as}: ${r.status} without the error body`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
