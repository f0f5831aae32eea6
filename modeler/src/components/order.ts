/** Pieces of a work order every view shows the same way: status, deadlines, timeline, photos, due marks. */
import { api } from '../core/api.js';
import { h } from '../core/dom.js';
import { dateTime, duration, shortDateTime } from '../core/format.js';
import { bilingual, bilingualText, label, t } from '../core/i18n.js';
import { names, session } from '../core/session.js';
import type { Deadline, TimelineEntry, WorkOrder } from '../core/types.js';

export function statusBadge(status: string): HTMLElement {
  return h('span.badge', { class: `status-${status}`, 'data-status': status }, label.status(status));
}

export function priorityBadge(priority: number | null | undefined): HTMLElement | null {
  if (priority === null || priority === undefined) return null;
  return h('span.badge', { class: `prio-${priority}` }, label.priority(priority));
}

export type DueState = 'breached' | 'soon' | 'ok';

/** Breached when past due; "breaching soon" in the last quarter of the window (at least 1 minute, at most 2 hours). */
export function dueState(dueAt: string | null, since: string | null, now = session.now()): DueState | null {
  if (!dueAt) return null;
  const due = new Date(dueAt).getTime();
  const left = due - now;
  if (left < 0) return 'breached';
  const window = since ? due - new Date(since).getTime() : 0;
  const soon = Math.min(Math.max(window * 0.25, 60_000), 2 * 3_600_000);
  return left <= soon ? 'soon' : 'ok';
}

/** "时限 10:08 · 还剩 3 分钟" with the breached / breaching-soon mark. */
export function dueMark(dueAt: string | null, since: string | null): HTMLElement | null {
  const state = dueState(dueAt, since);
  if (!dueAt || !state) return null;
  const left = new Date(dueAt).getTime() - session.now();
  return h(
    'span.due',
    { class: `due-${state}`, 'data-due': state },
    state === 'breached' ? h('strong.mark', t('breached')) : state === 'soon' ? h('strong.mark', t('breachingSoon')) : null,
    `${t('due')} ${shortDateTime(dueAt)} · `,
    left < 0 ? t('overdueBy', duration(left)) : t('inTime', duration(left)),
  );
}

export function deadlineList(deadlines: Deadline[]): HTMLElement {
  if (!deadlines.length) return h('p.muted', t('none'));
  return h(
    'ul.deadlines',
    deadlines.map((d) => {
      const state = d.breached ? 'breached' : d.metAt ? 'met' : d.canceledAt ? 'canceled' : 'open';
      return h(
        'li',
        { class: `deadline-${state}`, 'data-deadline': d.name },
        h('span.name', label.deadline(d.name)),
        h('span', shortDateTime(d.dueAt)),
        h(
          'span.badge',
          { class: `dl-${state}` },
          state === 'breached' ? t('breached') : state === 'met' ? t('met') : state === 'canceled' ? t('canceled') : t('open'),
        ),
      );
    }),
  );
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})\b/g;

/** A recipient address of the notifier (unit:U-A, group:supervisor, user:tech1) as a name. */
function recipient(address: string): string {
  if (!address.includes(':')) return label.role(address);
  const [kind, id] = address.split(':');
  if (kind === 'unit') return names.unit(id);
  if (kind === 'group') return label.role(id);
  if (kind === 'user') return names.person(id);
  return address;
}

/**
 * A timeline note as a person reads it: engine wording such as
 * "sms → unit:U-B: …", "… (sign-off) opened for unit:U-A, due 2026-…Z" or
 * "repair reported via phone" with names, local times and Chinese labels.
 */
