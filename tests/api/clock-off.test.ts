/** Without clock control (production, or CLOCK_CONTROL=false) the clock routes do not exist. */
import { describe, expect, it } from 'vitest';
import { useApiHarness } from './harness.js';

const h = useApiHarness({ env: { CLOCK_CONTROL: 'false' } });

describe('/api/clock with clock control off', () => {
  it('GET and POST answer 404 with the error body', async () => {
    const get = await h.get('/api/clock', { as: 'admin1' });
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe('ROUTE_NOT_FOUND');
    const before = h.engine.clock.now().getTime();
    const post = await h.post('/api/clock', { add: 'PT9M' }, { as: 'admin1' });
    expect(post.status).toBe(404);
    expect(h.engine.clock.now().getTime()).toBe(before);
    expect((await h.get('/api/health')).body.clockControl).toBe(false);
  });
});
