/**
 * A task's Camunda form (form-js JSON from GET /api/tasks → form.schema),
 * rendered by the form-js viewer with the task's variables as initial data,
 * labels in the chosen language. `submit()` validates in the browser and
 * resolves the variables to send, or null when the form shows errors.
 */
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import { Form } from '@bpmn-io/form-js-viewer';
import flatpickr from 'flatpickr';
import { Mandarin } from 'flatpickr/dist/l10n/zh.js';
import { bilingual, bilingualText, getLang, t } from '../core/i18n.js';
import { FORM_ZH } from './form-translate.js';

type Json = Record<string, unknown>;

function localize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(localize);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (typeof v === 'string' && ['label', 'dateLabel', 'timeLabel', 'description'].includes(k)) out[k] = bilingual(v);
    else if (typeof v === 'string' && k === 'text') out[k] = bilingualText(v);
    else out[k] = localize(v);
  }
  return out;
}

/** The keys the form collects (nested components included). */
function formKeys(schema: unknown): Set<string> {
  const keys = new Set<string>();
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Json;
      if (typeof o.key === 'string') keys.add(o.key);
      walk(o.components);
    }
  };
  walk(schema);
  return keys;
}

export interface TaskForm {
  submit(): Promise<Json | null>;
  /** What has been entered so far (unvalidated), to keep it across a re-render. */
  data(): Json;
  destroy(): void;
}

/** form-js has no translations: its select placeholder ("Select") follows the chosen language here. */
function localizePlaceholders(container: HTMLElement): MutationObserver {
  const fix = () => {
    for (const el of Array.from(container.querySelectorAll('.fjs-select-placeholder'))) {
      if (el.textContent === 'Select') el.textContent = t('select');
    }
  };
  const observer = new MutationObserver(fix);
  observer.observe(container, { subtree: true, childList: true, characterData: true });
  fix();
  return observer;
}

/** form-js's `translate` service in the chosen language; anything not listed stays English. */
function formTranslate(template: string, replacements: Record<string, unknown> = {}): string {
  const text = getLang() === 'zh' ? (FORM_ZH[template] ?? template) : template;
  return text.replace(/{([^}]+)}/g, (_, key: string) => (replacements[key] === undefined ? `{${key}}` : String(replacements[key])));
}

/** English as flatpickr ships it, to switch back from Chinese. */
const FLATPICKR_EN = { ...flatpickr.l10ns.default };

/**
 * form-js's date field is a flatpickr calendar: month and weekday names,
 * "week" and the day's accessible name (2026年11月23日) in the chosen language.
 */
export function localizeDatePicker(): void {
  const zh = getLang() === 'zh';
  flatpickr.localize(zh ? { ...Mandarin, firstDayOfWeek: 1 } : FLATPICKR_EN);
  flatpickr.setDefaults({ ariaDateFormat: zh ? 'Y年n月j日' : 'F j, Y' });
}

export async function renderTaskForm(container: HTMLElement, schema: unknown, variables: Json): Promise<TaskForm> {
  localizeDatePicker();
  const form = new Form({ container, additionalModules: [{ translate: ['value', formTranslate] }] });
  const observer = localizePlaceholders(container);
  const keys = formKeys(schema);
  const initial = Object.fromEntries(Object.entries(variables).filter(([k]) => keys.has(k)));
  await form.importSchema(localize(schema) as Parameters<Form['importSchema']>[0], initial);
  return {
    async submit() {
      const { data, errors } = form.submit() as { data: Json; errors: Record<string, unknown> };
      if (Object.keys(errors).length) return null;
      // Empty optional fields are left out rather than sent as null / "".
      return Object.fromEntries(Object.entries(data).filter(([k, v]) => keys.has(k) && v !== null && v !== undefined && v !== ''));
    },
    data() {
      const state = (form as unknown as { _getState(): { data: Json } })._getState();
      return Object.fromEntries(Object.entries(state.data ?? {}).filter(([k]) => keys.has(k)));
    },
    destroy() {
      observer.disconnect();
      form.destroy();
    },
  };
}
