/**
 * Dashboard (manager): KPIs by community / unit / kind / priority (timely
 * rate, rework, first-time fix, satisfaction, breaches; R-KPI-1/2) with a
 * six-week trend, the ledger (台账) with filters and CSV export, and the
 * weekly 30 % spot check (R-KPI-3).
 */
import { api, qs } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { date, isoWeek, percent, shortDateTime } from '../core/format.js';
import { ORDER_KINDS, STATUSES, label, t } from '../core/i18n.js';
import { names, session } from '../core/session.js';
import type { KpiRow, SpotCheck, WorkOrder } from '../core/types.js';
import { priorityBadge, statusBadge } from '../components/order.js';
import { navigate, type View } from '../main.js';

type GroupBy = 'community' | 'unit' | 'kind' | 'priority';

function keyLabel(groupBy: GroupBy, key: string): string {
  if (groupBy === 'community') return names.community(key);
  if (groupBy === 'unit') return key === 'none' || !key ? t('none') : names.unit(key);
  if (groupBy === 'kind') return label.orderKind(key);
  return label.priority(key);
}

function bar(value: number | null, max: number, cls: string, text: string, target?: number): HTMLElement {
  const width = value === null ? 0 : Math.max(0, Math.min(100, (value / max) * 100));
  return h(
    'div.bar',
    { class: cls, title: text },
    h('span.fill', { style: { width: `${width}%` } }),
    target !== undefined ? h('span.target', { style: { left: `${(target / max) * 100}%` } }) : null,
    h('span.value', text),
  );
}

