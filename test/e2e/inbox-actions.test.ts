// Feed reconnection, theme memory, multi-select and bulk actions, search, inboxes and tags.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocketRoute } from 'playwright-core';
import { startUi, type UiEnv } from '../helpers/browser.js';
import { fileTeardown } from '../helpers/teardown.js';
import { getJson, list } from '../helpers/api.js';

const clearAll = (url: string) => fetch(`${url}/api/messages`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' });

describe('web inbox: actions', () => {
  const teardown = fileTeardown();
  let ui: UiEnv;
  before(async () => {
    ui = teardown.add(await startUi(), 'ui');
  });

  it('shows when the feed drops, reconnects, and re-syncs mail that arrived during the gap', async () => {
    const context = await ui.browser.newContext();
    let accept = true;
    let current: WebSocketRoute | null = null;
    await context.routeWebSocket(/\/api\/feed$/, (ws) => {
      if (!accept) return ws.close({ code: 1011, reason: 'test: server away' });
      current = ws;
      ws.connectToServer();
    });
    const { page } = await ui.openInbox({ context });
    const status = page.getByTestId('feed-status');
    await page.locator('[data-testid="feed-status"][data-state="open"]').waitFor();

    accept = false;
    await current!.close({ code: 1001, reason: 'test: dropped' });
    await page.locator('[data-testid="feed-status"][data-state="closed"]').waitFor();
    assert.match(await status.innerText(), /Disconnected/);
    await page.waitForFunction(() => document.title.includes('(offline)'));

    await ui.send({ from: 'gap@example.test', to: 'dev@example.test', subject: 'Sent during the gap', text: 'missed?' });
    await page.getByRole('button', { name: 'Retry now' }).click(); // refused again: still closed
    await page.locator('[data-testid="feed-status"][data-state="closed"]').waitFor();
    accept = true; // the backoff timer reconnects by itself
    await page.locator('[data-testid="feed-status"][data-state="open"]').waitFor();
    await page.getByRole('option', { name: /Sent during the gap/ }).waitFor();
    await context.close();
    await clearAll(ui.server.url);
  });

  it('the theme follows the system until toggled, and the toggle is remembered', async () => {
    const { page, context } = await ui.openInbox({ colorScheme: 'dark' });
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const darkBg = await bg();
    await page.emulateMedia({ colorScheme: 'light' });
    const lightBg = await bg();
    assert.notEqual(darkBg, lightBg, 'follows the system scheme');
    await page.getByTestId('theme-toggle').click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    assert.equal(await bg(), darkBg);
    await page.reload();
    await page.getByTestId('theme-toggle').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'remembered across reloads');
    assert.equal(await bg(), darkBg);
    await context.close();
  });

  it('multi-select with shift and ctrl, bulk mark read, and delete all behind a confirmation', async () => {
    await clearAll(ui.server.url);
    for (let i = 1; i <= 5; i++) await ui.send({ from: 'm@example.test', to: 'dev@example.test', subject: `Multi ${i}`, text: 'x' });
    const { page, context } = await ui.openInbox();
    const row = (n: number) => page.getByRole('option', { name: new RegExp(`Multi ${n}\\b`) });
    await row(1).waitFor();
    await row(5).click({ modifiers: ['Control'] });
    await row(3).click({ modifiers: ['Shift'] });
    assert.equal(await page.locator('[role="option"][aria-selected="true"]').count(), 3);
    await row(1).click({ modifiers: ['Control'] });
    assert.equal(await page.locator('[role="option"][aria-selected="true"]').count(), 4);
    await page.getByRole('toolbar', { name: 'List actions' }).getByRole('button', { name: 'Mark read' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[role="option"].unread').length === 1);
    assert.equal(await page.locator('[role="option"].unread .subject').innerText(), 'Multi 2');
    await page.getByRole('toolbar', { name: 'List actions' }).getByRole('button', { name: 'Clear selection' }).click();

    const toolbar = page.getByRole('toolbar', { name: 'List actions' });
    await toolbar.getByRole('button', { name: 'Delete all' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete all messages?' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /5 messages/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await list(ui.server.url)).total, 5, 'cancel keeps the mail');
    await toolbar.getByRole('button', { name: 'Delete all' }).click();
    await dialog.getByRole('button', { name: 'Delete all' }).click();
    await page.getByTestId('empty-state').waitFor();
    assert.equal((await list(ui.server.url)).total, 0);
    assert.match(await page.getByTestId('empty-state').innerText(), new RegExp(`127\\.0\\.0\\.1:${ui.server.smtpPort}`), 'the empty state names the SMTP host and port');
    assert.equal(await page.getByTestId('read-hint').count(), 0, 'no POP3/IMAP hint when those doors are off');
    await context.close();
  });

  it('the search box filters through the API and reports a malformed query next to the box', async () => {
    await ui.send({ from: 'billing@example.test', to: 'dev@example.test', subject: 'Invoice 42 ready', text: 'pay me' });
    await ui.send({ from: 'news@example.test', to: 'dev@example.test', subject: 'Weekly newsletter', text: 'read me' });
    const { page, context } = await ui.openInbox();
    await page.getByRole('option', { name: /Weekly newsletter/ }).waitFor();
    await page.keyboard.press('/');
    await page.keyboard.type('invoice');
    await page.getByRole('option', { name: /Weekly newsletter/ }).waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('option').count(), 1);
    assert.match(await page.getByTestId('list-count').innerText(), /1 message.*matching “invoice”/);
    await page.getByRole('button', { name: 'Search syntax' }).click();
    assert.match(await page.getByRole('dialog', { name: 'Search syntax' }).innerText(), /from:/);
    await page.getByRole('dialog', { name: 'Search syntax' }).getByRole('button', { name: 'Close' }).click();

    const bad = 'subject:"unclosed';
    const probe = await getJson<{ error?: { message: string } }>(`${ui.server.url}/api/messages?query=${encodeURIComponent(bad)}`);
    assert.equal(probe.status, 400, 'the server refuses a malformed query');
    await page.getByRole('searchbox', { name: 'Search messages' }).fill(bad);
    await page.keyboard.press('Enter');
    const err = page.getByTestId('search-error');
    await err.waitFor();
    assert.equal(await err.innerText(), probe.body.error!.message);
    await context.close();
  });

  it('an inbox switcher with counts (remembered), shown once there is more than one inbox, and a tag list that filters', async () => {
    await clearAll(ui.server.url);
    await ui.send({ from: 'c@example.test', to: 'dev@example.test', subject: 'For everyone', text: 'c' });
    const { page, context } = await ui.openInbox();
    const sidebar = page.getByRole('navigation', { name: 'Inboxes and tags' });
    await page.getByRole('option', { name: /For everyone/ }).waitFor();
    // Only the "default" inbox: listing it beside "All inboxes" would say the same twice.
    assert.equal(await sidebar.getByRole('heading', { name: 'Inboxes' }).count(), 0);
    assert.equal(await sidebar.getByRole('button', { name: /All inboxes|default/ }).count(), 0);
    assert.equal(await page.getByRole('option', { name: /For everyone/ }).getByText('default', { exact: true }).count(), 0, 'no inbox chip on rows');

    await ui.send({ from: 'a@example.test', to: 'dev@example.test', subject: 'For alpha', text: 'a', headers: { 'X-Tags': 'signup' } }, { user: 'alpha', pass: 'x' });
    await ui.send({ from: 'b@example.test', to: 'dev@example.test', subject: 'For beta', text: 'b' }, { user: 'beta', pass: 'x' });
    const inboxes = (await getJson<{ inboxes: { name: string }[] }>(`${ui.server.url}/api/inboxes`)).body.inboxes.map((i) => i.name);
    assert.ok(inboxes.includes('alpha'), 'mail is routed to an inbox per SMTP user');
    // The list appears live once a second inbox exists.
    await sidebar.getByRole('heading', { name: 'Inboxes' }).waitFor();
    await sidebar.getByRole('button', { name: /default\s+1/ }).waitFor();
    await sidebar.getByRole('button', { name: /alpha\s+1/ }).click();
    await page.getByRole('option', { name: /For beta/ }).waitFor({ state: 'detached' });
    await page.getByRole('option', { name: /For alpha/ }).waitFor();
    // live updates respect the inbox
    await ui.send({ from: 'b@example.test', to: 'dev@example.test', subject: 'Beta again', text: 'b' }, { user: 'beta', pass: 'x' });
    await ui.send({ from: 'a@example.test', to: 'dev@example.test', subject: 'Alpha again', text: 'a' }, { user: 'alpha', pass: 'x' });
    await page.getByRole('option', { name: /Alpha again/ }).waitFor();
    assert.equal(await page.getByRole('option', { name: /Beta again/ }).count(), 0);
    await page.reload();
    await page.getByRole('option', { name: /Alpha again/ }).waitFor();
    assert.equal(await sidebar.getByRole('button', { name: /alpha/ }).getAttribute('aria-current'), 'true', 'the inbox choice is remembered');
    await sidebar.getByRole('button', { name: /All inboxes/ }).click();
    await page.getByRole('option', { name: /Beta again/ }).waitFor();

    const tag = sidebar.getByRole('button', { name: /signup\s+1/ });
    await tag.waitFor();
    await tag.click();
    assert.equal(await page.getByRole('searchbox', { name: 'Search messages' }).inputValue(), 'tag:signup');
    await page.getByRole('option', { name: /Beta again/ }).waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('option').count(), 1);
    await context.close();
  });
});
