/**
 * Login and bearer tokens. Tokens are HS256 JWTs (`sub` = user id) whose
 * lifetime runs on the wall clock, not the controllable engine clock: moving
 * demo time by days must not log everyone out. The user is loaded on every
 * request, so a disabled user or a changed role takes effect at once.
 */
import bcrypt from 'bcryptjs';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import type { Connection } from 'mongoose';
import { getModels, type Models } from '../../domain/models.js';
import { groupsOf, type Flat, type Role, type UserDoc } from '../../domain/user.model.js';
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

  constructor(
    conn: Connection,
    private readonly options: AuthServiceOptions,
  ) {
    this.models = getModels(conn);
    this.nowMs = options.nowMs ?? wallClockMs;
    this.failures = new RateLimiter(options.maxFailures ?? 10, options.windowMs ?? 15 * 60_000, this.nowMs);
    this.addressFailures = new RateLimiter(options.maxFailuresPerAddress ?? 100, options.windowMs ?? 15 * 60_000, this.nowMs);
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
    const token = jwt.sign({ sub: user.id, username: user.username, iat, exp }, this.options.jwtSecret, {
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
      const payload = jwt.verify(match[1], this.options.jwtSecret, {
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
    const doc = await this.models.User.findById(sub).lean();
    if (!doc || doc.active === false) throw new Unauthorized('The user no longer exists or is disabled.', 'INVALID_TOKEN');
    return toAuthUser(doc);
  }
}
