/** Labels and readable values for the business variables the inspector shows. */
import { dateTime } from '../core/format.js';
import { getLang, label } from '../core/i18n.js';
import { names } from '../core/session.js';

const LABELS: Record<string, [string, string]> = {
  orderNumber: ['单号', 'Order number'],
  workOrderId: ['工单内部编号', 'Work order id'],
  communityId: ['小区编号', 'Community id'],
  address: ['地址', 'Address'],
  description: ['问题描述', 'Description'],
  faultType: ['故障类型', 'Fault type'],
  symptom: ['故障现象', 'Symptom'],
  part: ['故障部位', 'Part'],
  priority: ['优先级', 'Priority'],
  repairClass: ['报修类型', 'Repair class'],
  responsibility: ['责任方', 'Responsibility'],
  channel: ['渠道', 'Channel'],
  kind: ['类型', 'Kind'],
  reportedAt: ['报修时间', 'Reported at'],
  reportedBy: ['报修账号', 'Reported by'],
  reporterUserId: ['报修人编号', 'Reporter id'],
  firstUnitId: ['第一维修单位', 'First unit'],
  secondUnitId: ['第二维修单位', 'Second unit'],
  currentUnitId: ['当前维修单位', 'Current unit'],
  dispatchStage: ['派单阶段', 'Dispatch stage'],
  signOffDueAt: ['签收时限', 'Sign-off due'],
  contactDueAt: ['联系时限', 'Contact due'],
  arrivalCheckAt: ['到场检查时间', 'Arrival check'],
  agreedArrivalAt: ['约定上门时间', 'Agreed arrival'],
  feedbackDueAt: ['反馈时限', 'Feedback due'],
  completionDueAt: ['完成时限', 'Completion due'],
  returnVisitDueAt: ['回访时限', 'Return visit due'],
  dutyGroup: ['值班组', 'Duty group'],
  needsTriage: ['需分诊', 'Needs triage'],
  isReportMatter: ['报事', 'Report matter'],
  extensionCount: ['延期次数', 'Extensions'],
  extensionDaysTotal: ['延期天数', 'Extension days'],
  reworkCount: ['返修次数', 'Rework count'],
  result: ['处置结果', 'Result'],
  satisfied: ['满意', 'Satisfied'],
  rating: ['评分', 'Rating'],
  hasSecondUnit: ['有第二维修单位', 'Has second unit'],
};

export function variableLabel(name: string): string {
  const l = LABELS[name];
  if (!l) return name;
  return getLang() === 'zh' ? `${l[0]} (${name})` : l[1];
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A variable's value as staff read it: names for unit / community / user ids,
 * local times, 是/否, Chinese labels for domain values. Never a bare internal id.
 */
export function variableValue(name: string, value: unknown, all: Record<string, unknown>): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return getLang() === 'zh' ? (value ? '是' : '否') : value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.map((v) => variableValue(name, v, all)).join('、') : '—';
  if (typeof value === 'object') return JSON.stringify(value);
  const s = String(value);
  if (/unitid$/i.test(name)) return names.unit(s);
  if (name === 'communityId') return names.community(s);
  if (['reportedBy', 'assignee', 'completedBy', 'technicianId'].includes(name) || name === 'followUpUsers') return names.person(s);
  if (name === 'reporterUserId') return label.role('resident');
  if (name === 'workOrderId') return typeof all.orderNumber === 'string' ? all.orderNumber : '—';
  if (name === 'priority') return label.priority(s);
  if (name === 'kind') return label.orderKind(s);
  if (name === 'responsibility') return label.responsibility(s);
  if (name === 'channel') return label.channel(s);
  if (name === 'dutyGroup') return label.role(s);
  if (name === 'repairClass') return getLang() === 'zh' ? (s === 'emergency' ? '应急' : s === 'routine' ? '日常' : s) : s;
  if (name === 'dispatchStage') return getLang() === 'zh' ? (s === 'first' ? '第一维修单位' : s === 'second' ? '第二维修单位' : s) : s;
  if (name === 'status') return label.status(s);
  if (ISO.test(s)) return dateTime(s);
  return s;
}