export function humanNote(e: TimelineEntry): string {
  let note = e.note;
  const sent = /^(sms|app|phone) → ([^:\s]+:[^:\s]+|[^:\s]+): (.*)$/s.exec(note);
  if (sent) return `${label.channel(sent[1])} → ${recipient(sent[2])}: ${bilingualText(sent[3])}`;
  const opened = /^(.*?)\s*\(([a-z-]+)\) opened for ([^,]+?)(?:, due (\S+))?$/.exec(note);
  if (opened) {
    const who = opened[3].split(/,\s*/).map(recipient).join('、');
    return `${label.taskKind(opened[2])} → ${who}${opened[4] ? ` · ${t('due')} ${dateTime(opened[4])}` : ''}`;
  }
  note = note.replace(/\s\((sign-off|[a-z]+(-[a-z]+)+)\)/g, '');
  const done = /^(.*?)\s+completed by (\S+)$/.exec(note);
  if (done) return `${bilingual(done[1])} · ${names.person(done[2])}`;
  const reported = /^([a-z-]+) reported via ([a-z-]+)$/.exec(note);
  if (reported) return `${label.orderKind(reported[1])} · ${label.channel(reported[2])}`;
  note = note
    .replace(ISO_INSTANT, (iso) => dateTime(iso))
    .replace(/\b(unit|group|user):([A-Za-z0-9_-]+)/g, (m) => recipient(m))
    .replace(/\s\((sign-off|first|second|[a-z]+(-[a-z]+)+)\)/g, '')
    .replace(/([\u3400-\u9fff])\s*\([A-Za-z][^)]*\)/g, '$1');
  // "标准外项目,需收费评审 not in the catalogue: …": one language, when the Chinese head has no Latin words in it.
  const lastCjk = /[\u3400-\u9fff](?![\s\S]*[\u3400-\u9fff])/.exec(note)?.index ?? -1;
  if (lastCjk >= 0 && !/[A-Za-z]/.test(note.slice(0, lastCjk)) && /[A-Za-z]/.test(note.slice(lastCjk + 1))) return bilingualText(note);
  return note;
}

export function timelineList(entries: TimelineEntry[] = [], opts: { resident?: boolean } = {}): HTMLElement {
  const shown = opts.resident ? entries.filter((e) => !['task-created', 'classified'].includes(e.type)) : entries;
  return h(
    'ol.timeline',
    [...shown].reverse().map((e) =>
      h(
        'li',
        { 'data-type': e.type },
        h('time', dateTime(e.at)),
        h('strong', label.timeline(e.type)),
        h('span.actor', names.person(e.actor)),
        e.note ? h('div.note', humanNote(e)) : null,
      ),
    ),
  );
}

/** Thumbnails of the order's photos (fetched with the bearer token). */
export function photos(ids: string[]): HTMLElement {
  const box = h('div.photos');
  for (const id of ids) {
    const img = h('img', { alt: t('attachments'), loading: 'lazy' });
    box.appendChild(h('a', { href: '#', onclick: (e: Event) => e.preventDefault() }, img));
    void api
      .blob(`/uploads/${id}`)
      .then((b) => {
        img.src = URL.createObjectURL(b);
      })
      .catch(() => img.replaceWith(h('span.muted', '—')));
  }
  return box;
}

/** The order's facts in a definition list. */
export function orderFacts(o: WorkOrder): HTMLElement {
  const row = (k: string, v: Node | string | null) => (v === null || v === '' ? null : [h('dt', k), h('dd', v)]);
  return h(
    'dl.facts',
    row(t('orderNumber'), h('span', { 'data-testid': 'order-number' }, o.number)),
    row(t('kind'), label.orderKind(o.kind)),
    row(t('status'), statusBadge(o.status)),
    row(t('community'), names.community(o.communityId)),
    row(t('address'), o.address),
    row(t('faultType'), o.faultType),
    row(t('part'), o.part),
    row(t('symptom'), o.symptom),
    row(t('description'), o.description),
    row(t('priority'), o.priority ? label.priority(o.priority) : null),
    row(t('reporter'), o.reporter ? `${o.reporter.name} ${o.reporter.phone}` : null),
    row(t('reportedAt'), dateTime(o.reportedAt)),
    row(t('unit'), o.assignedUnitId ? names.unit(o.assignedUnitId) : null),
    row(t('technician'), o.technicianId ? names.person(o.technicianId) : null),
  );
}
