/** Users of the platform: residents and staff. Passwords as bcrypt hashes only. */
import { Schema } from 'mongoose';

export const ROLES = [
  'resident',
  'dispatcher',
  'unit',
  'technician',
  'supervisor',
  'manager',
  'finance',
  'process-owner',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Every role but the resident: the people who work for the property company. */
export const STAFF_ROLES = ROLES.filter((r): r is Exclude<Role, 'resident'> => r !== 'resident');

/** A resident's flat (房号): orders of a resident are for this flat only. */
export interface Flat {
  communityId: string;
  address: string;
}

export interface UserDoc {
  _id: string;
  username: string;
  passwordHash: string;
  name: string;
  phone?: string;
  roles: Role[];
  /** The maintenance unit a `unit` member (or technician) belongs to. */
  unitId?: string;
  communities: string[];
  flat?: Flat;
  /** Candidate groups beyond the roles, e.g. `monitoring-centre` (night duty, R-WO-5). */
  extraGroups?: string[];
  active: boolean;
  createdAt?: Date;
  updatedAt?: Date;
}

export const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, required: true },
    username: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
    name: { type: String, required: true },
    phone: { type: String },
    roles: { type: [String], enum: ROLES, default: [] },
    unitId: { type: String },
    communities: { type: [String], default: [] },
    flat: { type: new Schema<Flat>({ communityId: String, address: String }, { _id: false }), required: false },
    extraGroups: { type: [String], default: [] },
    active: { type: Boolean, default: true },
  },
  { collection: 'users', timestamps: true, versionKey: false },
);

/**
 * Candidate groups a user belongs to: the role names plus `unit:<unitId>`,
 * plus any extra groups the user was given (`monitoring-centre` ...).
 * BPMN user tasks name these in `zeebe:assignmentDefinition candidateGroups`.
 */
export function groupsOf(user: Pick<UserDoc, 'roles' | 'unitId' | 'extraGroups'>): string[] {
  const groups: string[] = [...user.roles];
  if (user.unitId) groups.push(`unit:${user.unitId}`);
  for (const g of user.extraGroups ?? []) if (!groups.includes(g)) groups.push(g);
  return groups;
}

/* ---------------------------------------------------------- writes seen by caches of users */

let userWrites = 0;

/**
 * A counter of the writes to users made through mongoose in this process
 * (any connection), raised when each write starts and again when it ends or
 * fails. A cache of users (api/auth/service.ts) keeps an entry only while
 * the counter is what it was when the entry was read, so a user disabled,
 * given other roles or a new password here counts at once. Not seen: other
 * processes and writes that bypass the model (`collection.*`) — the cache's
 * short lifetime bounds those.
 */
export function userWriteCount(): number {
  return userWrites;
}

function userWritten(): void {
  userWrites++;
}

{
  // mongoose's overloads are keyed to its own `this` types; the hook reads nothing,
  // so it is registered through this one narrow signature.
  type Register = (name: string | readonly string[], options: Record<string, boolean>, fn: () => void) => void;
  const pre = userSchema.pre.bind(userSchema) as unknown as Register;
  const post = userSchema.post.bind(userSchema) as unknown as Register;
  const queries = ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndReplace', 'replaceOne', 'deleteOne', 'deleteMany', 'findOneAndDelete'] as const;
  const documents = ['save', 'updateOne', 'deleteOne'] as const;
  pre(queries, { document: false, query: true }, userWritten);
  post(queries, { document: false, query: true }, userWritten);
  post(queries, { document: false, query: true, errorHandler: true }, userWritten);
  pre(documents, { document: true, query: false }, userWritten);
  post(documents, { document: true, query: false }, userWritten);
  post(documents, { document: true, query: false, errorHandler: true }, userWritten);
  for (const name of ['insertMany', 'bulkWrite']) {
    pre(name, {}, userWritten);
    post(name, {}, userWritten);
    post(name, { errorHandler: true }, userWritten);
  }
}
