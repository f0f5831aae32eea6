/**
 * The web app's user journeys in a real browser (Debian's Chromium through
 * playwright-core) against the whole stack in-process (tests/helpers/server:
 * fresh FerretDB database, embedded engine, workers, API, the built UI at /),
 * on a frozen engine clock that starts on a Monday morning in Shanghai.
 *
 *   1. a resident reports a repair with a photo, on a phone;
 *   2. the dispatcher triages, a unit member signs and completes the steps;
 *   3. the demo clock moves and the escalation shows in the tasklists;
 *   4. a process owner changes the sign-off timer and deploys; a new order uses the new duration;
 *   5. a manager finds the order by its number and sees where it stands on the diagram;
 *   6. on a phone, a resident agrees the fee of a paid service and rates the repair of journey 1.
 *
 * Each step saves a screenshot under test-results/e2e/<journey>/.
 * The journeys share one server and run in order (later ones use earlier orders).
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Client, type TestServer } from '../helpers/server.js';
import { launch, login, openContext, shot, type Device } from './browser.js';
import { stainPng } from './fixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Polls wait for the server: timers, jobs and the next task finish after an answer. */
const eventually = { timeout: 10_000, interval: 100 };
const dist = path.resolve(here, '..', '..', 'modeler', 'dist', 'index.html');

let server: TestServer;
let browser: Browser;
let dispatcher: Client;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

/** Order of journey 1, followed through journeys 2 and 5. */
const reported = { id: '', number: '' };
/** Order of journey 3 (escalated on version 1 of the model). */
const escalated = { id: '', number: '' };

async function pageAs(username: string, hash: string, device: Device = 'desktop'): Promise<Page> {
  const context = await openContext(browser, device);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(`${username}: ${err.message}`));
  await login(page, server.url, username, hash);
  return page;
}

/** Picks an option of a form-js select by its (visible) label. */
async function chooseInForm(page: Page, fieldKey: string, optionText: RegExp): Promise<void> {
  await page.locator(`.fjs-form-field-select:has([id$="-${fieldKey}"]) .fjs-select-display`).click();
  await page.locator('.fjs-dropdownlist-item', { hasText: optionText }).first().click();
}

async function openTaskCard(page: Page, kind: string, orderNumber: string): Promise<void> {
  const card = page.locator(`.task-card[data-task-kind="${kind}"][data-order="${orderNumber}"]`);
  await card.waitFor();
  await card.click();
  await page.locator('.task-detail .fjs-form').waitFor();
}

async function claimAndSubmit(page: Page): Promise<void> {
  const claim = page.locator('.task-detail [data-action="claim"]');
  if (await claim.count()) {
    await claim.click();
    await page.locator('.task-detail [data-action="unclaim"]').waitFor();
  }
  await page.locator('.task-detail [data-action="complete"]').click();
  await page.locator('[data-testid="task-done"]').waitFor();
}

async function order(id: string) {
  return (await dispatcher.get(`/api/work-orders/${id}`)).body as {
    number: string;
    status: string;
    attachments: string[];
    processInstanceKey: string;
    processVersion: number;
    assignedUnitId: string | null;
    deadlines: { name: string; dueAt: string; breached: boolean; metAt: string | null }[];
    fields: Record<string, unknown>;
  };
}

async function openTasks(as: string, workOrderId: string) {
  const client = await server.as(as);
  await server.engine.idle();
  return (await client.get(`/api/tasks?workOrderId=${workOrderId}`)).body.items as { id: string; kind: string; dueAt: string | null; createdAt: string }[];
}

