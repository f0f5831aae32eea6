/**
 * Who is signed in, the names behind ids (GET /api/directory) and the engine
 * clock (GET /api/clock in demo and test mode; the browser's clock otherwise),
 * so that "due in 3 minutes" agrees with the engine's timers.
 */
import { api, token } from './api.js';
import { bilingual, label, t } from './i18n.js';
import type { Directory, Role, User } from './types.js';

let user: User | null = null;
let directory: Directory = { communities: [], units: [], staff: [] };
let clockOffsetMs = 0;
let demoClock = false;

export const session = {
  get user(): User | null {
    return user;
  },
  has(...roles: Role[]): boolean {
    return !!user && user.roles.some((r) => roles.includes(r));
  },
  get demoClock(): boolean {
    return demoClock;
  },
  /** The engine's "now" in ms. */
  now(): number {
    return Date.now() + clockOffsetMs;
  },

  async login(username: string, password: string): Promise<void> {
    const res = await api.post<{ token: string; user: User }>('/auth/login', { username, password });
    token.set(res.token);
    user = res.user;
    await this.loadContext();
  },

  /** Resumes a stored session; false when there is none or it expired. */
  async resume(): Promise<boolean> {
    if (!token.get()) return false;
    try {
      user = await api.get<User>('/auth/me');
      await this.loadContext();
      return true;
    } catch {
      token.set(null);
      user = null;
      return false;
    }
  },

  logout(): void {
    token.set(null);
    user = null;
  },

  async loadContext(): Promise<void> {
    const [dir] = await Promise.all([api.get<Directory>('/directory').catch(() => directory), this.syncClock()]);
    directory = dir;
  },

  /** Reads the engine clock; returns its time (ISO) or null when the demo clock is off. */
  async syncClock(): Promise<string | null> {
    try {
      const { now } = await api.get<{ now: string }>('/clock');
      clockOffsetMs = new Date(now).getTime() - Date.now();
      demoClock = true;
      return now;
    } catch {
      clockOffsetMs = 0;
      demoClock = false;
      return null;
    }
  },

  setClock(nowIso: string): void {
    clockOffsetMs = new Date(nowIso).getTime() - Date.now();
  },
};

/** Display names for ids; the id itself only when nothing better is known. */
export const names = {
  community: (id: string | null | undefined): string => {
    if (!id) return '—';
    const c = directory.communities.find((x) => x.id === id);
    return c ? bilingual(c.name) : id;
  },
  unit: (id: string | null | undefined): string => {
    if (!id) return '—';
    const u = directory.units.find((x) => x.id === id);
    return u ? bilingual(u.name) : id;
  },
  unitPhone: (id: string | null | undefined): string | null => directory.units.find((x) => x.id === id)?.phone ?? null,
  person: (username: string | null | undefined): string => {
    if (!username) return '—';
    if (username === 'system') return t('system');
    if (user && username === user.username) return user.name;
    // Workers act for a unit or a group: unit:U-A, group:dispatcher, user:tech1.
    const address = /^(unit|group|user):(.+)$/.exec(username);
    if (address) return address[1] === 'unit' ? names.unit(address[2]) : address[1] === 'group' ? label.role(address[2]) : names.person(address[2]);
    // Residents are not in the directory (their names are personal data): say "resident", never the login name.
    return directory.staff.find((s) => s.username === username)?.name ?? label.role('resident');
  },
  communities: () => directory.communities,
};
