/**
 * Smart dispatch (R-DISP-1, seed 004 §二(三)1): suggest a technician by repair
 * type (skill), location (home building) and current load; the supervisor
 * confirms or changes the suggestion. The scoring is a pure function so that
 * the proposal and its reason are reproducible and testable without a database.
 */

export interface TechnicianCandidate {
  id: string;
  name: string;
  unitId: string;
  skills: string[];
  homeBuilding?: string;
  load: number;
  phone?: string;
  /** The technician's login, when they have one (the order names them by it, so R-LED-1 lets them see the reporter). */
  username?: string;
}

/** What the dispatch worker needs of the technician records. */
export interface TechnicianPool {
  /**
   * Active technicians of a unit who serve the community, with their current
   * load: the open orders assigned to them (the ledger says so; an order that
   * ends or moves to someone else stops counting by itself) plus the jobs
   * outside the ledger their record carries.
   */
  candidates(unitId: string, communityId: string): Promise<TechnicianCandidate[]>;
  /**
   * One technician by id, with the load as candidates() counts it; with
   * `{ load: false }` without counting their open orders (a search of the
   * orders: on FerretDB a scan of the whole collection), `load` being then
   * the record's jobs outside the ledger only — for callers that do not use it.
   */
  get(id: string, options?: { load?: boolean }): Promise<TechnicianCandidate | undefined>;
}

/** Skills by fault-type / description keywords (the first match wins). */
const SKILL_KEYWORDS: { skill: string; words: RegExp }[] = [
  { skill: 'elevator', words: /电梯|elevator|lift/i },
  { skill: 'plumbing', words: /水|管|漏|马桶|堵|下水|龙头|plumb|pipe|leak|toilet|tap|drain|water/i },
  { skill: 'electrical', words: /电|灯|插座|开关|跳闸|electric|lamp|light|socket|switch|power/i },
  { skill: 'door-window', words: /门|窗|锁|door|window|lock/i },
  { skill: 'masonry', words: /墙|地砖|瓷砖|渗|裂|wall|tile|crack/i },
];

/** The skill an order needs, from its fault type and description; `general` when nothing matches. */
export function skillFor(faultType: string | null | undefined, description: string | null | undefined): string {
  const text = `${faultType ?? ''} ${description ?? ''}`;
  return SKILL_KEYWORDS.find(({ words }) => words.test(text))?.skill ?? 'general';
}

/** The building (楼栋) of an address such as `1栋1单元101` → `1栋`; `Building 3 ...` → `3栋`. */
export function buildingOf(address: string | null | undefined): string | undefined {
  if (!address) return undefined;
  const zh = /(\d+)\s*(栋|幢|号楼)/.exec(address);
  if (zh) return `${zh[1]}栋`;
  const en = /building\s*(\d+)/i.exec(address);
  return en ? `${en[1]}栋` : undefined;
}

export interface Proposal {
  technician: TechnicianCandidate;
  score: number;
  /** Why this one, zh-CN first, English second. */
  reason: string;
}

/** Weights: a skill match outweighs location, location outweighs one open job. */
export const DISPATCH_WEIGHTS = { skill: 100, building: 30, perOpenJob: 15 } as const;

export function scoreTechnician(t: TechnicianCandidate, need: { skill: string; building?: string | undefined }): number {
  let score = 0;
  if (t.skills.includes(need.skill)) score += DISPATCH_WEIGHTS.skill;
  else if (t.skills.includes('general')) score += DISPATCH_WEIGHTS.skill / 2;
  if (need.building && t.homeBuilding === need.building) score += DISPATCH_WEIGHTS.building;
  score -= DISPATCH_WEIGHTS.perOpenJob * t.load;
  return score;
}

/**
 * The best technician for the need: highest score, then lower load, then id
 * (so equal candidates always give the same answer). Undefined when there is none.
 */
export function proposeTechnician(
  candidates: readonly TechnicianCandidate[],
  need: { skill: string; building?: string | undefined },
): Proposal | undefined {
  const ranked = candidates
    .map((technician) => ({ technician, score: scoreTechnician(technician, need) }))
    .sort((a, b) => b.score - a.score || a.technician.load - b.technician.load || a.technician.id.localeCompare(b.technician.id));
  const best = ranked[0];
  if (!best) return undefined;
  const t = best.technician;
  const skill = t.skills.includes(need.skill) ? `技能匹配 ${need.skill}` : t.skills.includes('general') ? '通用技能 general skills' : `无 ${need.skill} 技能 no ${need.skill} skill`;
  const place = need.building ? (t.homeBuilding === need.building ? `同楼栋 same building ${need.building}` : `驻 based in ${t.homeBuilding ?? '-'}`) : undefined;
  const reason = [skill, place, `当前负荷 load ${t.load}`, ranked.length > 1 ? `${ranked.length} 名候选 candidates` : undefined]
    .filter(Boolean)
    .join('; ');
  return { technician: t, score: best.score, reason };
}
