/**
 * Modeler (process owner): open any deployed process and version, edit it
 * with bpmn-js and the Zeebe properties panel, element templates for our job
 * workers, live lint through POST /api/deployments?dryRun=true (Camunda 8.8
 * rules + ours), a list of every deadline in the model, deploy as a new
 * version, version history.
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-element-templates/dist/assets/element-templates.css';
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule } from 'bpmn-js-properties-panel';
import { CloudElementTemplatesPropertiesProviderModule } from 'bpmn-js-element-templates';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { ApiError, api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { dateTime } from '../core/format.js';
import { bilingual, t } from '../core/i18n.js';
import type { Finding, ProcessDefinition } from '../core/types.js';
import type { View } from '../main.js';
import { deadlineRows, type DeadlineRow } from './deadlines.js';
import { translateModule } from './translate.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- diagram-js services are untyped lookups */
type Any = any;

interface ElementTemplate {
  id: string;
  name: string;
  description?: string;
  appliesTo: string[];
}

export async function mount(root: HTMLElement, params: URLSearchParams): Promise<View> {
  root.classList.add('modeler-view');
  const canvasEl = h('div.canvas', { 'data-testid': 'canvas' });
  const propsEl = h('div.props', { 'data-testid': 'properties' });
  const processSelect = h('select', { 'aria-label': t('process'), 'data-testid': 'process-select' });
  const versionSelect = h('select', { 'aria-label': t('version'), 'data-testid': 'version-select' });
  const deployButton = h('button.primary', { 'data-testid': 'deploy' }, t('deploy'));
  const lintStatus = h('span.lint-status', { 'data-testid': 'lint-status' });
  const deployMessage = h('span.deploy-message', { 'data-testid': 'deploy-message', role: 'status' });
  const findingsEl = h('ul.findings', { 'data-testid': 'findings' });
  const deadlinesEl = h('div.deadline-table', { 'data-testid': 'deadlines' });
  const historyEl = h('ol.history', { 'data-testid': 'history' });

  replace(
    root,
    h('div.toolbar', h('label', t('process'), processSelect), h('label', t('version'), versionSelect), deployButton, lintStatus, deployMessage),
    h('div.modeler-grid', canvasEl, propsEl),
    h(
      'div.modeler-side',
      h('section', h('h3', t('deadlines')), h('p.muted', t('durationHint')), deadlinesEl),
      h('section', h('h3', t('lint')), findingsEl),
      h('section', h('h3', t('versions')), historyEl),
    ),
  );

  const templates = (await fetch('/element-templates.json')
    .then((r) => (r.ok ? r.json() : []))
    .catch(() => [])) as ElementTemplate[];

  const modeler: Any = new Modeler({
    container: canvasEl,
    propertiesPanel: { parent: propsEl },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      ZeebePropertiesProviderModule,
      CloudElementTemplatesPropertiesProviderModule,
      ZeebeBehaviorsModule,
      translateModule,
    ],
    moddleExtensions: { zeebe: zeebeModdle },
    elementTemplates: templates,
  });

  let processes: ProcessDefinition[] = [];
  let currentId = params.get('process') ?? '';
  let dirty = false;
  let lintTimer: number | undefined;
  let lintSeq = 0;

  /* ---------------------------------------------------------- templates */

  modeler.on('elementTemplates.select', (event: { element: Any }) => chooseTemplate(event.element));

  function chooseTemplate(element: Any): void {
    const dialog = h('div.dialog-backdrop', { onclick: (e: Event) => e.target === dialog && dialog.remove() });
    const list = h(
      'ul.template-list',
      templates.map((tpl) =>
        h(
          'li',
          h(
            'button',
            {
              'data-template': tpl.id,
              onclick: () => {
                modeler.get('elementTemplates').applyTemplate(element, tpl);
                dialog.remove();
              },
            },
            h('strong', bilingual(tpl.name)),
            h('span.muted', tpl.description ?? ''),
          ),
        ),
      ),
    );
    dialog.appendChild(h('div.dialog', { 'data-testid': 'template-chooser' }, h('h3', t('chooseTemplate')), list, h('button', { onclick: () => dialog.remove() }, t('close'))));
    document.body.appendChild(dialog);
  }

  /* --------------------------------------------------------------- lint */

  function showFindings(findings: Finding[]): void {
    const overlays = modeler.get('overlays');
    const registry = modeler.get('elementRegistry');
    overlays.remove({ type: 'lint' });
    for (const f of findings) {
      if (f.path && registry.get(f.path)) {
        overlays.add(f.path, 'lint', { position: { top: -12, right: 12 }, html: `<span class="lint-badge" title="${f.message.replace(/"/g, '&quot;')}">!</span>` });
      }
    }
    replace(
      findingsEl,
      findings.length ? null : h('li.muted', t('lintOk')),
      findings.map((f) =>
        h(
          'li',
          h(
            'button.link',
            {
              onclick: () => {
                const el = registry.get(f.path);
                if (el) {
                  modeler.get('selection').select(el);
                  modeler.get('canvas').scrollToElement(el);
                }
              },
            },
            bilingual(registry.get(f.path)?.businessObject?.name) || f.path || 'XML',
          ),
          ' ',
          f.path && registry.get(f.path)?.businessObject?.name ? h('code.muted', f.path) : null,
          ' ',
          f.message,
        ),
      ),
    );
    lintStatus.className = `lint-status ${findings.length ? 'bad' : 'ok'}`;
    lintStatus.textContent = findings.length ? `✗ ${t('lintProblems', findings.length)}` : `✓ ${t('lintOk')}`;
    deployButton.disabled = findings.length > 0;
  }

  async function lintNow(): Promise<void> {
    const seq = ++lintSeq;
    lintStatus.className = 'lint-status pending';
    lintStatus.textContent = t('linting');
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const res = await api.post<{ valid: boolean; findings: Finding[] }>('/deployments?dryRun=true', { name: `${currentId || 'model'}.bpmn`, xml });
      if (seq === lintSeq) showFindings(res.findings);
    } catch (err) {
      if (seq === lintSeq) {
        lintStatus.className = 'lint-status bad';
        lintStatus.textContent = (err as Error).message;
      }
    }
  }

  modeler.on('commandStack.changed', () => {
    dirty = true;
    deployMessage.textContent = '';
    drawDeadlines();
    window.clearTimeout(lintTimer);
    lintTimer = window.setTimeout(() => void lintNow(), 600);
  });

  /* ---------------------------------------------------------- deadlines */

  function drawDeadlines(): void {
    const rows = deadlineRows(modeler);
    replace(
      deadlinesEl,
      rows.length
        ? h(
            'table',
            h('tbody', rows.map((r) => deadlineRow(r))),
          )
        : h('p.muted', t('none')),
    );
  }

  function deadlineRow(row: DeadlineRow): HTMLElement {
    const input = h('input', { value: row.value, size: 10, 'data-deadline-element': row.elementId, 'data-deadline-key': row.key, 'aria-label': row.label });
    input.addEventListener('change', () => {
      const value = input.value.trim();
      if (!row.valid(value)) {
        input.classList.add('invalid');
        return;
      }
      input.classList.remove('invalid');
      row.set(value);
    });
    return h(
      'tr',
      h(
        'td',
        h(
          'button.link',
          {
            'data-select-element': row.elementId,
            onclick: () => {
              const el = modeler.get('elementRegistry').get(row.elementId);
              modeler.get('selection').select(el);
              modeler.get('canvas').scrollToElement(el);
            },
          },
          row.label,
        ),
        h('div.muted', row.detail),
      ),
      h('td', input, h('div.muted', row.human)),
    );
  }

  /* ------------------------------------------------- processes, versions */

  async function loadProcesses(): Promise<void> {
    processes = (await api.get<{ items: ProcessDefinition[] }>('/processes')).items;
    const ids = [...new Set(processes.map((p) => p.bpmnProcessId))];
    if (!currentId || !ids.includes(currentId)) currentId = ids.includes('repair') ? 'repair' : (ids[0] ?? '');
    replace(
      processSelect,
      ids.map((id) => {
        const latest = processes.filter((p) => p.bpmnProcessId === id).at(-1);
        return h('option', { value: id, selected: id === currentId }, `${bilingual(latest?.name) || id}`);
      }),
    );
    processSelect.value = currentId;
  }

  function versionsOf(id: string): ProcessDefinition[] {
    return processes.filter((p) => p.bpmnProcessId === id).sort((a, b) => b.version - a.version);
  }

  function drawVersions(selected: number): void {
    const versions = versionsOf(currentId);
    replace(
      versionSelect,
      versions.map((v) => h('option', { value: String(v.version), selected: v.version === selected }, `v${v.version} · ${dateTime(v.deployedAt)}`)),
    );
    versionSelect.value = String(selected);
    replace(
      historyEl,
      versions.map((v) =>
        h(
          'li',
          { class: v.version === selected ? 'current' : '', 'data-version': String(v.version) },
          h('button.link', { onclick: () => void open(currentId, v.version) }, `${t('version')} ${v.version}`),
          ` · ${t('deployedAt')} ${dateTime(v.deployedAt)}`,
        ),
      ),
    );
  }

  async function open(id: string, version?: number): Promise<void> {
    if (dirty && !window.confirm('放弃未部署的修改？ Discard changes that are not deployed?')) {
      processSelect.value = currentId;
      return;
    }
    currentId = id;
    const v = version ?? versionsOf(id)[0]?.version;
    if (v === undefined) return;
    const xml = await api.text(`/processes/${encodeURIComponent(id)}/xml?version=${v}`);
    await modeler.importXML(xml);
    modeler.get('canvas').zoom('fit-viewport');
    dirty = false;
    drawVersions(v);
    drawDeadlines();
    void lintNow();
  }

  processSelect.addEventListener('change', () => void open(processSelect.value));
  versionSelect.addEventListener('change', () => void open(currentId, Number(versionSelect.value)));

  deployButton.addEventListener('click', async () => {
    deployButton.disabled = true;
    deployMessage.className = 'deploy-message';
    deployMessage.textContent = '…';
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const res = await api.post<{ bpmnProcessId: string; version: number; duplicate: boolean }>('/deployments', { name: `${currentId}.bpmn`, xml });
      dirty = false;
      await loadProcesses();
      currentId = res.bpmnProcessId;
      processSelect.value = currentId;
      drawVersions(res.version);
      deployMessage.className = 'deploy-message ok';
      deployMessage.textContent = res.duplicate ? t('unchanged', res.version) : `✓ ${t('deployed', currentId, res.version)}`;
    } catch (err) {
      const e = err as ApiError;
      deployMessage.className = 'deploy-message error';
      deployMessage.textContent = e.message;
      if (e.details?.length) showFindings(e.details);
    } finally {
      deployButton.disabled = false;
    }
  });

  await loadProcesses();
  if (currentId) await open(currentId, params.get('version') ? Number(params.get('version')) : undefined);

  return {
    unmount: () => {
      window.clearTimeout(lintTimer);
      modeler.destroy();
    },
  };
}
