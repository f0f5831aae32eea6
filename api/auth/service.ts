/**
 * Login and bearer tokens. Tokens are HS256 JWTs (`sub` = user id) whose
 * lifetime runs on the wall clock, not the controllable engine clock: moving
 * demo time by days must not log everyone out.
 *
 * The user behind a token is read by `_id` and kept a few seconds (a small
 * cache, `userCacheMs`, default 5 s): every authenticated request read it
 * before. An entry is dropped as soon as this process writes any user
 * (domain/user.model.ts userWriteCount), so a user disabled or given other
 * roles here counts at the next request; a change made by another process
 * (or around the model) counts within `userCacheMs`. Only active users are
 * kept: a refused token reads the database each time. Login is not cached: it
 * reads the user by name and checks the current password hash.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import type { Connection } from 'mongoose';
import { getModels, type Models } from '../../domain/models.js';
import { groupsOf, userWriteCount, type Flat, type Role, type UserDoc } from '../../domain/user.model.js';
import { RateLimited, Unauthorized } from '../errors.js';
import { RateLimiter, wallClockMs } from '../rate-limit.js';

export interface AuthUser {
  id: string;
  username: string;
  name: string;
  roles: Role[];
  unitId?: string;
  communities: string[];
  /** Candidate groups: role names plus `unit:<unitId>`. */
  groups: string[];
  flat?: Flat;
  phone?: string;
}

export interface PublicUser {
  id: string;
  username: string;
  name: string;
  roles: Role[];
  communities: string[];
  unitId?: string;
  groups: string[];
  flat?: Flat;
}

export interface AuthServiceOptions {
  jwtSecret: string;
  tokenTtlSeconds: number;
  /** Failed logins allowed per username in `windowMs` (10). */
  maxFailures?: number;
  /** Failed logins allowed per client address in `windowMs` (100: an office shares one address). */
  maxFailuresPerAddress?: number;
  windowMs?: number;
  nowMs?: () => number;
  /** How long an authenticated user is kept without reading it again (5 000 ms; 0: read on every request). */
  userCacheMs?: number;
  /** Users kept at most (1 000; the oldest entry goes first). */
  userCacheSize?: number;
}

interface CachedUser {
  doc: UserDoc;
  /** nowMs() when it was read. */
  readAt: number;
  /** userWriteCount() before it was read: any user write since makes the entry stale. */
  writes: number;
}

const ISSUER = 'propflow';
// A valid bcrypt hash of a random string: compared against when the user does not
// exist, so that response time does not tell whether a username exists.
const DUMMY_HASH = '$2b$10$SF0343MwytutcZUjLzjGxu5OfYOC8KbmXgVNYtUlew4Czi5ojwRhq';

export function toAuthUser(doc: UserDoc): AuthUser {
  return {
    id: doc._id,
    username: doc.username,
    name: doc.name,
    roles: doc.roles,
    communities: doc.communities ?? [],
    groups: groupsOf(doc),
    ...(doc.unitId ? { unitId: doc.unitId } : {}),
    ...(doc.flat?.communityId ? { flat: { communityId: doc.flat.communityId, address: doc.flat.address } } : {}),
    ...(doc.phone ? { phone: doc.phone } : {}),
  };
}

export function toPublicUser(u: AuthUser): PublicUser {
  return {
    id: u.id,
    username: u.username,
    name: u.name,
    roles: u.roles,
    communities: u.communities,
    groups: u.groups,
    ...(u.unitId ? { unitId: u.unitId } : {}),
    ...(u.flat ? { flat: u.flat } : {}),
  };
}

export class AuthService {
  private readonly models: Models;
  private readonly failures: RateLimiter;
  private readonly addressFailures: RateLimiter;
  private readonly nowMs: () => number;
  private readonly users = new Map<string, CachedUser>();
  /** Reads of a user under way: requests that find the entry expired meanwhile wait for the same read (one read, not one per request). */
  private readonly userReads = new Map<string, { writes: number; read: Promise<UserDoc | undefined> }>();
  private readonly userCacheMs: number;
  private readonly userCacheSize: number;
  /**
   * The HS256 secret as a key object, made once: given the string, jsonwebtoken first tries it as
   * a PEM public key on every verify (createPublicKey, ≈ 1.3 ms of CPU per request in the bench).
   */
  private readonly jwtKey: KeyObject;

