/**
 * The resident portal's own steps (modeler/src/portal/resident-tasks.ts):
 * which task kinds get the phone UI, the fee a consent shows, and that every
 * choice completes the task with variables the API accepts for that kind
 * (domain/schemas.ts, the contract's decision variables).
 */
import { describe, expect, it } from 'vitest';
import { taskVariableSchemas } from '../../domain/schemas.js';
import { consentVariables, feeFacts, RESIDENT_STEPS, ratingVariables, residentStep, suggestedSatisfied, yuan } from '../../modeler/src/portal/resident-tasks.js';

describe('resident portal steps', () => {
  it('consent for resident-consent, stars for the return visit and the complaint signature, the form for anything else', () => {
    expect(residentStep('resident-consent')).toBe('consent');
    expect(residentStep('return-visit')).toBe('rating');
    expect(residentStep('complaint-signature')).toBe('rating');
    expect(residentStep('resident-acceptance')).toBeNull();
    expect(residentStep('toString')).toBeNull();
    // Every kind with the phone UI is a kind the API knows.
    for (const kind of Object.keys(RESIDENT_STEPS)) expect(Object.keys(taskVariableSchemas)).toContain(kind);
  });

  it('a consent shows the unit\'s or the assessed fee, else the catalogue price; none when nothing is known', () => {
    expect(feeFacts({ fee: 150, plan: 'PPR 管明装 2 米', catalogueFee: 80 })).toEqual({ fee: 150, item: null, plan: 'PPR 管明装 2 米' });
    expect(feeFacts({ actualItem: '更换水龙头', fee: '80' })).toEqual({ fee: 80, item: '更换水龙头', plan: null });
    expect(feeFacts({ serviceItem: '疏通下水道', catalogueFee: 60 })).toEqual({ fee: 60, item: '疏通下水道', plan: null });
    expect(feeFacts({ fee: null, plan: '  ' })).toEqual({ fee: null, item: null, plan: null });
    expect(yuan(150)).toBe('¥150.00');
  });

  it('agree and decline complete resident-consent with the contract\'s consent variable', () => {
    const schema = taskVariableSchemas['resident-consent'];
    expect(schema.safeParse(consentVariables(true))).toMatchObject({ success: true, data: { consent: true } });
    expect(schema.safeParse(consentVariables(false))).toMatchObject({ success: true, data: { consent: false } });
  });

  it('a rating needs 1–5 stars and satisfied or not; the comment is optional and trimmed', () => {
    expect(ratingVariables({ rating: null, satisfied: null, comment: '' })).toEqual({ missing: ['rating', 'satisfied'] });
    expect(ratingVariables({ rating: 6, satisfied: true, comment: '' })).toEqual({ missing: ['rating'] });
    expect(ratingVariables({ rating: 4, satisfied: null, comment: '' })).toEqual({ missing: ['satisfied'] });
    const full = ratingVariables({ rating: 5, satisfied: true, comment: '  师傅很专业 ' });
    expect(full).toEqual({ variables: { satisfied: true, rating: 5, comment: '师傅很专业' } });
    const bare = ratingVariables({ rating: 2, satisfied: false, comment: ' ' });
    expect(bare).toEqual({ variables: { satisfied: false, rating: 2 } });
    for (const kind of ['return-visit', 'complaint-signature'] as const) {
      for (const r of [full, bare]) {
        if (!('variables' in r)) throw new Error('expected variables');
        expect(taskVariableSchemas[kind].safeParse(r.variables).success, kind).toBe(true);
      }
    }
  });

  it('stars suggest satisfied (4–5) or not (1–2); 3 leaves it to the resident', () => {
    expect([1, 2, 3, 4, 5].map(suggestedSatisfied)).toEqual([false, false, null, true, true]);
  });
});
