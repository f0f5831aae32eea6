/**
 * Chinese labels for bpmn-js and the properties panel (a diagram-js
 * `translate` service): the phrases a process owner meets most, every
 * element type the panel's header names (composed: 定时 + 边界事件), and the
 * deadline task headers of our models; anything not listed stays in English.
 */
import { bilingual, getLang } from '../core/i18n.js';
import { elementTypeZh, HEADER_ZH } from './labels.js';

const ZH: Record<string, string> = {
  General: '常规',
  Name: '名称',
  ID: '编号',
  Documentation: '说明',
  'Element documentation': '元素说明',
  Timer: '定时器',
  Type: '类型',
  Value: '值',
  Duration: '时长',
  Date: '日期',
  Cycle: '周期',
  'Type of timer': '定时器类型',
  'Task definition': '任务定义',
  'Job type': '作业类型',
  Retries: '重试次数',
  Headers: '任务头',
  Header: '任务头',
  Key: '键',
  Inputs: '输入',
  'Input mapping': '输入映射',
  'Output mapping': '输出映射',
  Outputs: '输出',
  Assignment: '分配',
  'Candidate groups': '候选组',
  'Candidate users': '候选人',
  Assignee: '办理人',
  Form: '表单',
  'Form ID': '表单编号',
  Condition: '条件',
  'Condition expression': '条件表达式',
  'Execution listeners': '执行监听器',
  'Task listeners': '任务监听器',
  Template: '模板',
  'Select template': '选择模板',
  Select: '选择',
  Unlink: '解除关联',
  Remove: '移除',
  'Extension properties': '扩展属性',
  Process: '流程',
  Version: '版本',
  'Version tag': '版本标签',
  Executable: '可执行',
  Message: '消息',
  'Correlation key': '关联键',
  'Subscription correlation key': '订阅关联键',
  Interrupting: '中断',
  Multi: '多实例',
  'Due date': '到期时间',
  'Follow up date': '跟进时间',
  'Task schedule': '任务时间',
  Priority: '优先级',
  'Create element': '创建元素',
  'Append element': '追加元素',
  'Change element': '更改元素',
  Delete: '删除',
  'Search in diagram': '在图中搜索',
  'Activate hand tool': '抓手工具',
  'Activate lasso tool': '套索工具',
  'Activate create/remove space tool': '空间工具',
  'Activate global connect tool': '连接工具',
  'Create start event': '创建开始事件',
  'Create intermediate/boundary event': '创建中间/边界事件',
  'Create end event': '创建结束事件',
  'Create gateway': '创建网关',
  'Create task': '创建任务',
  'Create data object reference': '创建数据对象',
  'Create data store reference': '创建数据存储',
  'Create expanded sub-process': '创建子流程',
  'Create pool/participant': '创建泳池',
  'Create group': '创建分组',
  'Connect to other element': '连接到其他元素',
  'Add text annotation': '添加注释',
  'Service task': '服务任务',
  'User task': '用户任务',
  'Exclusive gateway': '排他网关',
  'Parallel gateway': '并行网关',
  'Boundary event': '边界事件',
};

/** A deadline header's readable name; an unknown key in words (signOffWithin → sign off within), never the bare id. */
export function headerLabel(key: string): string {
  const known = HEADER_ZH[key];
  if (known) return getLang() === 'zh' ? known[0] : known[1];
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

export function translate(template: string, replacements: Record<string, string> = {}): string {
  const zh = getLang() === 'zh';
  // Element template names are bilingual ("发送通知 Notify"): the panel header shows one language.
  const text = zh ? (ZH[template] ?? elementTypeZh(template) ?? bilingual(template)) : bilingual(template);
  return text.replace(/{([^}]+)}/g, (_, key: string) => replacements[key] ?? `{${key}}`);
}

export const translateModule = { translate: ['value', translate] };
