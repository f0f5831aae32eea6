/**
 * The numbers of quality rectification and compensation live in their models
 * (domain.md: a process owner changes them there): where a duration appears
 * twice — the timer that escalates and the header the worker records the
 * deadline with — both say the same, and they are the rules' defaults.
 */
import { describe, expect, it } from 'vitest';

import { is, taskHeaders, type ModdleElement } from '../../engine/lint/index.js';
import { models } from './load.js';
import { eventDefinitionOf } from './timers.js';

function model(name: string): Map<string, ModdleElement> {
  const found = models.find((m) => m.name === name);
  if (!found) throw new Error(`no model ${name}`);
  return new Map(found.elements.map((e) => [String(e.id), e]));
}

const quality = model('quality');
const compensation = model('compensation');

function timerOn(elements: Map<string, ModdleElement>, taskId: string): { kind: string; value: string; interrupting: boolean } {
  const timer = [...elements.values()].find((e) => is(e, 'bpmn:BoundaryEvent') && (e.get('attachedToRef') as ModdleElement).id === taskId);
  const definition = timer && eventDefinitionOf(timer);
  if (!timer || !definition) throw new Error(`no timer on ${taskId}`);
  return { ...definition, interrupting: timer.get('cancelActivity') !== false };
}

function header(elements: Map<string, ModdleElement>, id: string, key: string): string | undefined {
  const element = elements.get(id);
  if (!element) throw new Error(`no element ${id}`);
  return taskHeaders(element)[key];
}

describe('quality.bpmn', () => {
  it('R-QR-1: confirmation within 5 minutes: the timer and the header the deadline is recorded with agree; it does not interrupt', () => {
    expect(timerOn(quality, 'qr-confirm-defect')).toEqual({ kind: 'timeDuration', value: 'PT5M', interrupting: false });
    expect(header(quality, 'qr-arrange-confirmation', 'confirmWithin')).toBe('PT5M');
  });

  it('R-QR-3: the developer confirms within the set time (3 days): timer and header agree', () => {
    expect(timerOn(quality, 'qr-developer-confirmation')).toEqual({ kind: 'timeDuration', value: 'P3D', interrupting: false });
    expect(header(quality, 'qr-sheet-gm', 'developerConfirmWithin')).toBe('P3D');
  });

  it('R-QR-3: the contact sheet is signed in the order the rule says', () => {
    const steps = ['qr-sheet-director', 'qr-sheet-service-dept', 'qr-sheet-gm', 'qr-sheet-developer'].map((id) => header(quality, id, 'step'));
    expect(steps).toEqual(['director', 'service-dept', 'gm', 'developer']);
  });

  it('R-QR-4: progress is due daily, on the plan and on every report', () => {
    expect(timerOn(quality, 'qr-report-progress')).toEqual({ kind: 'timeDate', value: '=progressDueAt', interrupting: false });
    expect([header(quality, 'qr-plan-rectification', 'progressEvery'), header(quality, 'qr-record-progress', 'progressEvery')]).toEqual(['P1D', 'P1D']);
  });
});

describe('compensation.bpmn', () => {
  it('R-COMP-2/3: the small-claim threshold is an amount in yuan in the model (2000 by default)', () => {
    expect(header(compensation, 'pf-register-claim', 'smallClaimThreshold')).toBe('2000');
  });

  it('R-COMP-5: the 3-day review: timer and the contact sheet\'s answer time agree', () => {
    expect(timerOn(compensation, 'pf-review-quality')).toEqual({ kind: 'timeDuration', value: 'P3D', interrupting: false });
    expect(header(compensation, 'pf-quality-contact-sheet', 'answerWithin')).toBe('P3D');
    expect(header(compensation, 'pf-quality-contact-sheet', 'deadline')).toBe('review-quality');
  });

  it('R-COMP-4: the large path settles only against the memo; the small one against the contact sheet', () => {
    expect(header(compensation, 'pf-settle', 'requireMemo')).toBe('true');
    expect(header(compensation, 'pf-settle-small', 'requireMemo')).toBe('false');
  });
});
