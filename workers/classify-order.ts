/**
 * classify-order (分类定级): R-PRI, R-WO-3, R-WO-5.
 * Derives the priority from fault type and description when the reporter
 * gave none, recognises report matters (报事: switch water or power on, logged
 * only), and picks the duty group by the community's working-hours calendar:
 * customer service centre by day, monitoring centre at night and on holidays.
 */
import { z } from 'zod';

import { channel, priority, repairClass, repairClassOf, responsibility } from '../domain/schemas.js';
import { calendarOf, defineWorker, optionalText, workOrderId } from './support.js';

/** R-PRI examples (seed 004), most urgent first; the first level with a match wins. */
const PRIORITY_KEYWORDS: { level: 1 | 2 | 3 | 4; words: RegExp }[] = [
  {
    level: 1,
    words:
      /大面积停(水|电)|电梯困人|困人|消防|燃气泄漏|煤气泄漏|漏气|主管道?爆裂|爆管|火灾|gas leak|trapped|entrapment|fire (alarm|system)|main pipe|burst pipe|large-area (outage|water)/i,
  },
  { level: 2, words: /停水|停电|断电|跳闸|堵塞|马桶|门窗.*(严重|损坏)|无法使用|outage|no (water|power)|blocked|clogged|broken (door|window)/i },
  { level: 4, words: /清洗|咨询|装修建议|计划|保养|cleaning|consult|advice|planned/i },
  { level: 3, words: /灯|水龙头|滴漏|漏水|墙皮|脱落|插座|开关|lamp|light|tap|drip|peeling|socket/i },
];

/** 报事 (seed 001 §1.1): switching water or power on needs no work order. */
const REPORT_MATTER = /开水|开电|送水|送电|开通(水|电)|(switch|turn)\s+(on\s+)?(the\s+)?(water|power)(\s+on)?/i;

/** Channels where a staff member takes the report and so does the return visit (R-REP-12, 谁受理谁回访). */
const STAFF_CHANNELS: readonly string[] = ['phone', 'walk-in'];

export function suggestPriority(faultType: string | null | undefined, description: string | null | undefined): 1 | 2 | 3 | 4 {
  const text = `${faultType ?? ''} ${description ?? ''}`;
  return PRIORITY_KEYWORDS.find(({ words }) => words.test(text))?.level ?? 3;
}

export function isReportMatter(faultType: string | null | undefined, description: string | null | undefined): boolean {
  if (faultType === 'report-matter' || faultType === '报事') return true;
  return REPORT_MATTER.test(`${faultType ?? ''} ${description ?? ''}`);
}

export const input = z.object({
  workOrderId,
  communityId: z.string().min(1),
  priority: priority.nullish(),
  responsibility: responsibility.nullish(),
  faultType: optionalText,
  description: optionalText,
  channel: channel.nullish(),
  reportedBy: optionalText,
});

export const output = z.object({
  priority,
  repairClass,
  isReportMatter: z.boolean(),
  needsTriage: z.boolean(),
  dutyGroup: z.string().min(1),
  followUpUsers: z.array(z.string()),
});

export default defineWorker({
  type: 'classify-order',
  input,
  output,
  headers: ['dayGroup', 'nightGroup'],
  async run({ job, vars, deps, headers, now }) {
    const calendar = await calendarOf(deps, vars.communityId);
    const daytime = calendar.isWorkingTime(now);
    // The community's own duty groups (its calendar) first, then the model's headers.
    const dutyGroup = calendar.dutyGroupAt(now, {
      day: headers.optional('dayGroup') ?? 'dispatcher',
      night: headers.optional('nightGroup') ?? 'monitoring-centre',
    });
    const given = vars.priority ?? undefined;
    const level = given ?? suggestPriority(vars.faultType, vars.description);
    const reportMatter = isReportMatter(vars.faultType, vars.description);
    const cls = repairClassOf(level);
    const followUpUsers = vars.reportedBy && vars.channel && STAFF_CHANNELS.includes(vars.channel) ? [vars.reportedBy] : [];

    await deps.orders.update(
      vars.workOrderId,
      { fields: { priority: level, prioritySource: given ? 'reporter' : 'keywords', repairClass: cls, dutyGroup, reportMatter } },
      {
        key: `${job.key}:classified`,
        type: 'classified',
        actor: 'system',
        elementId: job.elementId,
        note: reportMatter
          ? '报事 report matter: logged only (R-WO-3)'
          : `优先级 priority ${level} (${given ? 'reported' : 'from keywords'}), ${cls === 'emergency' ? '应急 emergency' : '日常 routine'}; ${daytime ? '白天' : '夜间/节假日'} duty group ${dutyGroup}`,
      },
    );

    return {
      priority: level,
      repairClass: cls,
      isReportMatter: reportMatter,
      needsTriage: given === undefined || !vars.responsibility,
      dutyGroup,
      followUpUsers,
    };
  },
});
