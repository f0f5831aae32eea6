/** Log in with a username and password (demo users: password `demo`). */
import { ApiError } from '../core/api.js';
import { h } from '../core/dom.js';
import { getLang, setLang, t } from '../core/i18n.js';
import { session } from '../core/session.js';

export function mountLogin(onDone: () => Promise<void>): HTMLElement {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const message = h('p.error', { role: 'alert' });
  const form = h(
    'form.login-card',
    {
      onsubmit: async (e: Event) => {
        e.preventDefault();
        message.textContent = '';
        try {
          await session.login(username.value.trim(), password.value);
          await onDone();
        } catch (err) {
          message.textContent = err instanceof ApiError && err.status === 401 ? t('loginFailed') : `${t('error')}: ${(err as Error).message}`;
        }
      },
    },
    h('h1', t('appTitle')),
    h('label', t('username'), username),
    h('label', t('password'), password),
    h('button.primary', { type: 'submit' }, t('login')),
    message,
    h('button.link', { type: 'button', onclick: () => setLang(getLang() === 'zh' ? 'en' : 'zh') }, getLang() === 'zh' ? 'English' : '中文'),
  );
  return h('div.login', form);
}
