/**
 * Element templates for the modeler (Camunda 8 / Zeebe element templates):
 * one per job worker in workers/index.ts, so a process owner picks
 * "派单 Dispatch to unit" instead of typing a job type. The job type is a
 * hidden binding; every header the worker reads is a field, its default
 * taken from where processes/*.bpmn already uses the type.
 *
 *   tsx scripts/element-templates.ts    writes modeler/public/element-templates.json (run by `npm run build:web`)
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workers } from '../workers/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

/** zh / en labels of the headers the workers read; other headers show their key. */
const HEADER_LABELS: Record<string, [string, string]> = {
  stage: ['派单阶段', 'Dispatch stage'],
  signOffWithin: ['签收时限（须与签收任务的定时器一致）', 'Sign-off time (must match the sign-off timer)'],
  dayGroup: ['白班处理组', 'Day-time group'],
  nightGroup: ['夜班处理组', 'Night-time group'],
  level: ['升级级别', 'Escalation level'],
  procedure: ['转入流程', 'Target procedure'],
  status: ['工单状态', 'Order status'],
  to: ['通知对象', 'Recipients'],
  channel: ['通知渠道', 'Channel'],
  text: ['通知内容（{orderNumber} 等占位符）', 'Text ({orderNumber} placeholders)'],
  timelineType: ['处理过程记录类型', 'Timeline entry type'],
  deadline: ['时限名称', 'Deadline name'],
  notify: ['通知对象', 'Notify'],
  notifyText: ['通知内容', 'Notice text'],
  note: ['备注', 'Note'],
  closeDeadlines: ['关闭的时限（逗号分隔）', 'Deadlines to close (comma separated)'],
  deferralLimit: ['缓办期限（ISO 时长）', 'Deferral limit (ISO duration)'],
  defaultExtensionDays: ['默认延期天数', 'Default extension days'],
  signedOrderWithin: ['签字单交回时限', 'Signed order back within'],
  returnVisitWithin: ['回访时限', 'Return visit within'],
  routineArrivalWithin: ['日常到场时限', 'Routine arrival within'],
  confirmWithin: ['查验时限', 'Confirm within'],
};

/** Names of job types used for several different steps (the first use would name them too narrowly). */
const GENERIC_NAMES: Record<string, string> = {
  notify: '发送通知 Send a notice',
  'set-status': '设置工单状态 Set order status',
  escalate: '升级督办 Escalate',
  'record-breach': '记录超时 Record breach',
  'link-procedure': '转其他流程 Hand over to another procedure',
  'dispatch-unit': '派单 Dispatch to unit',
};

const CHOICES: Record<string, [string, string][]> = {
  stage: [
    ['first', '第一维修单位 first unit'],
    ['second', '第二维修单位 second unit'],
  ],
  channel: [
    ['sms', '短信 SMS'],
    ['app', 'App 消息 app'],
    ['phone', '电话 phone'],
  ],
};

interface ServiceTaskUse {
  name: string;
  headers: Record<string, string>;
}

const unescape = (s: string): string =>
  s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Service tasks per job type, read from BPMN XML texts (name and headers of each use). */
export function serviceTaskUses(xmls: string[]): Map<string, ServiceTaskUse[]> {
  const uses = new Map<string, ServiceTaskUse[]>();
  for (const xml of xmls) {
    for (const block of xml.split(/<bpmn:serviceTask\b/).slice(1)) {
      const body = block.slice(0, block.indexOf('</bpmn:serviceTask>'));
      const type = /<zeebe:taskDefinition[^>]*\btype="([^"]+)"/.exec(body)?.[1];
      if (!type) continue;
      const name = unescape(/^[^>]*\bname="([^"]*)"/.exec(body)?.[1] ?? type);
      const headers: Record<string, string> = {};
      for (const m of body.matchAll(/<zeebe:header key="([^"]+)" value="([^"]*)"/g)) headers[m[1]] = unescape(m[2]);
      const list = uses.get(type) ?? [];
      list.push({ name, headers });
      uses.set(type, list);
    }
  }
  return uses;
}

export interface ElementTemplate {
  $schema: string;
  id: string;
  name: string;
  description: string;
  version: number;
  category: { id: string; name: string };
  appliesTo: string[];
  elementType: { value: string };
  properties: Record<string, unknown>[];
}

export function buildElementTemplates(
  modules: readonly { type: string; headers: readonly string[] }[],
  xmls: string[],
): ElementTemplate[] {
  const uses = serviceTaskUses(xmls);
  return modules.map((worker) => {
    const seen = uses.get(worker.type) ?? [];
    const name = GENERIC_NAMES[worker.type] ?? seen[0]?.name ?? worker.type;
    return {
      $schema: 'https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json',
      id: `propflow.${worker.type}`,
      name,
      description: `作业类型 job type: ${worker.type}`,
      version: 1,
      category: { id: 'propflow', name: '物业流程 PropFlow' },
      appliesTo: ['bpmn:Task'],
      elementType: { value: 'bpmn:ServiceTask' },
      properties: [
        { type: 'Hidden', value: worker.type, binding: { type: 'zeebe:taskDefinition', property: 'type' } },
        ...worker.headers.map((key) => {
          const [zh, en] = HEADER_LABELS[key] ?? [key, key];
          const values = [...new Set(seen.map((u) => u.headers[key]).filter((v): v is string => v !== undefined))];
          const choices = CHOICES[key];
          return {
            id: `header-${key}`,
            label: `${zh} ${en}`,
            ...(choices ? { type: 'Dropdown', choices: choices.map(([value, label]) => ({ value, name: label })) } : { type: 'String' }),
            ...(values[0] !== undefined ? { value: values[0] } : {}),
            ...(values.length > 1 ? { description: `模型中的取值 used in the models: ${values.join(' | ')}` } : {}),
            binding: { type: 'zeebe:taskHeader', key },
          };
        }),
      ],
    };
  });
}

async function main(): Promise<void> {
  const dir = path.join(repoRoot, 'processes');
  const xmls = await Promise.all((await readdir(dir)).filter((f) => f.endsWith('.bpmn')).sort().map((f) => readFile(path.join(dir, f), 'utf8')));
  const templates = buildElementTemplates(workers, xmls);
  const out = path.join(repoRoot, 'modeler', 'public', 'element-templates.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(templates, null, 2) + '\n');
  process.stdout.write(`element templates: ${templates.length} → ${path.relative(repoRoot, out)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
