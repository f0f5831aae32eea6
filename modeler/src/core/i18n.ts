/**
 * zh-CN first, English on a switch. Every word a staff member reads comes
 * from here: statuses, kinds, deadlines, roles, priorities, timeline steps.
 * Unknown domain values fall back to a readable form of the value itself.
 */
export type Lang = 'zh' | 'en';

const LANG_KEY = 'propflow.lang';
let lang: Lang = (localStorage.getItem(LANG_KEY) as Lang | null) === 'en' ? 'en' : 'zh';
const listeners = new Set<() => void>();

export const getLang = (): Lang => lang;
export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  listeners.forEach((fn) => fn());
}
export const onLangChange = (fn: () => void): void => void listeners.add(fn);

type Pair = readonly [zh: string, en: string];

import { DEADLINE, TIMELINE } from './domain-labels.js';

const pick = (p: Pair | undefined, fallback: string): string => (p ? p[lang === 'zh' ? 0 : 1] : fallback);

const UI = {
  appTitle: ['物业报事报修', 'Property repairs'],
  login: ['登录', 'Log in'],
  logout: ['退出', 'Log out'],
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  loginFailed: ['用户名或密码错误', 'Wrong username or password'],
  tasks: ['任务', 'Tasks'],
  modeler: ['流程建模', 'Modeler'],
  inspector: ['流程监控', 'Inspector'],
  dashboard: ['看板', 'Dashboard'],
  portal: ['我的报修', 'My repairs'],
  myTasks: ['我的任务', 'My tasks'],
  groupTasks: ['待领取', 'My groups'],
  allKinds: ['全部类型', 'All kinds'],
  allCommunities: ['全部小区', 'All communities'],
  allPriorities: ['全部优先级', 'All priorities'],
  allStates: ['全部状态', 'All states'],
  allStatuses: ['全部状态', 'All statuses'],
  allProcesses: ['全部流程', 'All processes'],
  noTasks: ['暂无任务', 'No tasks'],
  claim: ['领取', 'Claim'],
  unclaim: ['退回', 'Give back'],
  complete: ['提交', 'Submit'],
  claimedByYou: ['已由您领取', 'Claimed by you'],
  claimedBy: ['已由 {0} 领取', 'Claimed by {0}'],
  due: ['时限', 'Due'],
  breached: ['已超时', 'Breached'],
  breachingSoon: ['即将超时', 'Breaching soon'],
  escalated: ['已升级', 'Escalated'],
  secondUnit: ['第二维修单位', 'Second unit'],
  orderNumber: ['单号', 'Order no.'],
  community: ['小区', 'Community'],
  address: ['地址', 'Address'],
  description: ['问题描述', 'Description'],
  faultType: ['故障类型', 'Fault type'],
  symptom: ['故障现象', 'Symptom'],
  part: ['故障部位', 'Part'],
  priority: ['优先级', 'Priority'],
  kind: ['类型', 'Kind'],
  status: ['状态', 'Status'],
  reporter: ['报修人', 'Reporter'],
  phone: ['电话', 'Phone'],
  reportedAt: ['报修时间', 'Reported'],
  unit: ['维修单位', 'Unit'],
  technician: ['维修人员', 'Technician'],
  deadlines: ['时限', 'Deadlines'],
  timeline: ['处理过程', 'Timeline'],
  variables: ['流程变量', 'Variables'],
  incidents: ['异常', 'Incidents'],
  noIncidents: ['无异常', 'No incidents'],
  attachments: ['照片', 'Photos'],
  met: ['已完成', 'met'],
  open: ['进行中', 'open'],
  canceled: ['已取消', 'canceled'],
  taskDone: ['已提交', 'Submitted'],
  refresh: ['刷新', 'Refresh'],
  search: ['查询', 'Search'],
  searchPlaceholder: ['单号 / 小区 / 地址 / 问题', 'Order no. / community / address / problem'],
  residentPlaceholder: ['住户姓名 / 电话', "Resident's name / phone"],
  ledgerSearch: ['单号、地址或描述', 'Number, address or description'],
  from: ['开始日期', 'From'],
  to: ['结束日期', 'To'],
  exportCsv: ['导出 CSV', 'Export CSV'],
  ledger: ['台账', 'Ledger'],
  total: ['共 {0} 条', '{0} in total'],
  kpi: ['考核指标', 'KPIs'],
  groupBy: ['分组', 'Group by'],
  byCommunity: ['按小区', 'By community'],
  byUnit: ['按维修单位', 'By unit'],
  byKind: ['按类型', 'By kind'],
  byPriority: ['按优先级', 'By priority'],
  timelyRate: ['及时率', 'Timely rate'],
  reworkRate: ['返修率', 'Rework rate'],
  firstTimeFixRate: ['一次修复率', 'First-time fix'],
  satisfaction: ['满意度', 'Satisfaction'],
  breaches: ['超时次数', 'Breaches'],
  cases: ['件数', 'Cases'],
  target: ['目标', 'target'],
  trend: ['近六周及时率', 'Timely rate, last six weeks'],
  spotCheck: ['每周 30% 抽查', 'Weekly 30 % spot check'],
  week: ['周', 'Week'],
  sample: ['抽查 {0} / {1} 张派工单', '{0} of {1} dispatch sheets'],
  noData: ['暂无数据', 'No data'],
  process: ['流程', 'Process'],
  version: ['版本', 'Version'],
  versions: ['版本历史', 'Version history'],
  deployedAt: ['部署于', 'Deployed'],
  deploy: ['部署为新版本', 'Deploy as new version'],
  deployed: ['已部署：{0} 第 {1} 版', 'Deployed: {0} version {1}'],
  unchanged: ['模型未改变，仍为第 {0} 版', 'Model unchanged, still version {0}'],
  lintOk: ['检查通过，可以部署', 'Checks passed: ready to deploy'],
  lintProblems: ['{0} 个问题，不能部署', '{0} problem(s): cannot deploy'],
  linting: ['检查中…', 'Checking…'],
  lint: ['模型检查', 'Model check'],
  durationHint: ['时长写法：PT8M = 8 分钟，PT1H = 1 小时，P4D = 4 天', 'Durations: PT8M = 8 min, PT1H = 1 h, P4D = 4 days'],
  timerOf: ['{0}的定时器', 'timer on {0}'],
  headerOf: ['{0}：{1}', '{0}: {1}'],
  state: ['状态', 'State'],
  startedAt: ['开始', 'Started'],
  endedAt: ['结束', 'Ended'],
  currentStep: ['当前环节', 'Current step'],
  noInstances: ['没有符合条件的流程实例', 'No matching instances'],
  legendActive: ['进行中', 'active'],
  legendCompleted: ['已完成', 'completed'],
  legendIncident: ['异常', 'incident'],
  report: ['我要报修', 'Report a repair'],
  submitReport: ['提交报修', 'Submit'],
  reported: ['已提交，单号 {0}', 'Reported: order {0}'],
  desiredTime: ['期望上门时间', 'Preferred time'],
  addPhotos: ['添加照片', 'Add photos'],
  photoHint: ['拍照或从相册选择，每张不超过 5 MB', 'Take or pick photos, up to 5 MB each'],
  uploading: ['上传中…', 'Uploading…'],
  myOrders: ['我的报修单', 'My orders'],
  noOrders: ['还没有报修单', 'No orders yet'],
  whoComes: ['谁来、何时来', 'Who comes, and when'],
  agreedArrival: ['约定上门时间', 'Agreed arrival'],
  notYetAssigned: ['正在安排维修单位', 'A unit is being assigned'],
  rating: ['评价', 'Rating'],
  yourTurn: ['待您确认', 'Waiting for you'],
  clock: ['演示时钟', 'Demo clock'],
  clockNow: ['当前时间', 'Now'],
  back: ['返回', 'Back'],
  close: ['关闭', 'Close'],
  error: ['出错了', 'Something went wrong'],
  loading: ['加载中…', 'Loading…'],
  select: ['请选择', 'Choose'],
  chooseTemplate: ['选择模板（作业类型）', 'Choose a template (job type)'],
  none: ['无', 'none'],
  minutes: ['{0} 分钟', '{0} min'],
  hours: ['{0} 小时', '{0} h'],
  days: ['{0} 天', '{0} d'],
  inTime: ['还剩 {0}', '{0} left'],
  overdueBy: ['超时 {0}', '{0} overdue'],
  system: ['系统', 'system'],
  masked: ['（已隐藏）', '(masked)'],
  orderStatusFlow: ['进度', 'Progress'],
  agree: ['同意', 'Accept'],
  disagree: ['不同意', 'Decline'],
  fee: ['费用', 'Fee'],
  feeItem: ['维修项目', 'Item'],
  feePlan: ['方案', 'Plan'],
  feeQuestion: ['您是否同意以上项目和费用？同意后才会开始施工。', 'Do you accept this item and fee? Work starts only when you accept.'],
  feeNotYet: ['费用待维修人员现场确定', 'The technician sets the fee on site'],
  rateService: ['请为本次服务打分', 'Rate the service'],
  satisfiedQuestion: ['您对处理结果满意吗？', 'Are you satisfied with the result?'],
  satisfied: ['满意', 'Satisfied'],
  notSatisfied: ['不满意', 'Not satisfied'],
  commentPlaceholder: ['说说您的意见（选填）', 'Your comment (optional)'],
  submitRating: ['提交评价', 'Submit rating'],
  chooseStars: ['请选择 1–5 星', 'Choose 1 to 5 stars'],
  chooseSatisfied: ['请选择满意或不满意', 'Choose satisfied or not'],
  stars: ['{0} 星', '{0} stars'],
  starsOf: ['{0} / 5 星', '{0} / 5 stars'],
  ratingQuality: ['质量', 'Quality'],
  ratingTimeliness: ['及时', 'Timeliness'],
  ratingAttitude: ['态度', 'Attitude'],
  returnVisit: ['回访', 'Return visit'],
  yourComment: ['您的意见', 'Your comment'],
  more: ['加载更多', 'More'],
} as const satisfies Record<string, Pair>;

