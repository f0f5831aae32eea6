/**
 * Recorded gRPC requests in a readable form: the JSON-string fields of the
 * gateway protocol (variables, customHeaders) parsed, int64 durations as
 * numbers. Keys (jobKey, processInstanceKey) stay strings, as on the wire.
 */
import { expect } from 'vitest';
import type { ExpectedGrpc, ExpectedRest } from '../parity/scenarios.js';
import type { GatewayStandIn } from './stand-in/gateway.js';
import type { RestStandIn } from './stand-in/rest.js';

const JSON_FIELDS = ['variables', 'customHeaders'];
const NUMBER_FIELDS = ['timeout', 'requestTimeout', 'retryBackOff', 'timeToLive'];

export function readable(request: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...request };
  for (const f of JSON_FIELDS) if (typeof out[f] === 'string') out[f] = out[f] === '' ? {} : (JSON.parse(out[f]) as unknown);
  for (const f of NUMBER_FIELDS) if (typeof out[f] === 'string') out[f] = Number(out[f]);
  return out;
}

export function sent(gateway: GatewayStandIn, method: string): Record<string, unknown>[] {
  return gateway.requests(method).map(readable);
}

/** Commands are checked exactly (count and order); ActivateJobs (repeated long polls) as a subsequence. */
export function expectGrpc(gateway: GatewayStandIn, expected: ExpectedGrpc[]): void {
  const methods = [...new Set(expected.map((e) => e.method))];
  for (const method of methods) {
    const want = expected.filter((e) => e.method === method).map((e) => e.request);
    const got = sent(gateway, method);
    if (method === 'ActivateJobs') {
      for (const w of want) {
        const matching = got.filter((g) => g.type === w.type);
        expect(matching.length, `ActivateJobs for ${String(w.type)}`).toBeGreaterThan(0);
        // The first request asks for the full capacity; later ones for what is free (maxJobsToActivate - active jobs).
        expect(matching[0]).toMatchObject(w);
        const { maxJobsToActivate, ...rest } = w;
        for (const g of matching) {
          expect(g).toMatchObject(rest);
          expect(Number(g.maxJobsToActivate)).toBeLessThanOrEqual(Number(maxJobsToActivate));
        }
      }
      continue;
    }
    expect(got.length, `${method} requests`).toBe(want.length);
    want.forEach((w, i) => expect(got[i], `${method} #${i + 1}`).toMatchObject(w));
  }
}

export function expectRest(rest: RestStandIn, expected: ExpectedRest[]): void {
  for (const e of expected) {
    const calls = rest.calls(e.method, e.path);
    expect(calls.length, `${e.method} ${String(e.path)}`).toBeGreaterThan(0);
    if (e.body !== undefined) for (const c of calls) expect(c.body).toEqual(e.body);
  }
}
