import { describe, expect, it } from 'vitest';

import {
  WorkingCalendar,
  addDuration,
  endOfDay,
  parseDuration,
  staticCalendarProvider,
  toIsoInZone,
} from '../../domain/calendar.js';

const at = (iso: string): Date => new Date(iso);
const sh = (date: Date): string => toIsoInZone(date, 'Asia/Shanghai');

describe('WorkingCalendar (default: 08:00–18:00 every day, Asia/Shanghai)', () => {
  const calendar = new WorkingCalendar({ holidays: ['2026-10-01', '2026-10-02'] });

  it('R-WO-5: daytime is working time, night is not (the monitoring centre takes night reports)', () => {
    expect(calendar.isWorkingTime(at('2026-11-23T10:00:00+08:00'))).toBe(true);
    expect(calendar.isWorkingTime(at('2026-11-23T08:00:00+08:00'))).toBe(true);
    expect(calendar.isWorkingTime(at('2026-11-23T17:59:59+08:00'))).toBe(true);
    expect(calendar.isWorkingTime(at('2026-11-23T18:00:00+08:00'))).toBe(false);
    expect(calendar.isWorkingTime(at('2026-11-23T22:00:00+08:00'))).toBe(false);
    expect(calendar.isWorkingTime(at('2026-11-23T07:59:00+08:00'))).toBe(false);
  });

  it('R-WO-5: the calendar works in the community time zone, not the server one', () => {
    // 01:30 UTC is 09:30 in Shanghai.
    expect(calendar.isWorkingTime(at('2026-11-23T01:30:00Z'))).toBe(true);
    // 11:00 UTC is 19:00 in Shanghai.
    expect(calendar.isWorkingTime(at('2026-11-23T11:00:00Z'))).toBe(false);
  });

  it('R-WO-5: a statutory holiday has no working hours, weekends do by default', () => {
    expect(calendar.isWorkingTime(at('2026-10-01T10:00:00+08:00'))).toBe(false);
    expect(calendar.isWorkingDay(at('2026-10-02T10:00:00+08:00'))).toBe(false);
    // 2026-11-22 is a Sunday: the default calendar works every day.
    expect(calendar.isWorkingTime(at('2026-11-22T10:00:00+08:00'))).toBe(true);
  });

  it('nextWorkingPeriodStart: the next 08:00, skipping holidays', () => {
    expect(sh(calendar.nextWorkingPeriodStart(at('2026-11-23T22:00:00+08:00')))).toBe('2026-11-24T08:00:00+08:00');
    expect(sh(calendar.nextWorkingPeriodStart(at('2026-11-24T03:00:00+08:00')))).toBe('2026-11-24T08:00:00+08:00');
    expect(sh(calendar.nextWorkingPeriodStart(at('2026-11-24T08:00:00+08:00')))).toBe('2026-11-24T08:00:00+08:00');
    // inside working hours: the period after this one
    expect(sh(calendar.nextWorkingPeriodStart(at('2026-11-24T09:00:00+08:00')))).toBe('2026-11-25T08:00:00+08:00');
    // the eve of two holidays
    expect(sh(calendar.nextWorkingPeriodStart(at('2026-09-30T20:00:00+08:00')))).toBe('2026-10-03T08:00:00+08:00');
  });

  it('R-REP-6: routine order signed in working hours → contact within 1 h of sign-off', () => {
    expect(sh(calendar.dueFromSignOff(at('2026-11-23T10:20:00+08:00'), 'PT1H'))).toBe('2026-11-23T11:20:00+08:00');
    // still inside working hours at sign-off: the plain hour, as seed 000 says
    expect(sh(calendar.dueFromSignOff(at('2026-11-23T17:30:00+08:00'), 'PT1H'))).toBe('2026-11-23T18:30:00+08:00');
  });

  it('R-REP-6: routine order signed at night → within 1 h of the start of the next working period', () => {
    expect(sh(calendar.dueFromSignOff(at('2026-11-23T22:00:00+08:00'), 'PT1H'))).toBe('2026-11-24T09:00:00+08:00');
    expect(sh(calendar.dueFromSignOff(at('2026-11-24T06:59:00+08:00'), 'PT1H'))).toBe('2026-11-24T09:00:00+08:00');
  });

  it('R-REP-6: routine order signed on a holiday → 1 h after the first working period after the holidays', () => {
    expect(sh(calendar.dueFromSignOff(at('2026-10-01T10:00:00+08:00'), 'PT1H'))).toBe('2026-10-03T09:00:00+08:00');
  });

  it('addWithinWorkingHours counts only working time', () => {
    expect(sh(calendar.addWithinWorkingHours(at('2026-11-23T10:00:00+08:00'), 'PT1H'))).toBe('2026-11-23T11:00:00+08:00');
    expect(sh(calendar.addWithinWorkingHours(at('2026-11-23T17:30:00+08:00'), 'PT1H'))).toBe('2026-11-24T08:30:00+08:00');
    expect(sh(calendar.addWithinWorkingHours(at('2026-11-23T22:00:00+08:00'), 'PT1H'))).toBe('2026-11-24T09:00:00+08:00');
    // one working day (10 h) from 09:00 on the eve of the holidays
    expect(sh(calendar.addWithinWorkingHours(at('2026-09-30T09:00:00+08:00'), 'PT10H'))).toBe('2026-10-03T09:00:00+08:00');
  });

  it('R-REP-13: end of day is 23:59:59 local on the day of sign-off', () => {
    expect(sh(calendar.endOfDay(at('2026-11-23T10:00:00+08:00')))).toBe('2026-11-23T23:59:59+08:00');
    // 20:00 UTC on the 23rd is already the 24th in Shanghai
    expect(sh(endOfDay(at('2026-11-23T20:00:00Z'), 'Asia/Shanghai'))).toBe('2026-11-24T23:59:59+08:00');
  });

  it('a community can set its own hours, weekdays and zone', () => {
    const weekdays = new WorkingCalendar({ workStart: '09:00', workEnd: '17:00', workingDays: [1, 2, 3, 4, 5] });
    // Friday 20:00 → Monday 09:00
    expect(sh(weekdays.nextWorkingPeriodStart(at('2026-11-20T20:00:00+08:00')))).toBe('2026-11-23T09:00:00+08:00');
    expect(weekdays.isWorkingTime(at('2026-11-21T10:00:00+08:00'))).toBe(false);
    const utc = new WorkingCalendar({ timeZone: 'UTC' });
    expect(utc.isWorkingTime(at('2026-11-23T07:30:00Z'))).toBe(false);
    expect(utc.isWorkingTime(at('2026-11-23T08:30:00Z'))).toBe(true);
  });

  it('rejects a broken configuration', () => {
    expect(() => new WorkingCalendar({ workStart: '18:00', workEnd: '08:00' })).toThrow(/workStart/);
    expect(() => new WorkingCalendar({ timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
    expect(() => new WorkingCalendar({ holidays: ['1 Oct'] })).toThrow();
  });
});

describe('durations', () => {
  it('parses ISO-8601 durations from the model and rejects anything else', () => {
    expect(parseDuration('PT8M').as('minutes')).toBe(8);
    expect(parseDuration('P4D').as('days')).toBe(4);
    expect(() => parseDuration('8 minutes')).toThrow(/ISO-8601/);
    expect(() => parseDuration('')).toThrow();
  });

  it('adds calendar days in the community zone', () => {
    expect(sh(addDuration(at('2026-11-23T10:00:00+08:00'), 'P4D'))).toBe('2026-11-27T10:00:00+08:00');
    expect(sh(addDuration(at('2026-11-23T10:00:00+08:00'), 'PT15M'))).toBe('2026-11-23T10:15:00+08:00');
  });
});

describe('staticCalendarProvider', () => {
  it('gives the default calendar and per-community overrides', async () => {
    const provider = staticCalendarProvider({ holidays: ['2026-10-01'] }, { C002: { workStart: '09:00' } });
    const c1 = await provider.forCommunity('C001');
    const c2 = await provider.forCommunity('C002');
    expect(c1.config.workStart).toBe('08:00');
    expect(c2.config.workStart).toBe('09:00');
    expect(c2.config.holidays).toEqual(['2026-10-01']);
    expect(await provider.forCommunity('C002')).toBe(c2);
  });
});