export type UiKey = keyof typeof UI;

/** A UI phrase; `{0}`, `{1}` are replaced by the arguments. */
export function t(key: UiKey, ...args: (string | number)[]): string {
  return args.reduce<string>((s, a, i) => s.replace(`{${i}}`, String(a)), pick(UI[key], key));
}

const STATUS: Record<string, Pair> = {
  reported: ['已受理', 'Reported'],
  dispatched: ['已派单', 'Dispatched'],
  signed: ['已签收', 'Signed'],
  scheduled: ['已约时', 'Scheduled'],
  'on-site': ['已到场', 'On site'],
  extended: ['已延期', 'Extended'],
  deferred: ['缓办', 'Deferred'],
  resolved: ['已修复', 'Resolved'],
  closed: ['已结单', 'Closed'],
  withdrawn: ['已退单', 'Withdrawn'],
  escalated: ['已升级督办', 'Escalated'],
  rejected: ['未维修', 'Not repaired'],
};

const ORDER_KIND: Record<string, Pair> = {
  repair: ['报修', 'Repair'],
  'urgent-appeal': ['加急诉求', 'Urgent appeal'],
  'paid-service': ['有偿服务', 'Paid service'],
  quality: ['工程质量整改', 'Quality rectification'],
  complaint: ['投诉', 'Complaint'],
  compensation: ['赔付商谈', 'Compensation'],
  consultation: ['咨询', 'Consultation'],
};

