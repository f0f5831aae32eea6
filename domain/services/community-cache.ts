/**
 * Communities by id for the workers (directory, working calendars, linked
 * procedures): every repair step asked for its community again (≈ 10 reads
 * of 2–4 ms per repair on the one writing connection), and communities
 * change only when an admin edits one.
 *
 * A write through the model on this connection drops what it names at once
 * (domain/model-writes.ts), so an edit made through this process applies to
 * the next job, as it did when every call read the database; an edit made by
 * another process (API_ONLY beside WORKERS_ONLY) applies within `ttlMs`. A
 * read that a write overtook is not kept. Entries are shared: do not change
 * them.
 */
import type { Connection } from 'mongoose';
import type { CommunityDoc } from '../community.model.js';
import { onModelWrite } from '../model-writes.js';
import { getModels } from '../models.js';
import { perConnection } from '../per-connection.js';

/** How long a community is kept when no write of this process drops it (edits of other processes). */
export const COMMUNITY_TTL_MS = 5_000;

type LeanCommunity = CommunityDoc;

export class CommunityCache {
  private readonly entries = new Map<string, { doc: LeanCommunity | null; at: number }>();
  /** Bumped by every reported write: a read that saw another value began before a write and is not kept. */
  private writes = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly conn: Connection,
    private readonly ttlMs = COMMUNITY_TTL_MS,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.unsubscribe = onModelWrite(conn, 'Community', (write) => {
      this.writes++;
      if (write.all) this.entries.clear();
      else for (const id of write.ids) this.entries.delete(id);
    });
  }

  /** The community (null when there is none), read by `_id` when not kept or older than the TTL. */
  async get(id: string): Promise<LeanCommunity | null> {
    const kept = this.entries.get(id);
    if (kept && this.nowMs() - kept.at < this.ttlMs) return kept.doc;
    const seen = this.writes;
    const at = this.nowMs();
    // Without a projection: by `_id` alone reaches FerretDB's index (a projection scans the collection).
    const doc = await getModels(this.conn).Community.findById(id).lean<LeanCommunity>();
    if (seen === this.writes) this.entries.set(id, { doc: doc ?? null, at });
    return doc ?? null;
  }

  close(): void {
    this.unsubscribe();
    this.entries.clear();
  }
}

/** The community cache of a connection (one per connection). */
export const communityCacheOf = perConnection((conn) => new CommunityCache(conn));
