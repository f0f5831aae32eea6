/**
 * The resident's own steps in the portal, as pure rules (no DOM; checked by
 * tests/web/resident-tasks.test.ts): which steps get the simple phone UI,
 * what fee a consent step shows, and the contract's decision variables a
 * choice completes the task with (resident-consent: `consent`; return-visit
 * and the complaint's signature: `satisfied`, `rating` 1–5, `comment`).
 */

export type ResidentStep = 'consent' | 'rating';

/** Task kinds a resident answers with a tap; any other step falls back to its Camunda form. */
export const RESIDENT_STEPS: Record<string, ResidentStep> = {
  'resident-consent': 'consent',
  'return-visit': 'rating',
  'complaint-signature': 'rating',
};

export function residentStep(kind: string): ResidentStep | null {
  return Object.hasOwn(RESIDENT_STEPS, kind) ? RESIDENT_STEPS[kind] : null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

export interface FeeFacts {
  /** Yuan; null when the step carries no fee yet. */
  fee: number | null;
  /** What is done for it: the actual item, the plan or the catalogue's service. */
  item: string | null;
  plan: string | null;
}

/**
 * The fee a consent step asks the resident to accept: the unit's actual fee
 * (repair, R-REP-10) or the assessed fee (paid service, R-PAID-3), else the
 * catalogue price the order was registered with.
 */
export function feeFacts(variables: Record<string, unknown>): FeeFacts {
  const fee = num(variables.fee) ?? num(variables.serviceFee) ?? num(variables.agreedFee) ?? num(variables.catalogueFee);
  return {
    fee,
    item: str(variables.actualItem) ?? str(variables.serviceItem),
    plan: str(variables.plan),
  };
}

/** ¥150.00 */
export function yuan(fee: number): string {
  return `¥${fee.toFixed(2)}`;
}

export function consentVariables(consent: boolean): { consent: boolean } {
  return { consent };
}

export interface RatingInput {
  rating: number | null;
  satisfied: boolean | null;
  comment: string;
}

export type RatingProblem = 'rating' | 'satisfied';

/** The variables of a rating step, or what is still missing (stars, satisfied or not). */
export function ratingVariables(input: RatingInput): { variables: { satisfied: boolean; rating: number; comment?: string } } | { missing: RatingProblem[] } {
  const missing: RatingProblem[] = [];
  const rating = input.rating;
  if (rating === null || !Number.isInteger(rating) || rating < 1 || rating > 5) missing.push('rating');
  if (input.satisfied === null) missing.push('satisfied');
  if (missing.length || rating === null || input.satisfied === null) return { missing };
  const comment = input.comment.trim().slice(0, 2000);
  return { variables: { satisfied: input.satisfied, rating, ...(comment ? { comment } : {}) } };
}

/** Stars chosen → satisfied suggested (4–5 yes, 1–2 no, 3 left to the resident). */
export function suggestedSatisfied(rating: number): boolean | null {
  return rating >= 4 ? true : rating <= 2 ? false : null;
}
