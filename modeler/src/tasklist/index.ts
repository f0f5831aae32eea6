/**
 * Tasklist (staff): the caller's tasks and their groups' tasks, claim,
 * complete with the task's Camunda form (form-js), due time with
 * "breaching soon" and breached marks, filters by kind, community, priority.
 */
import { ApiError, api, qs } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { label, t } from '../core/i18n.js';
import { names, session } from '../core/session.js';
import type { Task, WorkOrder } from '../core/types.js';
import { deadlineList, dueMark, orderFacts, photos, priorityBadge, statusBadge, timelineList } from '../components/order.js';
import { renderTaskForm, type TaskForm } from '../components/task-form.js';
import type { View } from '../main.js';

type Tab = 'group' | 'mine';

const ESCALATION_KINDS = new Set(['manual-supervision', 'emergency-centre', 'street-office-supervision']);

function isEscalated(task: Task): boolean {
  return ESCALATION_KINDS.has(task.kind) || task.variables.dispatchStage === 'second';
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export function mount(root: HTMLElement, params: URLSearchParams): View {
  let tab: Tab = params.get('tab') === 'mine' ? 'mine' : 'group';
  let tasks: Task[] = [];
  let selected: string | null = params.get('task');
  let form: TaskForm | undefined;
  const followUps: number[] = [];
  const filters = { kind: '', community: '', priority: '' };

  const list = h('div.task-list', { 'data-testid': 'task-list' });
  const detail = h('section.task-detail', { 'data-testid': 'task-detail' });
  const kindSelect = h('select', { 'aria-label': t('kind'), onchange: () => ((filters.kind = kindSelect.value), draw()) });
  const communitySelect = h(
    'select',
    { 'aria-label': t('community'), onchange: () => ((filters.community = communitySelect.value), draw()) },
    h('option', { value: '' }, t('allCommunities')),
    names.communities().map((c) => h('option', { value: c.id }, names.community(c.id))),
  );
  const prioritySelect = h(
    'select',
    { 'aria-label': t('priority'), onchange: () => ((filters.priority = prioritySelect.value), draw()) },
    h('option', { value: '' }, t('allPriorities')),
    [1, 2, 3, 4].map((p) => h('option', { value: String(p) }, label.priority(p))),
  );
  const tabs = h('div.tabs');

  const drawTabs = () =>
    replace(
      tabs,
      (['group', 'mine'] as Tab[]).map((k) =>
        h(
          'button',
          {
            class: k === tab ? 'active' : '',
            'data-tab': k,
            onclick: () => {
              tab = k;
              void load();
            },
          },
          k === 'mine' ? t('myTasks') : t('groupTasks'),
        ),
      ),
    );

  function visible(): Task[] {
    return tasks.filter(
      (task) =>
        (!filters.kind || task.kind === filters.kind) &&
        (!filters.community || task.variables.communityId === filters.community) &&
        (!filters.priority || String(task.variables.priority) === filters.priority),
    );
  }

  function card(task: Task): HTMLElement {
    const v = task.variables;
    return h(
      'button.task-card',
      {
        class: task.id === selected ? 'selected' : '',
        'data-task-kind': task.kind,
        'data-order': str(v.orderNumber),
        onclick: () => {
          selected = task.id;
          draw();
          void openTask(task.id);
        },
      },
      h(
        'div.card-head',
        h('strong', label.taskKind(task.kind)),
        isEscalated(task) ? h('span.badge.escalated', { 'data-escalated': '' }, task.variables.dispatchStage === 'second' && task.kind === 'sign-off' ? t('secondUnit') : t('escalated')) : null,
        priorityBadge(typeof v.priority === 'number' ? v.priority : null),
      ),
      h('div.card-line', h('span.order-no', str(v.orderNumber)), ' · ', names.community(str(v.communityId)), ' ', str(v.address)),
      v.description ? h('div.card-desc', str(v.description)) : null,
      h(
        'div.card-foot',
        dueMark(task.dueAt, task.createdAt),
        task.assignee ? h('span.muted', task.assignee === session.user?.username ? t('claimedByYou') : t('claimedBy', names.person(task.assignee))) : null,
      ),
    );
  }

  function draw(): void {
    drawTabs();
    const kinds = [...new Set(tasks.map((x) => x.kind))];
    replace(
      kindSelect,
      h('option', { value: '' }, t('allKinds')),
      kinds.map((k) => h('option', { value: k, selected: k === filters.kind }, label.taskKind(k))),
    );
    kindSelect.value = filters.kind;
    const shown = visible();
    replace(list, shown.length ? shown.map(card) : h('p.muted.empty', t('noTasks')));
    root.classList.toggle('has-detail', !!selected);
  }

  async function load(): Promise<void> {
    try {
      const res = await api.get<{ items: Task[] }>(`/tasks${qs({ assignee: tab === 'mine' ? 'me' : undefined })}`);
      tasks = res.items;
    } catch (err) {
      replace(list, h('p.error', (err as Error).message));
      return;
    }
    draw();
    if (selected && !tasks.some((x) => x.id === selected)) closeDetail();
  }

  function closeDetail(): void {
    selected = null;
    form?.destroy();
    form = undefined;
    replace(detail);
    root.classList.remove('has-detail');
    draw();
  }

  async function openTask(id: string, entered: Record<string, unknown> = {}): Promise<void> {
    form?.destroy();
    form = undefined;
    replace(detail, h('p.muted', t('loading')));
    let task: Task;
    let order: WorkOrder | null = null;
    try {
      task = await api.get<Task>(`/tasks/${encodeURIComponent(id)}`);
      if (task.workOrderId) order = await api.get<WorkOrder>(`/work-orders/${task.workOrderId}`).catch(() => null);
    } catch (err) {
      replace(detail, h('p.error', (err as Error).message));
      return;
    }
    const message = h('p.form-message', { role: 'status' });
    const formBox = h('div.form-box', { 'data-testid': 'task-form' });
    const mine = task.assignee === session.user?.username;
    const actions = h(
      'div.actions',
      !task.assignee
        ? h('button.primary', { 'data-action': 'claim', onclick: () => void act(() => api.post(`/tasks/${task.id}/claim`)) }, t('claim'))
        : mine
          ? h('button', { 'data-action': 'unclaim', onclick: () => void act(() => api.post(`/tasks/${task.id}/unclaim`)) }, t('unclaim'))
          : h('span.muted', t('claimedBy', names.person(task.assignee))),
      h('button.primary', { 'data-action': 'complete', disabled: !!task.assignee && !mine, onclick: () => void submit() }, t('complete')),
    );

    const act = async (fn: () => Promise<unknown>) => {
      try {
        const entered = form?.data() ?? {};
        await fn();
        await load();
        await openTask(task.id, entered);
      } catch (err) {
        message.textContent = (err as Error).message;
        message.className = 'form-message error';
      }
    };

    const submit = async () => {
      const variables = form ? await form.submit() : {};
      if (variables === null) return;
      try {
        await api.post(`/tasks/${task.id}/complete`, { variables });
        message.textContent = t('taskDone');
        message.className = 'form-message ok';
        replace(detail, h('div.done', { 'data-testid': 'task-done' }, `✓ ${label.taskKind(task.kind)} · ${str(task.variables.orderNumber)} · ${t('taskDone')}`));
        selected = null;
        await load();
        // The engine runs the next service steps after the answer: the follow-up task (often the
        // same person's next step) appears a moment later; look again shortly rather than at the next poll.
        for (const ms of [700, 2000, 5000]) followUps.push(window.setTimeout(() => void load(), ms));
      } catch (err) {
        const e = err as ApiError;
        message.className = 'form-message error';
        message.textContent = e.details?.length ? `${e.message} ${e.details.map((d) => `${d.path}: ${d.message}`).join('; ')}` : e.message;
      }
    };

    replace(
      detail,
      h(
        'div.detail-head',
        h('button.link.back', { onclick: closeDetail }, `← ${t('back')}`),
        h('h2', label.taskKind(task.kind), ' ', h('span.order-no', str(task.variables.orderNumber))),
        dueMark(task.dueAt, task.createdAt),
      ),
      formBox,
      message,
      actions,
      order
        ? h(
            'div.order-box',
            h('h3', statusBadge(order.status), ' ', order.number),
            orderFacts(order),
            order.attachments.length ? [h('h3', t('attachments')), photos(order.attachments)] : null,
            h('h3', t('deadlines')),
            deadlineList(order.deadlines),
            h('details', h('summary', t('timeline')), timelineList(order.timeline)),
          )
        : null,
    );
    if (task.form?.schema) {
      try {
        form = await renderTaskForm(formBox, task.form.schema, { ...task.variables, ...entered });
      } catch (err) {
        replace(formBox, h('p.error', (err as Error).message));
      }
    }
  }

  replace(
    root,
    h('div.toolbar', tabs, h('div.filters', kindSelect, communitySelect, prioritySelect, h('button', { onclick: () => void load() }, t('refresh')))),
    h('div.split', list, detail),
  );
  root.classList.add('tasklist');
  drawTabs();
  void load().then(() => (selected ? openTask(selected) : undefined));
  const timer = window.setInterval(() => void load(), 15_000);

  return {
    unmount: () => {
      window.clearInterval(timer);
      followUps.forEach((id) => window.clearTimeout(id));
      form?.destroy();
    },
    // The clock moved: timers fired before the answer, their jobs finish just after it.
    refresh: () => {
      void load();
      for (const ms of [800, 2500]) followUps.push(window.setTimeout(() => void load(), ms));
    },
  };
}
