/**
 * Resident portal (phone first): report a repair or complaint with photos,
 * follow the order's status and who comes when, do the resident's own steps
 * (agree a fee, sign and rate) when the procedure gives them one.
 */
import { ApiError, api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { dateTime, fromLocalInput, shortDateTime } from '../core/format.js';
import { getLang, label, t } from '../core/i18n.js';
import { names, session } from '../core/session.js';
import type { Task, Upload, WorkOrder } from '../core/types.js';
import { deadlineList, photos, statusBadge, timelineList } from '../components/order.js';
import { renderTaskForm } from '../components/task-form.js';
import type { View } from '../main.js';
import { consentVariables, feeFacts, ratingVariables, residentStep, suggestedSatisfied, yuan } from './resident-tasks.js';

const FAULT_TYPES: [zh: string, en: string][] = [
  ['给排水', 'Water and drains'],
  ['电路照明', 'Electrical and lighting'],
  ['门窗', 'Doors and windows'],
  ['墙面地面', 'Walls and floors'],
  ['电梯', 'Elevator'],
  ['燃气', 'Gas'],
  ['公共设施', 'Shared facilities'],
  ['其他', 'Other'],
];

const PROGRESS = ['reported', 'dispatched', 'signed', 'scheduled', 'on-site', 'resolved', 'closed'];

export function mount(root: HTMLElement, params: URLSearchParams): View {
  const user = session.user;
  const flat = user?.flat;
  const uploads: Upload[] = [];
  /** The Idempotency-Key of the report being sent, kept until it is answered (see the submit handler). */
  let submissionKey: string | undefined;
  const left = h('section.portal-main');
  const right = h('section.portal-orders');
  root.classList.add('portal');

  /* ----------------------------------------------------------- report */

  function reportForm(): HTMLElement {
    const kind = h(
      'select',
      { name: 'kind' },
      ['repair', 'complaint', 'consultation'].map((k) => h('option', { value: k }, label.orderKind(k))),
    );
    const faultType = h(
      'select',
      { name: 'faultType' },
      FAULT_TYPES.map(([zh, en]) => h('option', { value: zh }, getLang() === 'zh' ? zh : en)),
    );
    const part = h('input', { name: 'part', placeholder: getLang() === 'zh' ? '如：厨房水龙头' : 'e.g. kitchen tap' });
    const symptom = h('input', { name: 'symptom', placeholder: getLang() === 'zh' ? '如：漏水' : 'e.g. leaking' });
    const description = h('textarea', { name: 'description', rows: 3, required: true });
    const desired = h('input', { name: 'desiredTime', type: 'datetime-local' });
    const phone = h('input', { name: 'phone', type: 'tel', inputmode: 'tel', placeholder: '138…' });
    const thumbs = h('div.photos');
    const fileInput = h('input.visually-hidden', { name: 'photos', type: 'file', accept: 'image/*', multiple: true });
    const message = h('p.form-message', { role: 'status' });
    const repairOnly = h('div.repair-only', h('label', t('faultType'), faultType), h('label', t('part'), part), h('label', t('symptom'), symptom));
    kind.addEventListener('change', () => {
      repairOnly.hidden = kind.value !== 'repair';
    });

    fileInput.addEventListener('change', async () => {
      for (const file of Array.from(fileInput.files ?? [])) {
        const slot = h('span.thumb', t('uploading'));
        thumbs.appendChild(slot);
        const body = new FormData();
        body.append('file', file, file.name);
        try {
          const up = await api.post<Upload>('/uploads', body);
          uploads.push(up);
          const img = h('img', { alt: file.name, 'data-upload': up.id });
          img.src = URL.createObjectURL(file);
          replace(slot, img);
        } catch (err) {
          slot.className = 'thumb error';
          slot.textContent = (err as Error).message;
        }
      }
      fileInput.value = '';
    });

    const form = h(
      'form.card.report-form',
      {
        'data-testid': 'report-form',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          message.className = 'form-message';
          message.textContent = '';
          const body: Record<string, unknown> = {
            kind: kind.value,
            communityId: flat?.communityId ?? user?.communities[0],
            address: flat?.address ?? '',
            description: description.value.trim(),
            channel: 'web',
            attachments: uploads.map((u) => u.id),
          };
          if (kind.value === 'repair') {
            body.faultType = faultType.value;
            body.part = part.value.trim() || (getLang() === 'zh' ? '未注明' : 'not given');
            body.symptom = symptom.value.trim() || description.value.trim().slice(0, 100);
          }
          if (desired.value) body.desiredTime = fromLocalInput(desired.value);
          if (phone.value.trim() && user) body.reporter = { name: user.name, phone: phone.value.trim() };
          try {
            // One key per report: a second tap after a lost answer (a phone between cells) gets the same order back.
            // (getRandomValues, not randomUUID: the latter needs https, and the portal may be served on a LAN address.)
            submissionKey ??= `portal-${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
            const order = await api.post<WorkOrder>('/work-orders', body, { 'Idempotency-Key': submissionKey });
            submissionKey = undefined;
            uploads.length = 0;
            message.className = 'form-message ok';
            message.textContent = t('reported', order.number);
            message.dataset.order = order.number;
            form.reset();
            replace(thumbs);
            await loadOrders();
            await openOrder(order.id);
          } catch (err) {
            const ae = err as ApiError;
            message.className = 'form-message error';
            message.textContent = ae.details?.length ? `${ae.message} ${ae.details.map((d) => `${d.path}: ${d.message}`).join('; ')}` : ae.message;
          }
        },
      },
      h('h2', t('report')),
      h('p.muted', `${names.community(flat?.communityId)} · ${flat?.address ?? ''}`),
      h('label', t('kind'), kind),
      repairOnly,
      h('label', t('description'), description),
      h('label', t('desiredTime'), desired),
      h('label', t('phone'), phone),
      h('label.file', h('span.file-button', `+ ${t('addPhotos')}`), h('span.muted', t('photoHint')), fileInput),
      thumbs,
      h('button.primary', { type: 'submit' }, t('submitReport')),
      message,
    );
    return form;
  }

  /* ------------------------------------------------------------ orders */

  const orderList = h('div.order-list', { 'data-testid': 'my-orders' });
  const orderDetail = h('div.order-detail', { 'data-testid': 'order-detail' });

  async function loadOrders(): Promise<void> {
    try {
      const res = await api.get<{ items: WorkOrder[] }>('/work-orders?limit=50');
      const items = [...res.items].sort((a, b) => b.reportedAt.localeCompare(a.reportedAt));
      replace(
        orderList,
        items.length
          ? items.map((o) =>
              h(
                'button.order-card',
                { 'data-order': o.number, onclick: () => void openOrder(o.id) },
                h('div.card-head', h('strong', o.number), statusBadge(o.status)),
                h('div.card-line', [label.orderKind(o.kind), [o.faultType, o.part].filter(Boolean).join(' ')].filter(Boolean).join(' · ')),
                h('div.muted', shortDateTime(o.reportedAt)),
              ),
            )
          : h('p.muted', t('noOrders')),
      );
    } catch (err) {
      replace(orderList, h('p.error', (err as Error).message));
    }
  }

  function progress(status: string): HTMLElement {
    const at = PROGRESS.indexOf(status);
    return h(
      'ol.progress',
      PROGRESS.map((s, i) => h('li', { class: at >= 0 && i < at ? 'done' : i === at ? 'current' : '' }, label.status(s))),
      at < 0 ? h('li.current', label.status(status)) : null,
    );
  }

  async function openOrder(id: string): Promise<void> {
    replace(orderDetail, h('p.muted', t('loading')));
    let order: WorkOrder;
    let tasks: Task[] = [];
    try {
      order = await api.get<WorkOrder>(`/work-orders/${id}`);
      tasks = (await api.get<{ items: Task[] }>(`/tasks?workOrderId=${id}`).catch(() => ({ items: [] as Task[] }))).items;
    } catch (err) {
      replace(orderDetail, h('p.error', (err as Error).message));
      return;
    }
    const agreed = typeof order.fields.agreedArrivalAt === 'string' ? order.fields.agreedArrivalAt : null;
    const phone = names.unitPhone(order.assignedUnitId);
    replace(
      orderDetail,
      h('h2', order.number, ' ', statusBadge(order.status)),
      progress(order.status),
      h(
        'div.card.who-comes',
        { 'data-testid': 'who-comes' },
        h('h3', t('whoComes')),
        order.assignedUnitId
          ? h(
              'p',
              h('strong', names.unit(order.assignedUnitId)),
              phone ? [' · ', h('a', { href: `tel:${phone}` }, phone)] : null,
              order.technicianId ? [h('br'), `${t('technician')}: ${names.person(order.technicianId)}`] : null,
            )
          : h('p.muted', t('notYetAssigned')),
        agreed ? h('p', `${t('agreedArrival')}: `, h('strong', dateTime(agreed))) : null,
      ),
      tasks.length
        ? h(
            'div.card.your-turn',
            { 'data-testid': 'your-turn' },
            h('h3', t('yourTurn')),
            tasks.map((task) => residentTask(task, async () => {
              await loadOrders();
              await openOrder(order.id);
            })),
          )
        : null,
      ratingCard(order),
      h('p', h('strong', order.faultType ?? label.orderKind(order.kind)), ' ', order.part ?? '', ' — ', order.description),
      order.attachments.length ? photos(order.attachments) : null,
      h('h3', t('deadlines')),
      deadlineList(order.deadlines),
      h('h3', t('timeline')),
      timelineList(order.timeline, { resident: true }),
    );
    orderDetail.scrollIntoView({ block: 'start', behavior: 'instant' as ScrollBehavior });
  }

  /* ------------------------------------------------ the resident's steps */

  /** Completes a task; on an error the message shows under the step and the buttons work again. */
  async function complete(task: Task, variables: Record<string, unknown>, msg: HTMLElement, buttons: HTMLButtonElement[], done: () => Promise<void>): Promise<void> {
    buttons.forEach((b) => (b.disabled = true));
    msg.className = 'form-message';
    msg.textContent = '';
    try {
      await api.post(`/tasks/${task.id}/complete`, { variables });
      await done();
    } catch (err) {
      msg.className = 'form-message error';
      msg.textContent = (err as Error).message;
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  function residentTask(task: Task, done: () => Promise<void>): HTMLElement {
    const step = residentStep(task.kind);
    const msg = h('p.form-message', { role: 'status' });
    const head = h('h4', label.taskKind(task.kind));
    if (step === 'consent') {
      const facts = feeFacts(task.variables);
      const yes = h('button.primary.big', { type: 'button', 'data-consent': 'yes' }, t('agree'));
      const no = h('button.big', { type: 'button', 'data-consent': 'no' }, t('disagree'));
      yes.addEventListener('click', () => void complete(task, consentVariables(true), msg, [yes, no], done));
      no.addEventListener('click', () => void complete(task, consentVariables(false), msg, [yes, no], done));
      return h(
        'div.resident-task.consent',
        { 'data-task-kind': task.kind, 'data-task': task.id },
        head,
        h(
          'dl.fee-facts',
          facts.item ? [h('dt', t('feeItem')), h('dd', facts.item)] : null,
          facts.plan ? [h('dt', t('feePlan')), h('dd', facts.plan)] : null,
          h('dt', t('fee')),
          h('dd', facts.fee !== null ? h('strong.fee', { 'data-testid': 'fee' }, yuan(facts.fee)) : h('span.muted', t('feeNotYet'))),
        ),
        h('p', t('feeQuestion')),
        h('div.choice-row', yes, no),
        msg,
      );
    }
    if (step === 'rating') {
      let rating: number | null = null;
      let satisfied: boolean | null = null;
      const starButtons = [1, 2, 3, 4, 5].map((n) =>
        h('button.star', { type: 'button', 'data-star': String(n), 'aria-label': t('stars', n), 'aria-pressed': 'false' }, '★'),
      );
      const yes = h('button.choice', { type: 'button', 'data-satisfied': 'yes', 'aria-pressed': 'false' }, t('satisfied'));
      const no = h('button.choice', { type: 'button', 'data-satisfied': 'no', 'aria-pressed': 'false' }, t('notSatisfied'));
      const comment = h('textarea', { name: 'comment', rows: 3, maxlength: 2000, placeholder: t('commentPlaceholder') });
      const submit = h('button.primary.big', { type: 'button', 'data-action': 'rate' }, t('submitRating'));
      const starsText = h('span.muted.stars-text');
      const draw = () => {
        starButtons.forEach((b, i) => {
          const on = rating !== null && i < rating;
          b.classList.toggle('on', on);
          b.setAttribute('aria-pressed', String(rating === i + 1));
        });
        starsText.textContent = rating ? t('starsOf', rating) : '';
        yes.setAttribute('aria-pressed', String(satisfied === true));
        no.setAttribute('aria-pressed', String(satisfied === false));
      };
      starButtons.forEach((b, i) =>
        b.addEventListener('click', () => {
          rating = i + 1;
          if (satisfied === null) satisfied = suggestedSatisfied(rating);
          draw();
        }),
      );
      yes.addEventListener('click', () => ((satisfied = true), draw()));
      no.addEventListener('click', () => ((satisfied = false), draw()));
      submit.addEventListener('click', () => {
        const r = ratingVariables({ rating, satisfied, comment: comment.value });
        if ('missing' in r) {
          msg.className = 'form-message error';
          msg.textContent = r.missing.map((m) => t(m === 'rating' ? 'chooseStars' : 'chooseSatisfied')).join('；');
          return;
        }
        void complete(task, r.variables, msg, [submit], done);
      });
      return h(
        'div.resident-task.rating',
        { 'data-task-kind': task.kind, 'data-task': task.id },
        head,
        h('p', t('rateService')),
        h('div.stars', { role: 'group', 'aria-label': t('rating') }, starButtons, starsText),
        h('p', t('satisfiedQuestion')),
        h('div.choice-row', yes, no),
        h('label', t('yourComment'), comment),
        submit,
        msg,
      );
    }
    // Any other step of the resident: its Camunda form.
    const box = h('div');
    const wrap = h('div.resident-task', { 'data-task-kind': task.kind, 'data-task': task.id }, head, box, msg);
    void renderTaskForm(box, task.form?.schema ?? { components: [] }, task.variables).then((f) => {
      const submit = h('button.primary', { type: 'button' }, t('complete'));
      submit.addEventListener('click', async () => {
        const variables = await f.submit();
        if (variables) await complete(task, variables, msg, [submit], done);
      });
      wrap.insertBefore(submit, msg);
    });
    return wrap;
  }

  /** The resident's own rating (signature: quality, timeliness, attitude; return visit: stars and comment). */
  function ratingCard(order: WorkOrder): HTMLElement | null {
    const r = order.rating ?? {};
    const f = order.fields;
    const stars = (v: unknown) => (typeof v === 'number' ? h('span.stars-read', { 'aria-label': t('starsOf', v) }, '★'.repeat(v), h('span.off', '★'.repeat(Math.max(0, 5 - v)))) : '—');
    const rows: [string, HTMLElement | string][] = [];
    if (typeof r.quality === 'number') rows.push([t('ratingQuality'), stars(r.quality)]);
    if (typeof r.timeliness === 'number') rows.push([t('ratingTimeliness'), stars(r.timeliness)]);
    if (typeof r.attitude === 'number') rows.push([t('ratingAttitude'), stars(r.attitude)]);
    if (typeof f.satisfaction === 'number') rows.push([t('returnVisit'), stars(f.satisfaction)]);
    if (typeof f.satisfied === 'boolean') rows.push([t('satisfiedQuestion').replace(/[？?]$/, ''), f.satisfied ? t('satisfied') : t('notSatisfied')]);
    if (typeof f.returnVisitComment === 'string' && f.returnVisitComment) rows.push([t('yourComment'), f.returnVisitComment]);
    if (!rows.length) return null;
    return h('div.card.rating-card', { 'data-testid': 'rating' }, h('h3', t('rating')), h('dl.fee-facts', rows.map(([k, v]) => [h('dt', k), h('dd', v)])));
  }

  replace(left, reportForm());
  replace(right, h('h2', t('myOrders')), orderList, orderDetail);
  replace(root, left, right);
  void loadOrders().then(() => {
    const id = params.get('order');
    if (id) void openOrder(id);
  });
  return { refresh: () => void loadOrders() };
}
