/**
 * Inspector (manager): process instances filtered by process, state and any
 * business variable (order number, community, address, resident); one
 * instance's diagram with active / completed / incident overlays, where it
 * stands, its timeline, variables and incidents.
 */
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { api, qs } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { dateTime } from '../core/format.js';
import { bilingual, label, t } from '../core/i18n.js';
import { names } from '../core/session.js';
import type { ProcessDefinition, ProcessInstance, WorkOrder } from '../core/types.js';
import { deadlineList, orderFacts, photos, statusBadge, timelineList } from '../components/order.js';
import type { View } from '../main.js';
import { variableLabel, variableValue } from './variables.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- diagram-js services are untyped lookups */
type Any = any;

const xmlCache = new Map<string, Promise<string>>();
function processXml(id: string, version: number): Promise<string> {
  const key = `${id}@${version}`;
  let p = xmlCache.get(key);
  if (!p) {
    p = api.text(`/processes/${encodeURIComponent(id)}/xml?version=${version}`);
    xmlCache.set(key, p);
  }
  return p;
}

/** Element id → name of a process version's steps (tasks, call activities, catch events), for "current step". */
const STEP = /Task$|^callActivity$|^subProcess$|^intermediateCatchEvent$/;
const namesCache = new Map<string, Promise<Map<string, string>>>();
function elementNames(id: string, version: number): Promise<Map<string, string>> {
  const key = `${id}@${version}`;
  let p = namesCache.get(key);
  if (!p) {
    p = processXml(id, version).then((xml) => {
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      const map = new Map<string, string>();
      for (const el of Array.from(doc.querySelectorAll('[id]'))) {
        if (STEP.test(el.localName)) map.set(el.getAttribute('id') ?? '', el.getAttribute('name') || el.getAttribute('id') || '');
      }
      return map;
    });
    namesCache.set(key, p);
  }
  return p;
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export async function mount(root: HTMLElement, params: URLSearchParams): Promise<View> {
  root.classList.add('inspector');
  const processSelect = h('select', { 'aria-label': t('process') });
  const stateSelect = h(
    'select',
    { 'aria-label': t('state') },
    h('option', { value: '' }, t('allStates')),
    ['active', 'incident', 'completed', 'canceled'].map((s) => h('option', { value: s }, label.instanceState(s))),
  );
  const communitySelect = h(
    'select',
    { 'aria-label': t('community') },
    h('option', { value: '' }, t('allCommunities')),
    names.communities().map((c) => h('option', { value: c.id }, names.community(c.id))),
  );
  const search = h('input', { type: 'search', placeholder: t('searchPlaceholder'), 'data-testid': 'instance-search', value: params.get('q') ?? '' });
  // The reporting resident's name or phone: looked up in the ledger by the server, answers stay masked.
  const resident = h('input', { type: 'search', placeholder: t('residentPlaceholder'), 'aria-label': t('residentPlaceholder'), 'data-testid': 'instance-resident', value: params.get('resident') ?? '' });
  const list = h('div.instance-list', { 'data-testid': 'instance-list' });
  const PAGE = 50;
  const detail = h('section.instance-detail', { 'data-testid': 'instance-detail' });
  let viewer: Any;
  let instances: ProcessInstance[] = [];

  const definitions = (await api.get<{ items: ProcessDefinition[] }>('/processes')).items;
  const ids = [...new Set(definitions.map((d) => d.bpmnProcessId))];
  replace(
    processSelect,
    h('option', { value: '' }, t('allProcesses')),
    ids.map((id) => h('option', { value: id }, bilingual(definitions.filter((d) => d.bpmnProcessId === id).at(-1)?.name) || id)),
  );
  const processName = (id: string) => bilingual(definitions.find((d) => d.bpmnProcessId === id)?.name) || id;

  /** The server filters (GET /api/process-instances: process, state, variable.communityId, q), newest first, a page at a time. */
  function query(offset: number): string {
    const term = search.value.trim();
    // A community typed by its name filters by the community's variable.
    const community = communitySelect.value || names.communities().find((c) => term && names.community(c.id) === term)?.id;
    return `/process-instances${qs({
      bpmnProcessId: processSelect.value || undefined,
      state: stateSelect.value || undefined,
      'variable.communityId': community,
      q: community && !communitySelect.value ? undefined : term || undefined,
      resident: resident.value.trim() || undefined,
      offset,
      limit: PAGE,
    })}`;
  }

  let loading = 0;
  async function load(append = false): Promise<void> {
    const ticket = ++loading;
    let page: { items: ProcessInstance[]; hasMore: boolean };
    try {
      page = await api.get<{ items: ProcessInstance[]; hasMore: boolean }>(query(append ? instances.length : 0));
    } catch (err) {
      replace(list, h('p.error', (err as Error).message));
      return;
    }
    if (ticket !== loading) return; // a newer search answered meanwhile
    instances = append ? [...instances, ...page.items] : page.items;
    await drawList(page.hasMore);
  }

  async function drawList(hasMore: boolean): Promise<void> {
    const shown = instances;
    if (!shown.length) {
      replace(list, h('p.muted', t('noInstances')));
      return;
    }
    const rows = await Promise.all(
      shown.map(async (i) => {
        const nm = await elementNames(i.bpmnProcessId, i.version).catch(() => new Map<string, string>());
        const steps = i.activeElementIds.filter((id) => nm.has(id)).map((id) => bilingual(nm.get(id)));
        return h(
          'button.instance-row',
          { 'data-key': i.key, 'data-order': str(i.variables.orderNumber), onclick: () => void openInstance(i.key) },
          h('strong', str(i.variables.orderNumber) || str(i.variables.outageNumber) || processName(i.bpmnProcessId)),
          h('span.badge', { class: `state-${i.state}` }, label.instanceState(i.state)),
          h('span', `${processName(i.bpmnProcessId)} v${i.version}`),
          h('span', names.community(str(i.variables.communityId)), ' ', str(i.variables.address)),
          h('span.muted', steps.length ? `${t('currentStep')}: ${steps.join('、')}` : ''),
          h('span.muted', dateTime(i.startedAt)),
        );
      }),
    );
    replace(list, rows, hasMore ? h('button.more', { 'data-testid': 'more-instances', onclick: () => void load(true) }, t('more')) : null);
  }

  async function openInstance(key: string): Promise<void> {
    replace(detail, h('p.muted', t('loading')));
    root.classList.add('has-detail');
    let instance: ProcessInstance;
    let order: WorkOrder | null = null;
    try {
      instance = await api.get<ProcessInstance>(`/process-instances/${encodeURIComponent(key)}`);
      if (instance.businessKey) order = await api.get<WorkOrder>(`/work-orders/${instance.businessKey}`).catch(() => null);
    } catch (err) {
      replace(detail, h('p.error', (err as Error).message));
      return;
    }
    const nm = await elementNames(instance.bpmnProcessId, instance.version).catch(() => new Map<string, string>());
    const diagramEl = h('div.diagram', { 'data-testid': 'diagram' });
    const current = [...new Set(instance.activeElementIds.filter((id) => nm.has(id)).map((id) => bilingual(nm.get(id))))];
    replace(
      detail,
      h(
        'div.detail-head',
        h('button.link.back', { onclick: () => root.classList.remove('has-detail') }, `← ${t('back')}`),
        h('h2', str(instance.variables.orderNumber) || instance.key, ' ', h('span.badge', { class: `state-${instance.state}` }, label.instanceState(instance.state))),
        h('p', `${processName(instance.bpmnProcessId)} · ${t('version')} ${instance.version} · ${t('startedAt')} ${dateTime(instance.startedAt)}`, instance.endedAt ? ` · ${t('endedAt')} ${dateTime(instance.endedAt)}` : ''),
        current.length ? h('p.current-step', { 'data-testid': 'current-step' }, `${t('currentStep')}: `, h('strong', current.join('、'))) : null,
      ),
      h(
        'div.legend',
        h('span.lg.lg-active', t('legendActive')),
        h('span.lg.lg-completed', t('legendCompleted')),
        h('span.lg.lg-incident', t('legendIncident')),
      ),
      diagramEl,
      h(
        'div.detail-cols',
        h(
          'div',
          h('h3', t('incidents')),
          instance.incidents.length
            ? h('ul.incidents', { 'data-testid': 'incidents' }, instance.incidents.map((i) => h('li', h('strong', bilingual(nm.get(i.elementId) ?? i.elementId)), ': ', i.message)))
            : h('p.muted', t('noIncidents')),
          order ? [h('h3', statusBadge(order.status), ' ', order.number), orderFacts(order), order.attachments.length ? photos(order.attachments) : null, h('h3', t('deadlines')), deadlineList(order.deadlines)] : null,
        ),
        h('div', h('h3', t('timeline')), order ? timelineList(order.timeline) : h('p.muted', t('none'))),
        h(
          'div',
          h('h3', t('variables')),
          h(
            'table.vars',
            { 'data-testid': 'variables' },
            h(
              'tbody',
              Object.entries(instance.variables)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => h('tr', { 'data-variable': k }, h('th', { title: k }, variableLabel(k)), h('td', variableValue(k, v, instance.variables)))),
            ),
          ),
        ),
      ),
    );

    viewer?.destroy();
    viewer = new NavigatedViewer({ container: diagramEl });
    try {
      await viewer.importXML(await processXml(instance.bpmnProcessId, instance.version));
      const canvas = viewer.get('canvas');
      const overlays = viewer.get('overlays');
      const registry = viewer.get('elementRegistry');
      const incidentIds = new Set(instance.incidents.map((i) => i.elementId));
      for (const id of new Set(instance.completedElementIds)) if (registry.get(id)) canvas.addMarker(id, 'el-completed');
      for (const id of instance.activeElementIds) {
        if (!registry.get(id)) continue;
        canvas.addMarker(id, 'el-active');
        overlays.add(id, { position: { top: -14, left: -6 }, html: `<span class="here-badge">● ${t('currentStep')}</span>` });
      }
      for (const id of incidentIds) {
        if (registry.get(id)) {
          canvas.addMarker(id, 'el-incident');
          overlays.add(id, { position: { bottom: 4, right: 4 }, html: '<span class="incident-badge">!</span>' });
        }
      }
      // Where it stands: the first active step at a readable zoom, in the middle of the view.
      canvas.zoom('fit-viewport');
      const focus = instance.activeElementIds.map((id) => registry.get(id)).find((el: Any) => el && nm.has(el.id));
      if (focus) {
        const outer = canvas.viewbox().outer;
        const scale = Math.min(0.9, Math.max(canvas.viewbox().scale, 0.5));
        const width = outer.width / scale;
        const height = outer.height / scale;
        canvas.viewbox({ x: focus.x + focus.width / 2 - width / 2, y: focus.y + focus.height / 2 - height / 2, width, height });
      }
    } catch (err) {
      replace(diagramEl, h('p.error', (err as Error).message));
    }
  }

  processSelect.addEventListener('change', () => void load());
  stateSelect.addEventListener('change', () => void load());
  communitySelect.addEventListener('change', () => void load());
  let typing: ReturnType<typeof setTimeout> | undefined;
  for (const box of [search, resident]) {
    box.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => void load(), 250);
    });
  }

  replace(
    root,
    h('div.toolbar', h('div.filters', processSelect, stateSelect, communitySelect, search, resident, h('button', { onclick: () => void load() }, t('refresh')))),
    h('div.split', list, detail),
  );
  await load();
  const key = params.get('key');
  if (key) await openInstance(key);
  return {
    unmount: () => viewer?.destroy(),
    refresh: () => void load(),
  };
}
