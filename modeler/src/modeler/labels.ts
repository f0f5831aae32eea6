/**
 * Chinese for the process owner's screens, as pure data (checked by
 * tests/web/labels.test.ts): the element types the properties panel's header
 * names, and the duration task headers of our models in the deadline list.
 */

/** Element types as the properties panel's header spells them ("Timer Boundary Event (Non Interrupting)"). */
const TYPE_BASE: Record<string, string> = {
  Process: '流程',
  Collaboration: '协作',
  Participant: '泳池',
  Lane: '泳道',
  Task: '任务',
  'User Task': '用户任务',
  'Service Task': '服务任务',
  'Script Task': '脚本任务',
  'Send Task': '发送任务',
  'Receive Task': '接收任务',
  'Manual Task': '手工任务',
  'Business Rule Task': '业务规则任务',
  'Call Activity': '调用活动',
  'Sub Process': '子流程',
  'Expanded Sub Process': '子流程（展开）',
  'Collapsed Sub Process': '子流程（折叠）',
  'Event Sub Process': '事件子流程',
  'Ad Hoc Sub Process': '临时子流程',
  Transaction: '事务',
  'Start Event': '开始事件',
  'End Event': '结束事件',
  'Boundary Event': '边界事件',
  'Intermediate Catch Event': '中间捕获事件',
  'Intermediate Throw Event': '中间抛出事件',
  'Exclusive Gateway': '排他网关',
  'Parallel Gateway': '并行网关',
  'Inclusive Gateway': '包容网关',
  'Event Based Gateway': '事件网关',
  'Complex Gateway': '复杂网关',
  'Sequence Flow': '顺序流',
  'Default Flow': '默认顺序流',
  'Conditional Flow': '条件顺序流',
  'Message Flow': '消息流',
  Association: '关联',
  'Text Annotation': '注释',
  Group: '分组',
  'Data Object Reference': '数据对象',
  'Data Store Reference': '数据存储',
  'Data Input Association': '数据输入关联',
  'Data Output Association': '数据输出关联',
};

const TYPE_PREFIX: Record<string, string> = {
  Timer: '定时',
  Message: '消息',
  Error: '错误',
  Escalation: '升级',
  Signal: '信号',
  Conditional: '条件',
  Compensate: '补偿',
  Link: '链接',
  Terminate: '终止',
  Cancel: '取消',
};

const TYPE = /^(?:(Timer|Message|Error|Escalation|Signal|Conditional|Compensate|Link|Terminate|Cancel) )?(.+?)(?: \(Non Interrupting\))?$/;

/** "Timer Boundary Event (Non Interrupting)" → 定时边界事件（非中断）; undefined for what is no element type. */
export function elementTypeZh(type: string): string | undefined {
  const m = TYPE.exec(type);
  if (!m) return undefined;
  const base = TYPE_BASE[m[2]];
  if (!base) return undefined;
  return `${m[1] ? TYPE_PREFIX[m[1]] : ''}${base}${type.endsWith('(Non Interrupting)') ? '（非中断）' : ''}`;
}

/** Task headers holding a duration (the deadline list): what each one limits. */
export const HEADER_ZH: Record<string, [zh: string, en: string]> = {
  signOffWithin: ['签收时限', 'sign-off within'],
  contactWithin: ['联系住户时限', 'contact within'],
  routineContactWithin: ['日常报修联系时限', 'routine contact within'],
  emergencyContactWithin: ['应急报修联系时限', 'emergency contact within'],
  routineArrivalWithin: ['日常报修到场时限', 'routine arrival within'],
  emergencyArrivalWithin: ['应急报修到场时限', 'emergency arrival within'],
  feedbackWithin: ['结果反馈时限', 'feedback within'],
  generalCompletionWithin: ['一般完成时限', 'general completion within'],
  urgentCompletionWithin: ['加急完成时限', 'urgent completion within'],
  signedOrderWithin: ['交回签字单时限', 'signed order back within'],
  returnVisitWithin: ['回访时限', 'return visit within'],
  answerWithin: ['答复时限', 'answer within'],
  confirmWithin: ['确认时限', 'confirm within'],
  developerConfirmWithin: ['开发商确认时限', 'developer confirmation within'],
  handlingWithin: ['处理时限', 'handling within'],
  replyWithin: ['回复时限', 'reply within'],
  resolutionWithin: ['解决时限', 'resolution within'],
  progressEvery: ['进度报告间隔', 'progress report every'],
  deferralLimit: ['缓办最长时间', 'deferral limit'],
  durationLimit: ['最长时长', 'duration limit'],
  powerLeadTime: ['停电提前通知', 'power outage notice ahead'],
  waterLeadTime: ['停水提前通知', 'water outage notice ahead'],
  suddenNoticeWithin: ['突发停水停电通知时限', 'sudden outage notice within'],
};
