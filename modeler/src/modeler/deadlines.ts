/**
 * Every deadline written into the model, in one list a process owner can
 * edit: literal timer durations / cycles on timer events, and task headers
 * holding an ISO duration (`signOffWithin`, `feedbackWithin`, …) that the
 * workers turn into deadlines. FEEL timers (`=contactDueAt`) are computed by
 * the workers and not listed.
 */
import { duration } from '../core/format.js';
import { bilingual, t } from '../core/i18n.js';
import { headerLabel } from './translate.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- diagram-js services and moddle elements are untyped */
type Any = any;

export interface DeadlineRow {
  elementId: string;
  key: string;
  label: string;
  detail: string;
  value: string;
  human: string;
  valid(value: string): boolean;
  set(value: string): void;
}

const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const CYCLE = /^R\d*\/P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

export function isoDurationMs(value: string): number | null {
  const m = DURATION.exec(value);
  if (!m) return null;
  const n = (s: string | undefined) => (s ? parseFloat(s) : 0);
  return (
    ((n(m[1]) * 365 + n(m[2]) * 30 + n(m[3]) * 7 + n(m[4])) * 24 * 3600 + n(m[6]) * 3600 + n(m[7]) * 60 + n(m[8])) * 1000
  );
}

function humanize(value: string): string {
  const cycle = /^R(\d*)\/(.+)$/.exec(value);
  if (cycle) {
    const ms = isoDurationMs(cycle[2]);
    return ms === null ? '' : `${cycle[1] ? `${cycle[1]} × ` : ''}${duration(ms)}`;
  }
  const ms = isoDurationMs(value);
  return ms === null ? '' : duration(ms);
}

const nameOf = (el: Any): string => bilingual(el?.businessObject?.name) || el?.id || '';

export function deadlineRows(modeler: Any): DeadlineRow[] {
  const registry = modeler.get('elementRegistry');
  const modeling = modeler.get('modeling');
  const rows: DeadlineRow[] = [];

  for (const el of registry.getAll() as Any[]) {
    const bo = el.businessObject;
    if (!bo || el.type === 'label') continue;

    for (const def of (bo.eventDefinitions ?? []) as Any[]) {
      if (def.$type !== 'bpmn:TimerEventDefinition') continue;
      const expr = def.timeDuration ?? def.timeCycle;
      const body: unknown = expr?.body;
      if (!expr || typeof body !== 'string' || body.trim().startsWith('=')) continue;
      const isCycle = !!def.timeCycle;
      rows.push({
        elementId: el.id,
        key: isCycle ? 'timeCycle' : 'timeDuration',
        label: nameOf(el),
        detail: el.host ? t('timerOf', nameOf(el.host)) : '',
        value: body.trim(),
        human: humanize(body.trim()),
        valid: (v) => (isCycle ? CYCLE : DURATION).test(v),
        set: (v) => modeling.updateModdleProperties(el, expr, { body: v }),
      });
    }

    const headers = ((bo.extensionElements?.values ?? []) as Any[]).find((v) => v.$type === 'zeebe:TaskHeaders');
    for (const header of (headers?.values ?? []) as Any[]) {
      const value = String(header.value ?? '');
      if (!DURATION.test(value)) continue;
      rows.push({
        elementId: el.id,
        key: header.key,
        label: nameOf(el),
        detail: t('headerOf', nameOf(el), headerLabel(String(header.key))),
        value,
        human: humanize(value),
        valid: (v) => DURATION.test(v),
        set: (v) => modeling.updateModdleProperties(el, header, { value: v }),
      });
    }
  }
  return rows.sort((a, b) => a.label.localeCompare(b.label, 'zh-CN') || a.key.localeCompare(b.key));
}
