/** GET /api/directory: display names for community, unit and staff ids; never residents (R-LED-1). */
import { describe, expect, it } from 'vitest';
import { useApiHarness } from './harness.js';

const h = useApiHarness();

describe('GET /api/directory', () => {
  it('names the demo community, its two units and the staff, for any signed-in user', async () => {
    const r = await h.get('/api/directory', { as: 'resident1' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.communities).toContainEqual(expect.objectContaining({ id: 'C001', firstUnitId: 'U-A', secondUnitId: 'U-B' }));
    expect(r.body.communities[0].name).toMatch(/幸福里/);
    expect(r.body.units.map((u: { id: string }) => u.id)).toEqual(['U-A', 'U-B']);
    expect(r.body.staff).toContainEqual({ username: 'unitA1', name: '刘强', roles: ['unit'], unitId: 'U-A' });
  });

  it('lists no resident (their names are personal data)', async () => {
    const r = await h.get('/api/directory', { as: 'manager1' });
    const usernames = r.body.staff.map((s: { username: string }) => s.username);
    expect(usernames).not.toContain('resident1');
    expect(JSON.stringify(r.body)).not.toContain('张伟');
  });

  it('needs a token', async () => {
    expect((await h.get('/api/directory')).status).toBe(401);
  });
});