  constructor(
    conn: Connection,
    private readonly options: AuthServiceOptions,
  ) {
    this.models = getModels(conn);
    this.jwtKey = createSecretKey(Buffer.from(options.jwtSecret, 'utf8'));
    this.nowMs = options.nowMs ?? wallClockMs;
    this.failures = new RateLimiter(options.maxFailures ?? 10, options.windowMs ?? 15 * 60_000, this.nowMs);
    this.addressFailures = new RateLimiter(options.maxFailuresPerAddress ?? 100, options.windowMs ?? 15 * 60_000, this.nowMs);
    this.userCacheMs = options.userCacheMs ?? 5_000;
    this.userCacheSize = Math.max(1, options.userCacheSize ?? 1_000);
  }

  async login(username: string, password: string, clientAddress: string): Promise<{ token: string; expiresAt: string; user: PublicUser }> {
    const userKey = username.toLowerCase();
    const wait = Math.max(this.failures.blockedFor(userKey), this.addressFailures.blockedFor(clientAddress));
    if (wait > 0) throw new RateLimited('Too many failed logins; try again later.', wait);

    const doc = await this.models.User.findOne({ username }).lean();
    const ok = await bcrypt.compare(password, doc?.passwordHash ?? DUMMY_HASH);
    if (!doc || !ok || doc.active === false) {
      this.failures.hit(userKey);
      this.addressFailures.hit(clientAddress);
      throw new Unauthorized('Unknown username or wrong password.', 'BAD_CREDENTIALS');
    }
    this.failures.reset(userKey);
    const user = toAuthUser(doc);
    const iat = Math.floor(this.nowMs() / 1000);
    const exp = iat + this.options.tokenTtlSeconds;
    const token = jwt.sign({ sub: user.id, username: user.username, iat, exp }, this.jwtKey, {
      algorithm: 'HS256',
      issuer: ISSUER,
    });
    return { token, expiresAt: new Date(exp * 1000).toISOString(), user: toPublicUser(user) };
  }

  async authenticate(req: Request): Promise<AuthUser> {
    const header = req.headers.authorization;
    if (!header) throw new Unauthorized('Missing bearer token.', 'UNAUTHORIZED');
    const match = /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)\s*$/i.exec(header);
    if (!match) throw new Unauthorized('Malformed Authorization header: expected "Bearer <token>".', 'UNAUTHORIZED');
    let sub: string;
    try {
      const payload = jwt.verify(match[1], this.jwtKey, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        clockTimestamp: Math.floor(this.nowMs() / 1000),
      });
      if (typeof payload === 'string' || typeof payload.sub !== 'string') throw new Error('no subject');
      sub = payload.sub;
    } catch (err) {
      const expired = err instanceof jwt.TokenExpiredError;
      throw new Unauthorized(expired ? 'The token has expired; log in again.' : 'Invalid token.', expired ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN');
    }
    const doc = await this.activeUser(sub);
    if (!doc) throw new Unauthorized('The user no longer exists or is disabled.', 'INVALID_TOKEN');
    // A copy per request: a handler that changes its user object cannot change the cached one.
    return toAuthUser(structuredClone(doc));
  }

  /** The active user of that id, from the cache while fresh, else read by `_id` (FerretDB's index) and kept. */
  private async activeUser(id: string): Promise<UserDoc | undefined> {
    const now = this.nowMs();
    const cached = this.users.get(id);
    if (cached && cached.writes === userWriteCount() && now - cached.readAt < this.userCacheMs) return cached.doc;
    if (cached) this.users.delete(id);
    const writes = userWriteCount();
    // A read began after the entry expired and no user was written since: its answer is as fresh as a new one.
    const under = this.userReads.get(id);
    if (under && under.writes === writes) return under.read;
    const read = this.readUser(id, now, writes);
    this.userReads.set(id, { writes, read });
    try {
      return await read;
    } finally {
      if (this.userReads.get(id)?.read === read) this.userReads.delete(id);
    }
  }

  private async readUser(id: string, now: number, writes: number): Promise<UserDoc | undefined> {
    const doc = await this.models.User.findById(id).lean<UserDoc>();
    if (!doc || doc.active === false) return undefined;
    // A user write that began while this read ran may or may not be in it: then it is used once, not kept.
    if (this.userCacheMs > 0 && writes === userWriteCount()) {
      if (this.users.size >= this.userCacheSize) {
        const oldest = this.users.keys().next();
        if (!oldest.done) this.users.delete(oldest.value);
      }
      this.users.set(id, { doc, readAt: now, writes });
    }
    return doc;
  }
}
