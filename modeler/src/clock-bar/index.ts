/**
 * The demo clock bar (demo and test mode only: shown when GET /api/clock
 * answers 200). Moves the engine clock so deadlines can be shown without
 * waiting; every due timer has fired when POST /api/clock answers.
 */
import { api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { dateTime } from '../core/format.js';
import { t } from '../core/i18n.js';
import { session } from '../core/session.js';

const STEPS: { add: string; label: () => string }[] = [
  { add: 'PT1M', label: () => `+${t('minutes', 1)}` },
  { add: 'PT5M', label: () => `+${t('minutes', 5)}` },
  { add: 'PT10M', label: () => `+${t('minutes', 10)}` },
  { add: 'PT1H', label: () => `+${t('hours', 1)}` },
  { add: 'P1D', label: () => `+${t('days', 1)}` },
];

export function mountClockBar(slot: HTMLElement, onMoved: () => void): void {
  const now = h('strong', { 'data-testid': 'clock-now' }, '…');
  const status = h('span.muted');
  const show = (iso: string | null) => {
    now.textContent = iso ? dateTime(iso) : '—';
  };
  const move = async (add: string) => {
    status.textContent = '…';
    try {
      const res = await api.post<{ now: string }>('/clock', { add });
      session.setClock(res.now);
      show(res.now);
      status.textContent = '';
      onMoved();
    } catch (err) {
      status.textContent = (err as Error).message;
    }
  };
  const bar = h(
    'div.clock-bar',
    { 'data-testid': 'clock-bar' },
    h('span', `${t('clock')} · ${t('clockNow')} `, now),
    h(
      'span.clock-steps',
      STEPS.map((s) => h('button', { onclick: () => void move(s.add), 'data-add': s.add }, s.label())),
    ),
    status,
  );
  replace(slot, bar);
  void session.syncClock().then(show);
}