export function mount(root: HTMLElement): View {
  root.classList.add('dashboard');
  const today = new Date(session.now());
  const monthAgo = new Date(session.now() - 30 * 86_400_000);

  /* ---------------------------------------------------------------- KPI */
  const groupBy = h(
    'select',
    { 'aria-label': t('groupBy') },
    (['community', 'unit', 'kind', 'priority'] as GroupBy[]).map((g) =>
      h('option', { value: g }, t(g === 'community' ? 'byCommunity' : g === 'unit' ? 'byUnit' : g === 'kind' ? 'byKind' : 'byPriority')),
    ),
  );
  const from = h('input', { type: 'date', value: date(monthAgo.toISOString()), 'aria-label': t('from') });
  const to = h('input', { type: 'date', value: date(today.toISOString()), 'aria-label': t('to') });
  const kpiBox = h('div.kpi', { 'data-testid': 'kpi' });
  const trendBox = h('div.trend', { 'data-testid': 'trend' });

  async function loadKpi(): Promise<void> {
    const g = groupBy.value as GroupBy;
    try {
      const res = await api.get<{ rows: KpiRow[] }>(`/reports/kpi${qs({ groupBy: g, from: from.value, to: to.value })}`);
      if (!res.rows.length) {
        replace(kpiBox, h('p.muted', t('noData')));
        return;
      }
      replace(
        kpiBox,
        h(
          'table.kpi-table',
          h(
            'thead',
            h(
              'tr',
              h('th', ''),
              h('th', t('cases')),
              h('th', `${t('timelyRate')} (${t('target')} ≥ 98%)`),
              h('th', `${t('reworkRate')} (${t('target')} ≤ 1%)`),
              h('th', t('firstTimeFixRate')),
              h('th', `${t('satisfaction')} (1–5)`),
              h('th', t('breaches')),
            ),
          ),
          h(
            'tbody',
            res.rows.map((r) =>
              h(
                'tr',
                { 'data-key': r.key },
                h('th', keyLabel(g, r.key)),
                h('td', String(r.total)),
                h('td', bar(r.timelyRate, 1, r.timelyRate !== null && r.timelyRate < 0.98 ? 'warn' : 'good', percent(r.timelyRate), 0.98)),
                h('td', bar(r.reworkRate, 0.1, r.reworkRate !== null && r.reworkRate > 0.01 ? 'warn' : 'good', percent(r.reworkRate), 0.01)),
                h('td', bar(r.firstTimeFixRate, 1, 'neutral', percent(r.firstTimeFixRate))),
                h('td', bar(r.satisfaction, 5, 'neutral', r.satisfaction === null ? '—' : r.satisfaction.toFixed(1))),
                h('td', h('span', { class: r.breachedDeadlines ? 'num-bad' : '' }, String(r.breachedDeadlines))),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      replace(kpiBox, h('p.error', (err as Error).message));
    }
  }

  async function loadTrend(): Promise<void> {
    const weeks = Array.from({ length: 6 }, (_, i) => {
      const end = new Date(session.now() - (5 - i) * 7 * 86_400_000);
      const start = new Date(end.getTime() - 7 * 86_400_000);
      return { label: isoWeek(end).slice(5), from: start.toISOString(), to: end.toISOString() };
    });
    try {
      const results = await Promise.all(weeks.map((w) => api.get<{ rows: KpiRow[] }>(`/reports/kpi${qs({ groupBy: 'community', from: w.from, to: w.to })}`)));
      replace(
        trendBox,
        h('h3', t('trend')),
        h(
          'div.trend-bars',
          results.map((r, i) => {
            const total = r.rows.reduce((s, x) => s + x.total, 0);
            const timely = r.rows.reduce((s, x) => s + x.timely, 0);
            const rate = total ? timely / total : null;
            return h(
              'div.trend-col',
              h('div.trend-track', h('span.trend-fill', { class: rate !== null && rate < 0.98 ? 'warn' : 'good', style: { height: `${(rate ?? 0) * 100}%` } })),
              h('span.trend-value', percent(rate)),
              h('span.muted', `${weeks[i].label} (${total})`),
            );
          }),
        ),
      );
    } catch (err) {
      replace(trendBox, h('p.error', (err as Error).message));
    }
  }

  /* ------------------------------------------------------------- ledger */
  const status = h('select', { 'aria-label': t('status') }, h('option', { value: '' }, t('allStatuses')), STATUSES.map((s) => h('option', { value: s }, label.status(s))));
  const kind = h('select', { 'aria-label': t('kind') }, h('option', { value: '' }, t('allKinds')), ORDER_KINDS.map((k) => h('option', { value: k }, label.orderKind(k))));
  const community = h(
    'select',
    { 'aria-label': t('community') },
    h('option', { value: '' }, t('allCommunities')),
    names.communities().map((c) => h('option', { value: c.id }, names.community(c.id))),
  );
  const priority = h('select', { 'aria-label': t('priority') }, h('option', { value: '' }, t('allPriorities')), [1, 2, 3, 4].map((p) => h('option', { value: String(p) }, label.priority(p))));
  const q = h('input', { type: 'search', placeholder: t('ledgerSearch'), 'data-testid': 'ledger-search' });
  const ledgerBox = h('div.ledger', { 'data-testid': 'ledger' });
  const exportLink = h('a.button', { href: '#', 'data-testid': 'export-csv' }, t('exportCsv'));

  const ledgerQuery = () => ({
    status: status.value || undefined,
    kind: kind.value || undefined,
    communityId: community.value || undefined,
    priority: priority.value || undefined,
    q: q.value.trim() || undefined,
  });

  async function loadLedger(): Promise<void> {
    try {
      const res = await api.get<{ items: WorkOrder[]; total: number }>(`/work-orders${qs({ ...ledgerQuery(), limit: 100 })}`);
      replace(
        ledgerBox,
        h('p.muted', t('total', res.total)),
        h(
          'div.table-wrap',
          h(
            'table.ledger-table',
            h(
              'thead',
              h('tr', [t('orderNumber'), t('kind'), t('status'), t('priority'), t('community'), t('address'), t('unit'), t('reportedAt')].map((x) => h('th', x))),
            ),
            h(
              'tbody',
              res.items.map((o) =>
                h(
                  'tr',
                  { 'data-order': o.number },
                  h(
                    'td',
                    o.processInstanceKey && session.has('manager', 'supervisor', 'admin', 'process-owner')
                      ? h('a', { href: '#', onclick: (e: Event) => (e.preventDefault(), navigate('inspector', { key: o.processInstanceKey ?? '' })) }, o.number)
                      : o.number,
                  ),
                  h('td', label.orderKind(o.kind)),
                  h('td', statusBadge(o.status)),
                  h('td', priorityBadge(o.priority)),
                  h('td', names.community(o.communityId)),
                  h('td', o.address),
                  h('td', o.assignedUnitId ? names.unit(o.assignedUnitId) : '—'),
                  h('td', shortDateTime(o.reportedAt)),
                ),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      replace(ledgerBox, h('p.error', (err as Error).message));
    }
  }

  exportLink.addEventListener('click', async (e) => {
    e.preventDefault();
    const blob = await api.blob(`/work-orders/export${qs({ ...ledgerQuery(), format: 'csv' })}`);
    const a = h('a', { href: URL.createObjectURL(blob), download: `台账-${date(new Date(session.now()).toISOString())}.csv` });
    document.body.appendChild(a);
    a.click();
    a.remove();
  });

  /* --------------------------------------------------------- spot check */
  const week = h('input', { type: 'week', value: isoWeek(today), 'aria-label': t('week') });
  const spotBox = h('div.spot', { 'data-testid': 'spot-check' });
  async function loadSpot(): Promise<void> {
    try {
      const res = await api.get<SpotCheck>(`/reports/spot-check${qs({ week: week.value })}`);
      replace(
        spotBox,
        h('p', t('sample', res.sampleSize, res.population), ` · ${date(res.from)} – ${date(res.to)}`),
        res.items.length
          ? h(
              'ul.spot-list',
              res.items.map((i) =>
                h('li', h('strong', i.number), ' ', statusBadge(i.status), ` ${label.orderKind(i.kind)} · ${names.community(i.communityId)} · ${i.assignedUnitId ? names.unit(i.assignedUnitId) : '—'} · ${shortDateTime(i.reportedAt)}`),
              ),
            )
          : h('p.muted', t('noData')),
      );
    } catch (err) {
      replace(spotBox, h('p.error', (err as Error).message));
    }
  }

  for (const el of [groupBy, from, to]) el.addEventListener('change', () => void loadKpi());
  for (const el of [status, kind, community, priority]) el.addEventListener('change', () => void loadLedger());
  q.addEventListener('change', () => void loadLedger());
  week.addEventListener('change', () => void loadSpot());

  replace(
    root,
    h('section.card', h('div.section-head', h('h2', t('kpi')), h('div.filters', groupBy, from, to)), kpiBox, trendBox),
    h('section.card', h('div.section-head', h('h2', t('ledger')), h('div.filters', status, kind, community, priority, q, exportLink)), ledgerBox),
    h('section.card', h('div.section-head', h('h2', t('spotCheck')), h('div.filters', week)), spotBox),
  );
  const all = () => Promise.all([loadKpi(), loadTrend(), loadLedger(), loadSpot()]);
  void all();
  return { refresh: () => void all() };
}