beforeAll(async () => {
  await access(dist).catch(() => {
    throw new Error('modeler/dist is missing: run `npm run build:web` first (npm test does it before the e2e suite)');
  });
  server = await startTestServer({ clockStart: new Date('2026-11-23T09:30:00+08:00') });
  dispatcher = await server.as('dispatcher1');
  browser = await launch();
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

describe('web app journeys', () => {
  it('1. a resident reports a repair with a photo on a phone and follows it', { timeout: 60_000 }, async () => {
    const page = await pageAs('resident1', '#/portal', 'phone');
    await page.locator('[data-testid="report-form"]').waitFor();
    await shot(page, '1-resident-reports', '01-portal');

    const form = page.locator('[data-testid="report-form"]');
    await form.locator('select[name="faultType"]').selectOption('给排水');
    await form.locator('input[name="part"]').fill('卫生间');
    await form.locator('input[name="symptom"]').fill('水管漏水');
    await form.locator('textarea[name="description"]').fill('卫生间水管接口漏水，地面有积水');
    await form.locator('input[name="phone"]').fill('13812345678');
    await form.locator('input[type="file"]').setInputFiles({ name: 'leak.png', mimeType: 'image/png', buffer: stainPng() });
    const thumb = form.locator('img[data-upload]');
    await thumb.waitFor();
    await shot(page, '1-resident-reports', '02-photo-attached');

    await form.locator('button[type="submit"]').click();
    const message = form.locator('.form-message.ok');
    await message.waitFor();
    reported.number = (await message.getAttribute('data-order')) ?? '';
    expect(reported.number).toMatch(/^BX-\d{8}-\d{4}$/);
    await expect.poll(() => message.textContent(), eventually).toContain(reported.number);

    // The order as the server has it: the photo is attached and readable by staff.
    const list = await dispatcher.get(`/api/work-orders?q=${reported.number}`);
    reported.id = list.body.items[0].id;
    const saved = await order(reported.id);
    expect(saved.attachments).toHaveLength(1);
    const photo = await fetch(`${server.url}/api/uploads/${saved.attachments[0]}`, { headers: { authorization: `Bearer ${dispatcher.token}` } });
    expect(photo.headers.get('content-type')).toBe('image/png');

    // The resident follows it: the order card, its status, the photo loaded from the server.
    const detail = page.locator('[data-testid="order-detail"]');
    await detail.locator('h2', { hasText: reported.number }).waitFor();
    await detail.locator('.photos img[src^="blob:"]').waitFor();
    expect(await detail.locator('.photos img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(160);
    await expect.poll(() => detail.locator('.progress li.current').textContent(), eventually).toBe('已受理');
    await expect.poll(() => page.locator(`.order-card[data-order="${reported.number}"]`).count(), eventually).toBe(1);
    await shot(page, '1-resident-reports', '03-reported');
  });

  it('2. the dispatcher triages; a unit member signs, agrees a time, arrives and reports the repair', { timeout: 90_000 }, async () => {
    const desk = await pageAs('dispatcher1', '#/tasks');
    await openTaskCard(desk, 'triage', reported.number);
    // The form is prefilled with the classified priority; the responsibility is chosen in the form-js select.
    await chooseInForm(desk, 'responsibility', /共用设施/);
    await shot(desk, '2-unit-completes', '01-triage-form');
    await claimAndSubmit(desk);

    const unit = await pageAs('unitA1', '#/tasks');
    await openTaskCard(unit, 'sign-off', reported.number);
    const card = unit.locator(`.task-card[data-task-kind="sign-off"][data-order="${reported.number}"]`);
    await expect.poll(() => card.locator('.due').textContent(), eventually).toMatch(/时限 11-23 09:38/);
    expect(await card.textContent()).toContain('幸福里小区');
    await shot(unit, '2-unit-completes', '02-sign-off');
    await claimAndSubmit(unit);
    expect((await order(reported.id)).status).toBe('signed');

    await openTaskCard(unit, 'contact-resident', reported.number);
    // form-js datetime: the date from its calendar (flatpickr), the time typed (24 h).
    await unit.locator('.task-detail .fjs-form-field-datetime input.fjs-input').first().click();
    // The calendar speaks Chinese: month and weekday names, the day's accessible name.
    const calendar = unit.locator('.flatpickr-calendar.open');
    expect(await calendar.locator('.flatpickr-monthDropdown-month[value="10"]').textContent()).toBe('十一月');
    expect(await calendar.locator('.flatpickr-weekday').first().textContent()).toContain('周一');
    // The calendar opens on the browser's real month; the engine's clock is frozen on 2026-11-23,
    // so the unit member goes to that month first, as a person picking another month would.
    await calendar.locator('input.cur-year').fill('2026');
    await calendar.locator('select.flatpickr-monthDropdown-months').selectOption('10');
    await calendar.locator('.flatpickr-day[aria-label="2026年11月23日"]:not(.prevMonthDay):not(.nextMonthDay)').click();
    const timeInput = unit.locator('.task-detail .fjs-form-field-datetime input.fjs-input').nth(1);
    await timeInput.fill('10:15');
    await timeInput.press('Enter');
    await shot(unit, '2-unit-completes', '03-contact-resident');
    await claimAndSubmit(unit);
    const scheduled = await order(reported.id);
    expect(scheduled.status).toBe('scheduled');
    expect(new Date(String(scheduled.fields.agreedArrivalAt)).toISOString()).toBe('2026-11-23T02:15:00.000Z');

    await openTaskCard(unit, 'confirm-arrival', reported.number);
    await claimAndSubmit(unit);
    expect((await order(reported.id)).status).toBe('on-site');

    await openTaskCard(unit, 'report-result', reported.number);
    await chooseInForm(unit, 'result', /修复|repaired/i);
    await shot(unit, '2-unit-completes', '04-report-result');
    await claimAndSubmit(unit);
    expect((await order(reported.id)).status).toBe('resolved');
    await shot(unit, '2-unit-completes', '05-done');

    // The resident sees who came and when.
    const resident = await pageAs('resident1', '#/portal', 'phone');
    await resident.locator(`.order-card[data-order="${reported.number}"]`).click();
    const who = resident.locator('[data-testid="who-comes"]');
    await expect.poll(() => who.textContent(), eventually).toContain('幸福里小区管理处');
    expect(await who.textContent()).toContain('2026-11-23 10:15');
    await expect.poll(() => resident.locator('[data-testid="order-detail"] .progress li.current').textContent(), eventually).toBe('已修复');
    await shot(resident, '2-unit-completes', '06-resident-sees-who-came');
  });

  it('3. the demo clock moves: breaching soon, then the second unit, then manual supervision', { timeout: 90_000 }, async () => {
    const created = await dispatcher.post('/api/work-orders', {
      kind: 'repair',
      communityId: 'C001',
      address: '2栋3单元502',
      description: '楼道灯不亮',
      faultType: '电路照明',
      symptom: '不亮',
      part: '楼道灯',
      priority: 3,
      responsibility: 'shared',
      reporter: { name: '李娜', phone: '13987654321' },
      channel: 'phone',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    Object.assign(escalated, { id: created.body.id, number: created.body.number });
    await server.engine.idle();

    const unitA = await pageAs('unitA1', '#/tasks');
    const cardA = unitA.locator(`.task-card[data-task-kind="sign-off"][data-order="${escalated.number}"]`);
    await cardA.waitFor();
    expect(await cardA.getAttribute('class')).not.toContain('selected');
    await expect.poll(() => cardA.locator('.due').getAttribute('data-due'), eventually).toBe('ok');
    await shot(unitA, '3-clock-escalation', '01-unit-a-fresh-order');

    // Six minutes later (through the clock bar): two minutes left of eight → breaching soon.
    await unitA.locator('[data-testid="clock-bar"] button[data-add="PT5M"]').click();
    await unitA.locator('[data-testid="clock-bar"] button[data-add="PT1M"]').click();
    await expect.poll(() => unitA.locator('[data-testid="clock-now"]').textContent(), eventually).toBe('2026-11-23 09:36');
    await expect.poll(() => cardA.locator('.due').getAttribute('data-due'), eventually).toBe('soon');
    expect(await cardA.locator('.due').textContent()).toContain('即将超时');
    await shot(unitA, '3-clock-escalation', '02-breaching-soon');

    // Past eight minutes: the first unit loses the order, the second unit gets it.
    await unitA.locator('[data-testid="clock-bar"] button[data-add="PT5M"]').click();
    await expect.poll(() => cardA.count(), eventually).toBe(0);
    await shot(unitA, '3-clock-escalation', '03-unit-a-lost-it');

    // The second unit's member works from a phone.
    const unitB = await pageAs('unitB1', '#/tasks', 'phone');
    const cardB = unitB.locator(`.task-card[data-task-kind="sign-off"][data-order="${escalated.number}"]`);
    await cardB.waitFor();
    expect(await cardB.locator('[data-escalated]').textContent()).toBe('第二维修单位');
    expect((await order(escalated.id)).assignedUnitId).toBe('U-B');
    await shot(unitB, '3-clock-escalation', '04-second-unit');

    // The second unit does not sign either: manual supervision (人工督办) for the supervisor.
    await unitB.locator('[data-testid="clock-bar"] button[data-add="PT10M"]').click();
    await expect.poll(() => cardB.count(), eventually).toBe(0);
    const supervisor = await pageAs('supervisor1', '#/tasks');
    const cardS = supervisor.locator(`.task-card[data-task-kind="manual-supervision"][data-order="${escalated.number}"]`);
    await cardS.waitFor();
    expect(await cardS.locator('[data-escalated]').textContent()).toBe('已升级');
    await cardS.click();
    const deadlines = supervisor.locator('.task-detail ul.deadlines');
    await deadlines.waitFor();
    expect(await deadlines.locator('[data-deadline="sign-off"] .dl-breached').textContent()).toBe('已超时');
    expect(await deadlines.locator('[data-deadline="second-unit-sign-off"] .dl-breached').textContent()).toBe('已超时');
    expect((await order(escalated.id)).status).toBe('escalated');
    // No raw ids where staff look.
    const text = (await supervisor.locator('main').textContent()) ?? '';
    for (const raw of ['C001', 'U-A', 'U-B', 'unitA1', 'unitB1', escalated.id]) expect(text).not.toContain(raw);
    await shot(supervisor, '3-clock-escalation', '05-manual-supervision');

    // A signed order whose resident is not contacted within the hour (R-REP-6): the open task is marked breached.
    const late = await dispatcher.post('/api/work-orders', {
      kind: 'repair',
      communityId: 'C001',
      address: '1栋1单元101',
      description: '阳台门锁坏了',
      faultType: '门窗',
      symptom: '锁不上',
      part: '阳台门',
      priority: 3,
      responsibility: 'shared',
      reporter: { name: '张伟', phone: '13812345678' },
      channel: 'phone',
    });
    const unitAClient = await server.as('unitA1');
    const [lateSignOff] = (await openTasks('unitA1', late.body.id)).filter((t) => t.kind === 'sign-off');
    expect((await unitAClient.post(`/api/tasks/${lateSignOff.id}/complete`, { variables: {} })).status).toBe(200);
    await server.engine.idle();
    await unitA.reload();
    const contactCard = unitA.locator(`.task-card[data-task-kind="contact-resident"][data-order="${late.body.number}"]`);
    await expect.poll(() => contactCard.locator('.due').getAttribute('data-due'), eventually).toBe('ok');
    await unitA.locator('[data-testid="clock-bar"] button[data-add="PT1H"]').click();
    await unitA.locator('[data-testid="clock-bar"] button[data-add="PT1M"]').click();
    await expect.poll(() => contactCard.locator('.due').getAttribute('data-due'), eventually).toBe('breached');
    expect(await contactCard.locator('.due').textContent()).toContain('已超时');
    await contactCard.click();
    await expect.poll(() => unitA.locator('.task-detail [data-deadline="contact-resident"] .dl-breached').count(), eventually).toBe(1);
    await shot(unitA, '3-clock-escalation', '06-contact-breached');
  });

  it('4. a process owner changes the sign-off timer and deploys; a new order uses the new duration', { timeout: 90_000 }, async () => {
    const page = await pageAs('owner1', '#/modeler?process=repair');
    await page.locator('[data-testid="lint-status"].ok').waitFor({ timeout: 30_000 });
    await shot(page, '4-owner-deploys', '01-modeler');

    // Element templates for our job workers: the close-order step picks its template by name.
    await page.locator('[data-element-id="close-order"]').click({ force: true });
    await page.locator('[data-testid="properties"] button', { hasText: '选择' }).click();
    const chooser = page.locator('[data-testid="template-chooser"]');
    await chooser.waitFor();
    expect(await chooser.locator('button[data-template="propflow.notify"]').textContent()).toContain('发送通知');
    await shot(page, '4-owner-deploys', '02-template-chooser');
    await chooser.locator('button[data-template="propflow.close-order"]').click();
    await expect.poll(() => chooser.count(), eventually).toBe(0);

    // The timer in the Zeebe properties panel: select the boundary event, open "定时器", change the value.
    await page.locator('[data-testid="deadlines"] button[data-select-element="timer-sign-off-first-timeout"]').click();
    const timerGroup = page.locator('[data-group-id="group-timer"]');
    await timerGroup.waitFor();
    if (!(await timerGroup.locator('.bio-properties-panel-group-entries.open').count())) await timerGroup.locator('.bio-properties-panel-group-header').click();
    const timerValue = page.locator('#bio-properties-panel-timerEventDefinitionValue');
    expect(await timerValue.inputValue()).toBe('PT8M');

    // Live lint: a value Zeebe cannot read is flagged on the element and blocks the deployment.
    await timerValue.fill('15 分钟');
    await timerValue.press('Tab');
    await page.locator('[data-testid="lint-status"].bad').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="findings"] li').first().textContent()).toContain('8 分钟未签收');
    expect(await page.locator('[data-testid="findings"] li code').first().textContent()).toBe('timer-sign-off-first-timeout');
    await page.locator('.lint-badge').first().waitFor();
    expect(await page.locator('[data-testid="deploy"]').isDisabled()).toBe(true);
    await shot(page, '4-owner-deploys', '03-lint-finding');

    await timerValue.fill('PT15M');
    await timerValue.press('Tab');
    await page.locator('[data-testid="lint-status"].ok').waitFor({ timeout: 30_000 });
    await shot(page, '4-owner-deploys', '04-timer-in-properties-panel');

    // The dispatch task's signOffWithin header must agree (it becomes the task's due time): in the deadline list.
    const header = page.locator('[data-deadline-element="dispatch-first"][data-deadline-key="signOffWithin"]');
    expect(await header.inputValue()).toBe('PT8M');
    await header.fill('PT15M');
    await header.press('Tab');
    await expect.poll(() => page.locator('[data-deadline-element="timer-sign-off-first-timeout"]').inputValue(), eventually).toBe('PT15M');

    await page.locator('[data-testid="lint-status"].ok').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="deploy"]').click();
    await expect.poll(() => page.locator('[data-testid="deploy-message"]').textContent(), { timeout: 30_000, interval: 100 }).toContain('第 2 版');
    await page.locator('[data-testid="history"] li[data-version="2"]').waitFor();
    await shot(page, '4-owner-deploys', '05-deployed-v2');

    // A new order runs on version 2: due in 15 minutes, still with the first unit after 9.
    const created = await dispatcher.post('/api/work-orders', {
      kind: 'repair',
      communityId: 'C001',
      address: '1栋1单元101',
      description: '厨房水龙头滴水',
      faultType: '给排水',
      symptom: '滴水',
      part: '厨房水龙头',
      priority: 3,
      responsibility: 'shared',
      reporter: { name: '张伟', phone: '13812345678' },
      channel: 'phone',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.processVersion).toBe(2);
    const [signOff] = (await openTasks('unitA1', created.body.id)).filter((t) => t.kind === 'sign-off');
    expect(new Date(signOff.dueAt ?? '').getTime() - new Date(signOff.createdAt).getTime()).toBe(15 * 60_000);
    await server.advance('PT9M');
    expect((await openTasks('unitA1', created.body.id)).map((t) => t.kind)).toEqual(['sign-off']);
    expect((await order(created.body.id)).assignedUnitId).toBe('U-A');

    const unitA = await pageAs('unitA1', '#/tasks');
    const card = unitA.locator(`.task-card[data-task-kind="sign-off"][data-order="${created.body.number}"]`);
    await card.waitFor();
    expect(await card.locator('.due').textContent()).toContain('还剩 6 分钟');
    await shot(unitA, '4-owner-deploys', '06-new-order-15-minutes');

    await server.advance('PT7M');
    expect((await openTasks('unitA1', created.body.id)).map((t) => t.kind)).toEqual([]);
    expect((await order(created.body.id)).assignedUnitId).toBe('U-B');
  });

  it('5. a manager finds the order by its number and sees where it stands on the diagram', { timeout: 60_000 }, async () => {
    const page = await pageAs('manager1', '#/dashboard');
    const search = page.locator('[data-testid="ledger-search"]');
    await search.fill(reported.number);
    await search.press('Enter');
    const row = page.locator(`.ledger-table tr[data-order="${reported.number}"]`);
    await expect.poll(() => page.locator('.ledger-table tbody tr').count(), eventually).toBe(1);
    await row.waitFor();
    await shot(page, '5-manager-inspects', '01-ledger-search');

    // The ledger exports as CSV, filtered the same way.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-csv"]').click()]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    expect(csv).toContain(reported.number);
    expect(csv).not.toContain(escalated.number);

    await row.locator('a').click();
    await page.locator('[data-testid="diagram"] .djs-container').waitFor();
    const current = page.locator('[data-testid="current-step"]');
    await expect.poll(() => current.textContent(), eventually).toContain('住户签字评价');
    // The active step is marked on the diagram, the steps already done too.
    await page.locator('[data-element-id="resident-signature"].el-active').waitFor();
    expect(await page.locator('[data-element-id="sign-off-first"].el-completed').count()).toBe(1);
    expect(await page.locator('[data-element-id="report-result"].el-completed').count()).toBe(1);
    expect(await page.locator('.el-active').count()).toBeGreaterThanOrEqual(1);
    const timeline = page.locator('.instance-detail ol.timeline');
    expect(await timeline.textContent()).toContain('签收');
    // Names, not ids, in the timeline, the facts and the variables.
    const detailText = (await page.locator('[data-testid="instance-detail"]').textContent()) ?? '';
    for (const raw of ['C001', 'U-A', 'unitA1', 'dispatcher1', 'resident1', reported.id]) expect(detailText, raw).not.toContain(raw);
    expect(detailText).toContain('刘强');
    await shot(page, '5-manager-inspects', '02-diagram');

    // The inspector's own search finds it by number too; the escalated order shows its breaches.
    await page.locator('[data-testid="instance-search"]').fill(escalated.number);
    await expect.poll(() => page.locator('.instance-row').count(), eventually).toBe(1);
    await page.locator(`.instance-row[data-order="${escalated.number}"]`).click();
    await expect.poll(() => page.locator('[data-testid="current-step"]').textContent(), eventually).toContain('人工督办');
    await shot(page, '5-manager-inspects', '03-escalated-order');

    // … and by the resident who reported it (the server looks the name up in the ledger; the list stays masked).
    await page.locator('[data-testid="instance-search"]').fill('');
    await page.locator('[data-testid="instance-resident"]').fill('张伟');
    await expect.poll(() => page.locator(`.instance-row[data-order="${reported.number}"]`).count(), eventually).toBe(1);
    expect(await page.locator('[data-testid="instance-list"]').textContent()).not.toContain('张伟');
    await page.locator('[data-testid="instance-resident"]').fill('');

    // English on the switch.
    await page.locator('[data-testid="lang"]').click();
    await expect.poll(() => page.locator('header .nav a.active').textContent(), eventually).toBe('Inspector');
    await expect.poll(() => page.locator('[data-testid="current-step"]').textContent(), eventually).toContain('Current step');
    await page.locator('[data-testid="diagram"] .djs-container').waitFor();
    await shot(page, '5-manager-inspects', '04-english');
  });

  it('6. on a phone, a resident agrees the fee of a paid service and rates the repair of journey 1', { timeout: 90_000 }, async () => {
    // A paid service for resident1's flat, its fee assessed by the service centre (R-PAID-3).
    const created = await dispatcher.post('/api/work-orders', {
      kind: 'paid-service',
      communityId: 'C001',
      address: '1栋1单元101',
      description: '阳台加装一路进水管',
      reporter: { name: '张伟', phone: '13812345678' },
      channel: 'phone',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const paid = { id: created.body.id as string, number: created.body.number as string };
    const [assessment] = (await openTasks('dispatcher1', paid.id)).filter((t) => t.kind === 'fee-assessment');
    expect((await dispatcher.post(`/api/tasks/${assessment.id}/complete`, { variables: { fee: 150, plan: 'PPR 管明装 2 米' } })).status).toBe(200);
    expect((await openTasks('resident1', paid.id)).map((t) => t.kind)).toEqual(['resident-consent']);

    const page = await pageAs('resident1', '#/portal', 'phone');
    await page.locator(`.order-card[data-order="${paid.number}"]`).click();
    const consent = page.locator('[data-testid="your-turn"] .resident-task[data-task-kind="resident-consent"]');
    await consent.waitFor();
    expect(await consent.locator('h4').textContent()).toBe('住户确认费用');
    expect(await consent.locator('[data-testid="fee"]').textContent()).toBe('¥150.00');
    expect(await consent.textContent()).toContain('PPR 管明装 2 米');
    await consent.scrollIntoViewIfNeeded();
    await shot(page, '6-resident-agrees-and-rates', '01-fee-to-agree');
    await consent.locator('button[data-consent="yes"]').click();
    await expect.poll(() => consent.count(), eventually).toBe(0);
    // Consent given: the service centre replies with the appointment next (R-PAID-3), the step is the resident's own.
    await expect.poll(async () => (await openTasks('dispatcher1', paid.id)).map((t) => t.kind), eventually).toEqual(['reply-resident']);
    const afterConsent = await dispatcher.get(`/api/work-orders/${paid.id}`);
    expect(afterConsent.body.timeline.some((e: { type: string; actor: string }) => e.type === 'task-completed' && e.actor === 'resident1')).toBe(true);
    await shot(page, '6-resident-agrees-and-rates', '02-fee-agreed');

    // The repair of journey 1: the unit brings back the signed order, the return visit is the resident's to answer (R-REP-12).
    const [signature] = (await openTasks('unitA1', reported.id)).filter((t) => t.kind === 'resident-signature');
    const unitA = await server.as('unitA1');
    expect((await unitA.post(`/api/tasks/${signature.id}/complete`, { variables: { quality: 5, timeliness: 4, attitude: 5 } })).status).toBe(200);
    await expect.poll(async () => (await openTasks('resident1', reported.id)).map((t) => t.kind), eventually).toEqual(['return-visit']);

    await page.locator(`.order-card[data-order="${reported.number}"]`).click();
    const visit = page.locator('[data-testid="your-turn"] .resident-task[data-task-kind="return-visit"]');
    await visit.waitFor();
    // Without stars and an answer nothing is sent.
    await visit.locator('button[data-action="rate"]').click();
    expect(await visit.locator('.form-message.error').textContent()).toBe('请选择 1–5 星；请选择满意或不满意');
    await visit.locator('button[data-star="4"]').click();
    expect(await visit.locator('button[data-satisfied="yes"]').getAttribute('aria-pressed')).toBe('true');
    expect(await visit.locator('button.star.on').count()).toBe(4);
    await visit.locator('textarea[name="comment"]').fill('师傅很专业，地面也擦干净了');
    await visit.scrollIntoViewIfNeeded();
    await shot(page, '6-resident-agrees-and-rates', '03-rating');
    await visit.locator('button[data-action="rate"]').click();
    await expect.poll(() => visit.count(), eventually).toBe(0);

    // Satisfied: the order is closed with the resident's rating (close-order records it).
    await expect.poll(async () => (await order(reported.id)).status, eventually).toBe('closed');
    const closed = await order(reported.id);
    expect(closed.fields).toMatchObject({ satisfied: true, satisfaction: 4, returnVisitComment: '师傅很专业，地面也擦干净了' });
    await page.locator(`.order-card[data-order="${reported.number}"]`).click();
    const detail = page.locator('[data-testid="order-detail"]');
    await expect.poll(() => detail.locator('.progress li.current').textContent(), eventually).toBe('已结单');
    const rating = detail.locator('[data-testid="rating"]');
    await rating.waitFor();
    expect(await rating.textContent()).toContain('师傅很专业');
    await rating.scrollIntoViewIfNeeded();
    await shot(page, '6-resident-agrees-and-rates', '04-closed-with-rating');
  });

  it('no page error in any journey', () => {
    expect(pageErrors).toEqual([]);
  });
});
