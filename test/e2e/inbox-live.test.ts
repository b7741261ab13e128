// The inbox list in a real browser: live arrival, unread counts, cross-tab deletes, keyboard.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startUi, type UiEnv } from '../helpers/browser.js';
import { fileTeardown } from '../helpers/teardown.js';
import { list } from '../helpers/api.js';

describe('web inbox: live list', () => {
  const teardown = fileTeardown();
  let ui: UiEnv;
  before(async () => {
    ui = teardown.add(await startUi(), 'ui');
  });

  it('shows mail sent over SMTP in an already open page, without reload, and updates the unread count', async () => {
    const { page, log } = await ui.openInbox();
    await page.getByTestId('empty-state').waitFor();
    await page.locator('[data-testid="feed-status"][data-state="open"]').waitFor();
    const navigations: string[] = [];
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });

    await ui.send({ from: 'App <app@example.test>', to: 'alice@example.test', subject: 'Welcome aboard', text: 'Hello Alice' });
    const row = page.getByRole('option', { name: /Welcome aboard/ });
    await row.waitFor();
    await page.waitForFunction(() => document.title.startsWith('(1) '));
    assert.match(await page.getByTestId('list-count').innerText(), /1 message, 1 unread/);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    assert.match(icon ?? '', /^data:image\/png;base64,/, 'the favicon is redrawn with the unread badge');

    await ui.send({ from: 'App <app@example.test>', to: 'bob@example.test', subject: 'Second one', text: 'Hello Bob' });
    await page.getByRole('option', { name: /Second one/ }).waitFor();
    await page.waitForFunction(() => document.title.startsWith('(2) '));
    // newest first
    const subjects = await page.locator('[role="option"] .subject').allInnerTexts();
    assert.deepEqual(subjects, ['Second one', 'Welcome aboard']);
    assert.deepEqual(navigations, [], 'the page never reloaded');
    assert.deepEqual(log.pageErrors, []);

    // Opening marks it read; the count follows.
    await row.click();
    await page.locator('.msg-header .subject', { hasText: 'Welcome aboard' }).waitFor();
    await page.waitForFunction(() => document.title.startsWith('(1) '));
    assert.equal(new URL(page.url()).pathname.startsWith('/messages/'), true, 'permalink route');
    await page.context().close();
  });

  it('a delete in one tab removes the row in a second tab', async () => {
    await ui.send({ from: 'x@example.test', to: 'y@example.test', subject: 'Delete me', text: 'bye' });
    const a = await ui.openInbox();
    const b = await ui.openInbox({ context: a.context });
    for (const p of [a.page, b.page]) await p.getByRole('option', { name: /Delete me/ }).waitFor();

    await a.page.getByRole('option', { name: /Delete me/ }).click();
    await a.page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Delete' }).click();
    await b.page.getByRole('option', { name: /Delete me/ }).waitFor({ state: 'detached' });
    await a.page.getByRole('option', { name: /Delete me/ }).waitFor({ state: 'detached' });
    assert.equal((await list(ui.server.url)).messages.some((m) => m.subject === 'Delete me'), false);
    await a.context.close();
  });

  it('read changes and delete-all made through the API show up at once', async () => {
    const { page, context } = await ui.openInbox();
    await page.getByRole('option').first().waitFor();
    const before = (await list(ui.server.url)).messages;
    assert.ok(before.length >= 2);
    await fetch(`${ui.server.url}/api/messages`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ read: true }) });
    await page.waitForFunction(() => document.title === 'Mailroom');
    assert.equal(await page.locator('[role="option"].unread').count(), 0);

    await fetch(`${ui.server.url}/api/messages`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' });
    await page.getByTestId('empty-state').waitFor();
    await context.close();
  });

  it('keyboard: j/k move, Enter opens, u toggles read, # deletes, Esc goes back, / searches, ? shows help', async () => {
    for (let i = 1; i <= 4; i++) await ui.send({ from: 'k@example.test', to: 'dev@example.test', subject: `Key ${i}`, text: `body ${i}` });
    const { page, log, context } = await ui.openInbox();
    await page.getByRole('option', { name: /Key 1/ }).waitFor();
    const focused = () => page.locator('[role="option"].focused .subject').innerText();

    await page.keyboard.press('j');
    assert.equal(await focused(), 'Key 4');
    await page.keyboard.press('j');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'Key 2');
    await page.keyboard.press('k');
    assert.equal(await focused(), 'Key 3');
    assert.equal(await page.getByRole('listbox', { name: 'Messages' }).getAttribute('aria-activedescendant'), await page.locator('[role="option"].focused').getAttribute('id'));

    await page.keyboard.press('Enter');
    await page.locator('.msg-header .subject', { hasText: 'Key 3' }).waitFor();
    await page.locator('[role="option"].open:not(.unread)', { hasText: 'Key 3' }).waitFor();
    await page.keyboard.press('j'); // with a message open, j opens the next one
    await page.locator('.msg-header .subject', { hasText: 'Key 2' }).waitFor();
    await page.locator('[role="option"].open:not(.unread)', { hasText: 'Key 2' }).waitFor();
    await page.keyboard.press('u'); // Key 2 was marked read on open: u makes it unread
    await page.locator('[role="option"].unread', { hasText: 'Key 2' }).waitFor();

    await page.keyboard.press('Escape');
    await page.locator('.msg-header').waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).pathname, '/');

    await page.keyboard.press('g');
    await page.keyboard.press('g');
    assert.equal(await focused(), 'Key 4');
    await page.keyboard.press('#');
    await page.getByRole('option', { name: /Key 4/ }).waitFor({ state: 'detached' });
    assert.equal((await list(ui.server.url)).messages.some((m) => m.subject === 'Key 4'), false);

    // x selects, then Delete removes the whole selection
    await page.keyboard.press('g');
    await page.keyboard.press('g');
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    assert.equal(await page.locator('[role="option"][aria-selected="true"]').count(), 2);
    await page.keyboard.press('Delete');
    await page.waitForFunction(() => document.querySelectorAll('[role="option"]').length === 1);

    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-input');
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'hidden' });
    assert.deepEqual(log.pageErrors, []);
    await context.close();
  });
});
