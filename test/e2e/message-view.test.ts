// Opening a message in a real browser: header block, every tab, attachment bytes, screenshots.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { startUi, screenshot, type UiEnv } from '../helpers/browser.js';
import { fileTeardown } from '../helpers/teardown.js';
import { list } from '../helpers/api.js';
import { sendRaw } from '../helpers/smtp-client.js';

// A 1x1 PNG, and bytes that must survive a download untouched (every byte value).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const BINARY = Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256));

describe('web inbox: message view', () => {
  const teardown = fileTeardown();
  let ui: UiEnv;
  let id: string;
  before(async () => {
    ui = teardown.add(await startUi(), 'ui');
    await ui.send({
      from: 'Shop <shop@example.test>',
      to: 'Alice <alice@example.test>',
      cc: 'carol@example.test',
      bcc: 'audit@example.test',
      replyTo: 'support@example.test',
      subject: 'Your order #1234 has shipped',
      text: 'Hi Alice,\n\nTrack it at https://track.example.test/1234.\n\nThanks',
      html: '<!doctype html><html><body><h1 style="color:#2158d6">Order shipped</h1><p>Hi Alice, your order is on its way.</p><p><a href="https://track.example.test/1234">Track your parcel</a></p><img src="cid:logo@shop" alt="logo"></body></html>',
      headers: { 'X-Order': '1234' },
      attachments: [
        { filename: 'logo.png', content: PNG, contentType: 'image/png', cid: 'logo@shop' },
        { filename: 'thumb.png', content: PNG, contentType: 'image/png' },
        { filename: 'invoice.bin', content: BINARY, contentType: 'application/octet-stream' },
      ],
    });
    id = (await list(ui.server.url)).messages[0]!.id;
  });

  it('shows the header block, preview, HTML source, text, headers, raw, attachments and links', async () => {
    const { page, log, context } = await ui.openInbox({ path: `/messages/${id}` });
    const header = page.locator('.msg-header');
    await header.waitFor();
    assert.equal(await header.locator('.subject').innerText(), 'Your order #1234 has shipped');
    assert.match(await header.locator('[data-field="from"]').innerText(), /Shop <shop@example\.test>/);
    assert.match(await header.locator('[data-field="to"]').innerText(), /Alice <alice@example\.test>/);
    assert.match(await header.locator('[data-field="cc"]').innerText(), /carol@example\.test/);
    assert.match(await header.locator('[data-field="bcc"]').innerText(), /audit@example\.test \(envelope only\)/);
    assert.match(await header.locator('[data-field="reply-to"]').innerText(), /support@example\.test/);
    await header.getByText('SMTP envelope').click();
    assert.match(await header.locator('.envelope').innerText(), /MAIL FROM\s+shop@example\.test/);

    // Preview: the sandboxed frame shows the mail, with the inline image.
    const iframe = page.locator('iframe[title="Message preview"]');
    assert.equal(await iframe.getAttribute('sandbox'), 'allow-popups allow-popups-to-escape-sandbox');
    assert.equal(await iframe.getAttribute('src'), `/api/messages/${id}/html`);
    const frame = page.frameLocator('iframe[title="Message preview"]');
    await frame.getByRole('heading', { name: 'Order shipped' }).waitFor();
    await page.waitForFunction(() => true);
    const imgOk = await frame.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 1);
    assert.equal(imgOk, true, 'cid: image shown inline');
    await page.getByRole('button', { name: 'Phone', exact: true }).click();
    assert.equal(await iframe.evaluate((f) => f.getBoundingClientRect().width), 375);
    await page.getByRole('button', { name: 'Desktop', exact: true }).click();
    await screenshot(page, 'message-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'message-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('tab', { name: 'HTML source' }).click();
    const source = page.getByTestId('html-source');
    assert.match(await source.innerText(), /<h1 style="color:#2158d6">Order shipped<\/h1>/);
    assert.ok((await source.locator('.t-tag').count()) > 3, 'highlighted');

    await page.getByRole('tab', { name: 'Text' }).click();
    const text = page.getByTestId('text-body');
    assert.match(await text.innerText(), /Hi Alice,/);
    assert.equal(await text.getByRole('link').getAttribute('href'), 'https://track.example.test/1234');

    await page.getByRole('tab', { name: 'Headers' }).click();
    const table = page.getByTestId('headers-table');
    assert.ok((await table.locator('tr').count()) >= 6);
    await page.getByPlaceholder('Filter headers').fill('x-order');
    assert.equal(await table.locator('tr').count(), 1);
    assert.match(await table.innerText(), /1234/);

    await page.getByRole('tab', { name: 'Raw' }).click();
    const raw = await page.getByTestId('raw-source').innerText();
    assert.match(raw, /^Content-Type: multipart\/mixed|Subject: Your order #1234 has shipped/m);
    assert.match(raw, /X-Order: 1234/);

    await page.getByRole('tab', { name: /Attachments \(3\)/ }).click();
    const parts = page.getByTestId('attachments');
    assert.match(await parts.innerText(), /invoice\.bin/);
    assert.match(await parts.innerText(), new RegExp(createHash('sha256').update(BINARY).digest('hex')));
    const thumbs = parts.locator('img');
    assert.equal(await thumbs.count(), 2);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="attachments"] img')].every((i) => (i as HTMLImageElement).naturalWidth === 1));

    // Download returns the exact bytes.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      parts.locator('li', { hasText: 'invoice.bin' }).getByRole('link', { name: /Download/ }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'invoice.bin');
    assert.deepEqual(await readFile((await download.path())), BINARY);

    // Chromium cancels a second download from the same page without a prompt: use another tab.
    const tab = await context.newPage();
    await tab.goto(`${ui.server.url}/messages/${id}`);
    await tab.getByRole('button', { name: 'More' }).click();
    const [eml] = await Promise.all([tab.waitForEvent('download'), tab.getByRole('menuitem', { name: 'Download .eml' }).click()]);
    assert.equal(eml.suggestedFilename(), `${id}.eml`);
    const rawBytes = Buffer.from(await (await fetch(`${ui.server.url}/api/messages/${id}/raw`)).arrayBuffer());
    assert.deepEqual(await readFile((await eml.path())), rawBytes);
    await tab.close();

    await page.getByRole('tab', { name: /Links/ }).click();
    const links = page.getByTestId('links');
    // once from the HTML anchor, once from the text body
    assert.equal(await links.getByRole('link', { name: 'https://track.example.test/1234' }).count(), 2);
    assert.match(await links.innerText(), /Track your parcel/);

    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ui.server.url });
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Copy link' }).click();
    await page.getByRole('status').getByText('Link copied').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${ui.server.url}/messages/${id}`);

    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(log.foreignRequests, []);
    await context.close();
  });

  it('a message that cannot be parsed shows its raw source and the error', async () => {
    // More MIME parts than the parser allows (1,000 nodes): the server keeps it raw, with parseError.
    const parts = Array.from({ length: 1100 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
    await sendRaw(ui.server.smtpPort, 'bad@example.test', ['dev@example.test'], `Subject: broken\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--`);
    const m = (await list(ui.server.url)).messages[0]!;
    assert.ok(m.parseError, 'the fixture must fail to parse');
    const { page, context } = await ui.openInbox({ path: `/messages/${m.id}` });
    await page.getByTestId('parse-error').waitFor();
    assert.ok((await page.getByTestId('parse-error').innerText()).includes(m.parseError));
    assert.match(await page.getByTestId('raw-source').innerText(), /part 1099/);
    await context.close();
  });

  it('inbox screenshots, light and dark, and at 320 px', async () => {
    for (let i = 0; i < 6; i++) {
      await ui.send({ from: `Team ${i} <team${i}@example.test>`, to: 'dev@example.test', subject: `Weekly report ${i}`, text: `Numbers for week ${i} are in.`, headers: { 'X-Tags': i % 2 ? 'report' : 'team' } });
    }
    for (const scheme of ['light', 'dark'] as const) {
      const { page, context } = await ui.openInbox({ colorScheme: scheme, path: `/messages/${id}` });
      await page.frameLocator('iframe[title="Message preview"]').getByRole('heading', { name: 'Order shipped' }).waitFor();
      await page.getByRole('option', { name: /Weekly report 5/ }).waitFor();
      await screenshot(page, `inbox-${scheme}`); // for review; the README pictures come from npm run screenshot
      await context.close();
    }
    const { page, context } = await ui.openInbox({ width: 320, height: 640 });
    await page.getByRole('option').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scroll at 320 px (overflow ${overflow}px)`);
    await screenshot(page, 'inbox-320');
    await page.getByRole('option').first().click();
    await page.locator('.msg-header').waitFor();
    assert.equal(await page.getByRole('listbox', { name: 'Messages' }).isVisible(), false, 'list and message stack on small screens');
    await screenshot(page, 'message-320');
    await context.close();
  });
});
