/**
 * Communities kept for the workers (domain/services/community-cache.ts): read
 * once, an admin's edit through this process applies to the next job at
 * once, and an edit the process cannot see applies after the TTL.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getModels, initModels } from '../../domain/models.js';
import { CommunityCache } from '../../domain/services/community-cache.js';
import { DirectoryCalendarProvider } from '../../domain/services/calendar-provider.js';
import { MongoDirectory, seedDemo } from '../../domain/services/index.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase('ccache');

beforeAll(async () => {
  await initModels(db.connection);
  await seedDemo(db.connection, { bcryptRounds: 4 });
});

describe('community cache', () => {
  it('R-REP-1: the directory reads a community once for many jobs', async () => {
    const reads = vi.spyOn(getModels(db.connection).Community, 'findById');
    try {
      const directory = new MongoDirectory(db.connection);
      for (let i = 0; i < 5; i++) expect(await directory.community('C001')).toMatchObject({ firstUnitId: 'U-A', secondUnitId: 'U-B' });
      expect(reads.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      reads.mockRestore();
    }
  });

  it('R-WO-5: an edit of the calendar through this process applies to the next job at once', async () => {
    const calendars = new DirectoryCalendarProvider(db.connection);
    expect((await calendars.forCommunity('C001')).config.workStart).toBe('08:00');
    // as PUT /api/communities/:id/calendar writes it
    await getModels(db.connection).Community.updateOne({ _id: 'C001' }, { $set: { 'calendar.workStart': '07:30' } });
    expect((await calendars.forCommunity('C001')).config.workStart).toBe('07:30');
    expect((await new MongoDirectory(db.connection).calendar('C001'))?.workStart).toBe('07:30');
    await getModels(db.connection).Community.updateOne({ _id: 'C001' }, { $set: { 'calendar.workStart': '08:00' } });
  });

  it('an edit it cannot see (another process) applies once the entry is older than the TTL', async () => {
    let now = 0;
    const cache = new CommunityCache(db.connection, 5_000, () => now);
    try {
      expect((await cache.get('C001'))?.firstUnitId).toBe('U-A');
      // written past the model (as another process would): not reported here
      await db.connection.collection('communities').updateOne({ _id: 'C001' as never }, { $set: { firstUnitId: 'U-B' } });
      now = 4_999;
      expect((await cache.get('C001'))?.firstUnitId).toBe('U-A');
      now = 5_000;
      expect((await cache.get('C001'))?.firstUnitId).toBe('U-B');
    } finally {
      cache.close();
      await db.connection.collection('communities').updateOne({ _id: 'C001' as never }, { $set: { firstUnitId: 'U-A' } });
    }
  });

  it('an unknown community is kept as unknown until one is created through the model', async () => {
    const cache = new CommunityCache(db.connection);
    try {
      expect(await cache.get('C-NEW')).toBeNull();
      await getModels(db.connection).Community.create({ _id: 'C-NEW', name: '新小区', firstUnitId: 'U-A' });
      expect((await cache.get('C-NEW'))?.name).toBe('新小区');
    } finally {
      cache.close();
    }
  });
});