const TASK_KIND: Record<string, Pair> = {
  'sign-off': ['签收', 'Sign for order'],
  'contact-resident': ['联系住户约时', 'Contact resident'],
  'confirm-arrival': ['到场确认', 'Confirm arrival'],
  'report-result': ['反馈处置结果', 'Report result'],
  'approve-extension': ['审批延期', 'Approve extension'],
  'return-visit': ['回访', 'Return visit'],
  'manual-supervision': ['人工督办', 'Manual supervision'],
  'emergency-centre': ['区县维修应急中心处置', 'District emergency centre'],
  'street-office-supervision': ['街道房地办督办', 'Street office supervision'],
  triage: ['分诊定责', 'Triage'],
  'fee-assessment': ['费用评估', 'Fee assessment'],
  'resident-consent': ['住户确认费用', 'Resident accepts fee'],
  'collect-fee': ['收费', 'Collect fee'],
  'confirm-defect': ['现场查验', 'Confirm defect'],
  'developer-confirmation': ['开发商确认', 'Developer confirmation'],
  negotiate: ['商谈', 'Negotiate'],
  'approve-claim': ['审批赔付', 'Approve claim'],
  'sign-settlement': ['签署和解备忘', 'Sign settlement'],
  'classify-complaint': ['投诉分类', 'Classify complaint'],
  'handle-complaint': ['处理投诉', 'Handle complaint'],
  'urgent-handling': ['加急处置', 'Urgent handling'],
  'urgent-report': ['加急结果回复', 'Urgent report'],
  'arrival-callback': ['平台回访到场', 'Arrival call-back'],
  'resident-signature': ['住户签字评价', 'Resident signs and rates'],
};


