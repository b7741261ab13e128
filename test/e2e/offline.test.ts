// The server goes away and comes back on the same ports (with --data-dir, so its mail survives):
// the open inbox says it is offline, reconnects by itself, shows mail sent after the restart
// once, and applies the read flags and deletions made meanwhile, without a reload.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { packageRoot } from '../../server/paths.js';
import type { Mailroom } from '../../server/start.js';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';
import { getJson, list, jsonRequest } from '../helpers/api.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { Teardown } from '../helpers/teardown.js';

const webRoot = join(packageRoot, 'dist', 'web');

describe('web inbox: the server goes away and comes back', () => {
  const teardown = new Teardown();
  after(() => teardown.close());
  let browser: Browser;
  let dataDir: string;
  let server: Mailroom | null = null;

  const start = async (ports?: { smtp: number; http: number }) =>
    startTestServer({ dataDir, ...(ports ? { smtp: { host: '127.0.0.1', port: ports.smtp }, listen: { host: '127.0.0.1', port: ports.http } } : {}) }, { webRoot });

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mailroom-offline-'));
    teardown.defer('data dir', () => rmSync(dataDir, { recursive: true, force: true }));
    browser = teardown.add(await launchBrowser(), 'chromium');
    server = await start();
    teardown.defer('mailroom', () => server?.close());
  });

  it('shows offline, reconnects, shows new mail once and applies reads and deletions made meanwhile', async () => {
    for (const subject of ['Keep me', 'Read me meanwhile', 'Delete me meanwhile', 'Deleted in the page offline', 'Read in the page offline']) await sendRaw(server!.smtpPort, 'a@example.test', ['dev@example.test'], `Subject: ${subject}\r\n\r\nx\r\n`);
    const ports = { smtp: server!.smtpPort, http: server!.httpPort };
    const before = new Map((await list(server!.url)).messages.map((m) => [m.subject, m.id]));
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    teardown.add(context, 'browser context');
    const page = await context.newPage();
    await page.goto(server!.url);
    const row = (subject: string) => page.getByRole('option', { name: new RegExp(subject) });
    await row('Delete me meanwhile').waitFor();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    await server!.close();
    server = null;
    await page.locator('[data-testid="feed-status"][data-state="closed"]').waitFor();
    await page.waitForFunction(() => document.title.includes('(offline)'));
    // Changes made in the page while the server is away show at once and wait to be sent.
    await row('Deleted in the page offline').click({ modifiers: ['Control'] });
    await page.keyboard.press('Delete');
    await row('Deleted in the page offline').waitFor({ state: 'detached' });
    await row('Read in the page offline').click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: 'Mark read', exact: true }).click();
    await page.waitForFunction((sel) => document.querySelector(sel)?.classList.contains('unread') === false, `#row-${before.get('Read in the page offline')}`);
    await page.getByTestId('pending-changes').getByText('2 changes to send').waitFor();
    await screenshot(page, 'offline');

    server = await start(ports);
    const messages = (await list(server.url)).messages;
    const id = (subject: string) => messages.find((m) => m.subject === subject)!.id;
    assert.equal((await getJson(`${server.url}/api/messages/${id('Read me meanwhile')}`, jsonRequest('PATCH', { read: true }))).status, 200);
    assert.equal((await getJson(`${server.url}/api/messages/${id('Delete me meanwhile')}`, { method: 'DELETE' })).status, 200);
    await sendRaw(server.smtpPort, 'a@example.test', ['dev@example.test'], 'Subject: New after the restart\r\n\r\nx\r\n');

    await page.locator('[data-testid="feed-status"][data-state="open"]').waitFor({ timeout: 30_000 });
    await row('New after the restart').waitFor();
    await row('Delete me meanwhile').waitFor({ state: 'detached' });
    assert.equal(await row('New after the restart').count(), 1, 'shown once');
    assert.equal(await row('Keep me').count(), 1);
    await page.waitForFunction((sel) => !document.querySelector(sel)?.classList.contains('unread'), `#row-${id('Read me meanwhile')}`);
    // What was done in the page offline reached the server once it was back.
    await page.getByTestId('pending-changes').waitFor({ state: 'detached' });
    const after = (await list(server.url)).messages;
    assert.ok(!after.some((m) => m.subject === 'Deleted in the page offline'), 'the offline deletion was sent');
    assert.equal(after.find((m) => m.subject === 'Read in the page offline')?.read, true, 'the offline read flag was sent');
    assert.equal(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), true, 'no reload');
    assert.ok(!(await page.title()).includes('(offline)'));
    await screenshot(page, 'back-online');
  });
});
