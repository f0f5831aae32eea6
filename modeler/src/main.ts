/**
 * The web app shell: login, navigation by role, language switch, demo clock
 * bar, and a hash router over the five views. Each view is a feature folder
 * (`tasklist/`, `modeler/`, `inspector/`, `dashboard/`, `portal/`) whose
 * index exports `mount(root, params)`.
 */
import './style.css';
import { whenUnauthorized } from './core/api.js';
import { h, replace } from './core/dom.js';
import { getLang, label, onLangChange, setLang, t, type UiKey } from './core/i18n.js';
import { session } from './core/session.js';
import type { Role } from './core/types.js';
import { mountClockBar } from './clock-bar/index.js';
import { mountLogin } from './login/index.js';

export interface View {
  /** Called when the view is left (stop timers, destroy viewers). */
  unmount?(): void;
  /** The demo clock moved: reload what depends on time. */
  refresh?(): void;
}

type Mount = (root: HTMLElement, params: URLSearchParams) => Promise<View | void> | View | void;

interface Route {
  path: string;
  title: UiKey;
  roles: Role[];
  load: () => Promise<{ mount: Mount }>;
}

const ROUTES: Route[] = [
  { path: 'portal', title: 'portal', roles: ['resident'], load: () => import('./portal/index.js') },
  {
    path: 'tasks',
    title: 'tasks',
    roles: ['dispatcher', 'unit', 'technician', 'supervisor', 'manager', 'finance', 'admin'],
    load: () => import('./tasklist/index.js'),
  },
  { path: 'inspector', title: 'inspector', roles: ['manager', 'supervisor', 'process-owner', 'admin'], load: () => import('./inspector/index.js') },
  { path: 'dashboard', title: 'dashboard', roles: ['manager', 'supervisor', 'admin'], load: () => import('./dashboard/index.js') },
  { path: 'modeler', title: 'modeler', roles: ['process-owner'], load: () => import('./modeler/index.js') },
];

const app = document.getElementById('app') as HTMLElement;
let current: View | undefined;

function routesForUser(): Route[] {
  return ROUTES.filter((r) => session.has(...r.roles));
}

function parseHash(): { path: string; params: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  return { path, params: new URLSearchParams(query ?? '') };
}

export function navigate(path: string, params: Record<string, string> = {}): void {
  const q = new URLSearchParams(params).toString();
  location.hash = `#/${path}${q ? `?${q}` : ''}`;
}

function header(routes: Route[], active: string): HTMLElement {
  const user = session.user;
  return h(
    'header.topbar',
    h('div.brand', t('appTitle')),
    h(
      'nav.nav',
      routes.map((r) => h('a', { href: `#/${r.path}`, class: r.path === active ? 'active' : '', 'data-route': r.path }, t(r.title))),
    ),
    h(
      'div.who',
      user ? h('span.user', `${user.name} · ${user.roles.map((r) => label.role(r)).join('、')}`) : null,
      h(
        'button.link.lang',
        { onclick: () => setLang(getLang() === 'zh' ? 'en' : 'zh'), title: 'Language / 语言', 'data-testid': 'lang' },
        getLang() === 'zh' ? 'EN' : '中文',
      ),
      h(
        'button.link',
        {
          onclick: () => {
            session.logout();
            void render();
          },
          'data-testid': 'logout',
        },
        t('logout'),
      ),
    ),
  );
}

async function render(): Promise<void> {
  current?.unmount?.();
  current = undefined;
  if (!session.user) {
    replace(app, mountLogin(async () => {
      const first = routesForUser()[0];
      if (first && parseHash().path !== first.path && !routesForUser().some((r) => r.path === parseHash().path)) navigate(first.path);
      else await render();
    }));
    return;
  }
  const routes = routesForUser();
  const { path, params } = parseHash();
  const route = routes.find((r) => r.path === path) ?? routes[0];
  if (!route) {
    replace(app, header([], ''), h('main.page', h('p', t('noData'))));
    return;
  }
  if (route.path !== path) {
    navigate(route.path);
    return;
  }
  document.title = `${t(route.title)} · ${t('appTitle')}`;
  const main = h('main.page', { 'data-view': route.path }, h('p.muted', t('loading')));
  const clockSlot = h('div');
  replace(app, header(routes, route.path), clockSlot, main);
  if (session.demoClock) mountClockBar(clockSlot, () => current?.refresh?.());
  try {
    const mod = await route.load();
    replace(main);
    current = (await mod.mount(main, params)) ?? undefined;
  } catch (err) {
    replace(main, h('p.error', `${t('error')}: ${(err as Error).message}`));
  }
}

whenUnauthorized(() => {
  session.logout();
  void render();
});
window.addEventListener('hashchange', () => void render());
onLangChange(() => void render());
document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';

void (async () => {
  await session.resume();
  await render();
})();