const ROLE: Record<string, Pair> = {
  resident: ['业主', 'Resident'],
  dispatcher: ['客服', 'Dispatcher'],
  unit: ['维修单位', 'Maintenance unit'],
  technician: ['维修人员', 'Technician'],
  supervisor: ['主管', 'Supervisor'],
  manager: ['经理', 'Manager'],
  finance: ['财务', 'Finance'],
  'process-owner': ['流程负责人', 'Process owner'],
  admin: ['管理员', 'Administrator'],
  'monitoring-centre': ['监控中心', 'Monitoring centre'],
  'district-centre': ['区县维修应急中心', 'District emergency centre'],
  'street-office': ['街道房地办', 'Street housing office'],
};

const PRIORITY: Record<string, Pair> = {
  '1': ['紧急', 'Emergency'],
  '2': ['加急', 'Urgent'],
  '3': ['一般', 'General'],
  '4': ['计划', 'Planned'],
};

const INSTANCE_STATE: Record<string, Pair> = {
  active: ['进行中', 'Active'],
  completed: ['已完成', 'Completed'],
  canceled: ['已取消', 'Canceled'],
  incident: ['异常', 'Incident'],
};


const CHANNEL: Record<string, Pair> = {
  phone: ['电话', 'Phone'],
  sms: ['短信', 'SMS'],
  app: ['App', 'App'],
  web: ['网页', 'Web'],
  'walk-in': ['来访', 'Walk-in'],
  sensor: ['传感器', 'Sensor'],
};

const RESPONSIBILITY: Record<string, Pair> = {
  shared: ['共用设施（免费）', 'Shared facility (free)'],
  paid: ['有偿服务', 'Paid service'],
  owner: ['业主责任', 'Owner pays'],
  developer: ['开发商遗留', 'Developer defect'],
};

const humanize = (v: string): string => v.replace(/[-_]/g, ' ');

export const label = {
  status: (v: string) => pick(STATUS[v], humanize(v)),
  orderKind: (v: string) => pick(ORDER_KIND[v], humanize(v)),
  taskKind: (v: string) => pick(TASK_KIND[v], humanize(v)),
  deadline: (v: string) => pick(DEADLINE[v], humanize(v)),
  role: (v: string) => pick(ROLE[v], humanize(v)),
  priority: (v: number | string | null | undefined) => (v === null || v === undefined ? '—' : `${v} ${pick(PRIORITY[String(v)], '')}`.trim()),
  instanceState: (v: string) => pick(INSTANCE_STATE[v], humanize(v)),
  timeline: (v: string) => pick(TIMELINE[v], humanize(v)),
  channel: (v: string) => pick(CHANNEL[v], humanize(v)),
  responsibility: (v: string | null) => (v ? pick(RESPONSIBILITY[v], humanize(v)) : '—'),
};

export const TASK_KINDS = Object.keys(TASK_KIND);
export const ORDER_KINDS = Object.keys(ORDER_KIND);
export const STATUSES = Object.keys(STATUS);

const CJK = /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/;

/**
 * A bilingual model text such as "签收 Sign for order", "幸福里小区 (Xingfuli)"
 * or "…上门时间。Phone the resident…": in zh the Chinese head (up to the first
 * Latin word after Chinese), in en the English tail (after the last Chinese
 * character). A text in one language is returned whole.
 */
export function bilingual(text: string | null | undefined): string {
  if (!text) return '';
  const s = text.trim();
  if (!CJK.test(s)) return s;
  if (lang === 'zh') {
    const head = /^([^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s*\(?(?:\d+\s*)?[A-Za-z][A-Za-z0-9\s'&/.,()-]*\)?$/.exec(s);
    return head ? head[1].trim() : s;
  }
  let last = -1;
  for (let i = 0; i < s.length; i++) if (CJK.test(s[i])) last = i;
  const tail = s.slice(last + 1).trim().replace(/^[)\]】,，.。:：;；\s]+/, '').replace(/^\((.*)\)$/, '$1');
  return /[A-Za-z]/.test(tail) ? tail : s;
}

/** Prose such as "R-REP-6: 电话联系住户…时间。Phone the resident…": rule ids dropped, the sentence in the chosen language. */
export function bilingualText(text: string | null | undefined): string {
  if (!text) return '';
  const s = text.trim().replace(/^(R-[A-Z]+(-\d+)?\s*[/,、]?\s*)+:\s*/, '');
  if (!CJK.test(s)) return s;
  let last = -1;
  for (let i = 0; i < s.length; i++) if (CJK.test(s[i])) last = i;
  const zh = s.slice(0, last + 1).trim();
  const en = s.slice(last + 1).trim();
  if (lang === 'zh' || !/[A-Za-z]/.test(en)) return zh + (lang === 'zh' ? '' : ` ${en}`).trimEnd();
  return en;
}
