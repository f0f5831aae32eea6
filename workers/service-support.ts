/**
 * What the workers of the service procedures share — urgent appeal (R-URG),
 * paid service (R-PAID), complaint (R-CMP), consultation (R-CONS): their named
 * deadlines and the variable holding each due time, recipients, statuses and
 * message texts.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';

import { addDuration, endOfDay, parseDuration, toIsoInZone } from '../domain/calendar.js';
import { ORDER_STATUSES } from '../domain/ports.js';
import type { WorkerDeps } from './deps.js';
import { optionalDate } from './support.js';

/**
 * The named deadlines of these procedures and the variable holding each due
 * time. A deadline that belongs to one user task carries the task's kind as
 * its name (the user-task listener opens it from the task's due date); the
 * others are opened by the workers that compute them.
 */
export const SERVICE_DEADLINE_DUE = {
  /** R-URG-2: on-site handling "immediately" (handlingWithin). */
  'urgent-handling': 'handlingDueAt',
  /** R-URG-2: the phone report by 23:59:59 local time of the day. */
  'urgent-report': 'reportDueAt',
  /** R-PAID-2: the reply with an appointment time within 10 minutes. */
  'paid-reply': 'replyDueAt',
  /** R-PAID-5: cash to finance the same day. */
  'finance-handover': 'handoverDueAt',
  /** R-CMP-3: contact the resident at once. */
  'contact-complainant': 'contactDueAt',
  /** R-CMP-3: resolution normally within 3 days. */
  'handle-complaint': 'resolutionDueAt',
  /** R-CONS-1: the answer. */
  'answer-consultation': 'answerDueAt',
} as const;

export type ServiceDeadline = keyof typeof SERVICE_DEADLINE_DUE;
export const SERVICE_DEADLINES = Object.keys(SERVICE_DEADLINE_DUE) as ServiceDeadline[];

export const SERVICE_DEADLINE_LABEL: Record<ServiceDeadline, string> = {
  'urgent-handling': '加急上门处置 urgent on-site handling',
  'urgent-report': '当日电话反馈 same-day report',
  'paid-reply': '10 分钟内回复住户 reply within 10 minutes',
  'finance-handover': '当日现金交财务 cash to finance the same day',
  'contact-complainant': '立即联系投诉人 contact the complainant at once',
  'handle-complaint': '投诉 3 天内处理 complaint resolved within 3 days',
  'answer-consultation': '答复咨询 answer the consultation',
};

/** Every due-time variable of these procedures, optional. */
export const serviceDueVariables = z.object({
  handlingDueAt: optionalDate,
  reportDueAt: optionalDate,
  replyDueAt: optionalDate,
  handoverDueAt: optionalDate,
  contactDueAt: optionalDate,
  resolutionDueAt: optionalDate,
  answerDueAt: optionalDate,
});

export { ORDER_STATUSES };

/** The time zone of a community (its calendar's zone when the directory has none). */
export async function zoneOf(deps: WorkerDeps, communityId: string): Promise<string> {
  const community = await deps.directory.community(communityId);
  if (community?.timeZone) return community.timeZone;
  return (await deps.calendar.forCommunity(communityId)).timeZone;
}

export function isoIn(at: Date, zone: string): string {
  return toIsoInZone(at, zone);
}

export function plusIn(at: Date, duration: string, zone: string): Date {
  return addDuration(at, duration, zone);
}

/** `at` minus an ISO duration in the zone (so `P1D` is a calendar day). */
export function minusIn(at: Date, duration: string, zone: string): Date {
  return DateTime.fromJSDate(at).setZone(zone).minus(parseDuration(duration)).toJSDate();
}

/** 23:59:59 local time of the day `at` falls on in the zone (R-URG-2, R-PAID-5). */
export function endOfDayIn(at: Date, zone: string): Date {
  return endOfDay(at, zone);
}

/** Local `YYYY-MM-DD HH:mm` for messages. */
export function localText(at: Date, zone: string): string {
  return isoIn(at, zone).slice(0, 16).replace('T', ' ');
}
