/** Labels and readable values for the business variables the inspector shows. */
import { dateTime } from '../core/format.js';
import { getLang, label } from '../core/i18n.js';
import { names } from '../core/session.js';
import { readableName, VARIABLE_LABELS } from './variable-labels.js';

/** A variable's name as staff read it: the label of the models' variables, words for any other. */
export function variableLabel(name: string): string {
  const l = VARIABLE_LABELS[name];
  if (!l) return readableName(name);
  return getLang() === 'zh' ? l[0] : l[1];
}

/** Domain values of a few variables, in words. */
const VALUES: Record<string, Record<string, readonly [string, string]>> = {
  result: { repaired: ['已修复', 'repaired'], extension: ['申请延期', 'extension'], deferral: ['申请缓办', 'deferral'], withdrawal: ['退单', 'withdrawal'] },
  withdrawalReason: { 'wrong-info': ['信息有误', 'wrong information'], 'out-of-scope': ['不属服务范围', 'out of scope'], 'self-resolved': ['住户已自行解决', 'resolved by the resident'] },
  classification: { valid: ['有效投诉', 'valid'], assistance: ['协助处理', 'assistance'], excessive: ['过度诉求', 'excessive'] },
  utility: { water: ['停水', 'water'], power: ['停电', 'power'], electricity: ['停电', 'electricity'], gas: ['停气', 'gas'] },
  repairClass: { emergency: ['应急', 'emergency'], routine: ['日常', 'routine'] },
  dispatchStage: { first: ['第一维修单位', 'first unit'], second: ['第二维修单位', 'second unit'] },
  escalationLevel: { 'second-unit': ['第二维修单位', 'second unit'], 'manual-supervision': ['人工督办', 'manual supervision'], 'emergency-centre': ['区县维修应急中心', 'district emergency centre'], 'street-office': ['街道房地办', 'street office'] },
};

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
  const known = VALUES[name]?.[s];
  if (known) return getLang() === 'zh' ? known[0] : known[1];
  // Technicians are named by login (tech1) or by their technician record (T-A1), which the directory does not list.
  if (/technicianid$/i.test(name)) return /^T-/.test(s) ? label.role('technician') : names.person(s);
  if (['reportedBy', 'assignee', 'completedBy', 'followUpUsers'].includes(name)) return names.person(s);
  if (name === 'reporterUserId') return label.role('resident');
  if (name === 'workOrderId') return typeof all.orderNumber === 'string' ? all.orderNumber : '—';
  if (name === 'sourceWorkOrderId') return typeof all.sourceOrderNumber === 'string' ? all.sourceOrderNumber : '—';
  if (name === 'linkedWorkOrderId') return typeof all.linkedOrderNumber === 'string' ? all.linkedOrderNumber : '—';
  if (name === 'outageId') return typeof all.outageNumber === 'string' ? all.outageNumber : '—';
  if (name === 'orderStatus') return label.status(s);
  if (name === 'handlerGroup') return label.role(s);
  if (name === 'priority') return label.priority(s);
  if (name === 'kind') return label.orderKind(s);
  if (name === 'responsibility') return label.responsibility(s);
  if (name === 'channel') return label.channel(s);
  if (name === 'dutyGroup') return label.role(s);
  if (name === 'status') return label.status(s);
  if (ISO.test(s)) return dateTime(s);
  return s;
}
