/**
 * Debian's Chromium driven by playwright-core (no browser download): one
 * browser per test file, a context per user (its own localStorage, so its
 * own login), screenshots under test-results/e2e/.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
export const SHOTS = path.resolve(here, '..', '..', 'test-results', 'e2e');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--lang=zh-CN'],
  });
}

export type Device = 'desktop' | 'phone';

/** A fresh context in Shanghai time and zh-CN, as a desktop or a phone. */
export async function openContext(browser: Browser, device: Device = 'desktop'): Promise<BrowserContext> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(device === 'phone'
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
      : { viewport: { width: 1440, height: 900 } }),
  });
  context.setDefaultTimeout(15_000);
  return context;
}

/** Logs in through the login form and waits for the app shell. */
export async function login(page: Page, baseUrl: string, username: string, hash = ''): Promise<void> {
  await page.goto(`${baseUrl}/${hash}`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill('demo');
  await page.locator('form.login-card button[type="submit"]').click();
  await page.locator('header.topbar').waitFor();
}

export async function shot(page: Page, journey: string, step: string): Promise<string> {
  const dir = path.join(SHOTS, journey);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
