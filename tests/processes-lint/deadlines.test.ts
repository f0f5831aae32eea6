/**
 * Durations live in the model (domain.md: a process owner changes them there):
 * timers and duration headers are valid ISO-8601, and where a number appears
 * twice in the model (a timer and the header a worker uses for the deadline
 * record) both say the same.
 */
import { Duration } from 'luxon';
import { describe, expect, it } from 'vitest';

import { eventDefinitionOf } from './timers.js';
import { is, taskHeaders, type ModdleElement } from '../../engine/lint/index.js';
import { allElements, jobType, kindOf, serviceTasks, userTasks } from './load.js';

const boundaryTimers = allElements.filter((e) => is(e, 'bpmn:BoundaryEvent') && eventDefinitionOf(e)?.kind !== undefined);

const attachedTo = (timer: ModdleElement): ModdleElement => timer.get('attachedToRef') as ModdleElement;
const isoDuration = (value: string): boolean => value.startsWith('P') && Duration.fromISO(value).isValid;

describe('timers', () => {
  it('every literal timer is an ISO-8601 duration or a repeating cycle; every other is a FEEL date variable', () => {
    for (const timer of boundaryTimers) {
      const definition = eventDefinitionOf(timer);
      if (!definition) continue;
      if (definition.value.startsWith('=')) {
        expect(definition.kind, timer.id).toBe('timeDate');
        expect(definition.value, timer.id).toMatch(/^=\w+At$/);
      } else if (definition.kind === 'timeCycle') {
        const [repeat, duration] = definition.value.split('/');
        expect(repeat, timer.id).toMatch(/^R\d+$/);
        expect(isoDuration(duration ?? ''), timer.id).toBe(true);
      } else {
        expect(definition.kind, timer.id).toBe('timeDuration');
        expect(isoDuration(definition.value), timer.id).toBe(true);
      }
    }
  });

  it('reminders and deadline side steps do not interrupt; only the sign-off timeouts hand the work on', () => {
    const interrupting = boundaryTimers.filter((t) => t.get('cancelActivity') !== false).map((t) => `${attachedTo(t).id}:${eventDefinitionOf(t)?.value}`);
    expect(interrupting.sort()).toEqual(['sign-off-first:PT8M', 'sign-off-second:PT8M']);
  });

  it('R-REP-1, R-REP-2: the sign-off timeout is the signOffWithin the dispatch worker records as the deadline', () => {
    const dispatchHeaders = serviceTasks.filter((t) => jobType(t) === 'dispatch-unit').map((t) => taskHeaders(t)['signOffWithin']);
    const timeouts = boundaryTimers
      .filter((t) => kindOf(attachedTo(t)) === 'sign-off' && t.get('cancelActivity') !== false)
      .map((t) => eventDefinitionOf(t)?.value);
    expect(new Set([...dispatchHeaders, ...timeouts])).toEqual(new Set(['PT8M']));
  });

  it('R-REP-1: the SMS reminders all go out before the 8-minute sign-off timeout', () => {
    for (const task of userTasks.filter((t) => kindOf(t) === 'sign-off')) {
      const timers = boundaryTimers.filter((t) => attachedTo(t) === task);
      const cycle = timers.map(eventDefinitionOf).find((d) => d?.kind === 'timeCycle');
      const timeout = timers.map(eventDefinitionOf).find((d) => d?.kind === 'timeDuration');
      expect(cycle, task.id).toBeDefined();
      const [repeat, every] = (cycle?.value ?? '').split('/');
      const remindersEnd = Number(repeat?.slice(1)) * Duration.fromISO(every ?? '').as('milliseconds');
      expect(remindersEnd).toBeLessThan(Duration.fromISO(timeout?.value ?? '').as('milliseconds'));
    }
  });

  it('R-REP-5: the triage reminder fires after 5 minutes and does not interrupt', () => {
    const timer = boundaryTimers.find((t) => attachedTo(t).id === 'triage');
    expect(timer && eventDefinitionOf(timer)).toEqual({ kind: 'timeDuration', value: 'PT5M' });
    expect(timer?.get('cancelActivity')).toBe(false);
  });
});

describe('duration and number headers', () => {
  const headers = [...serviceTasks, ...userTasks].flatMap((task) => Object.entries(taskHeaders(task)).map(([key, value]) => ({ task: task.id, key, value })));

  it('every *Within and *Limit header is an ISO-8601 duration', () => {
    const durations = headers.filter((h) => /Within$|Limit$/.test(h.key));
    expect(durations.length).toBeGreaterThan(10);
    expect(durations.filter((h) => !isoDuration(h.value))).toEqual([]);
  });

  it('every max* and *Days header is a whole number', () => {
    expect(headers.filter((h) => /^max|Days$/.test(h.key) && !/^\d+$/.test(h.value))).toEqual([]);
  });

  it('R-REP-8: the extension limits the API enforces (report-result headers) are those the model gateway uses (record-sign-off)', () => {
    const report = userTasks.find((t) => kindOf(t) === 'report-result');
    const signOff = serviceTasks.find((t) => jobType(t) === 'record-sign-off');
    const pick = (task: ModdleElement | undefined): Record<string, string | undefined> => {
      const h = task ? taskHeaders(task) : {};
      return { maxExtensions: h['maxExtensions'], maxExtensionDays: h['maxExtensionDays'] };
    };
    expect(pick(report)).toEqual({ maxExtensions: '2', maxExtensionDays: '14' });
    expect(pick(signOff)).toEqual(pick(report));
  });

  it('R-REP-6, R-REP-7, R-REP-8, R-REP-9: the deadlines of seed 000 and 002 are the model defaults', () => {
    const signOff = serviceTasks.find((t) => jobType(t) === 'record-sign-off');
    expect(signOff && taskHeaders(signOff)).toMatchObject({
      emergencyContactWithin: 'PT15M',
      routineContactWithin: 'PT1H',
      emergencyArrivalWithin: 'PT30M',
      feedbackWithin: 'P4D',
      urgentCompletionWithin: 'PT24H',
      generalCompletionWithin: 'PT72H',
    });
  });
});
