// The open message on real mail, at 1280 px and at 375 px: a plain click opens without
// selecting, recipients are separated by ", " and long lists are cut to a few with "and N more",
// unnamed parts get names from their type, short Links/Attachments lists keep their rows' height,
// and a long subject never runs into the tag chips.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { screenshot, startUi, type UiEnv } from '../helpers/browser.js';
import { fileTeardown } from '../helpers/teardown.js';
import { list } from '../helpers/api.js';
import { sendRaw } from '../helpers/smtp-client.js';

const WIDTHS = [1280, 375] as const;

describe('web inbox: message details', () => {
  const teardown = fileTeardown();
  let ui: UiEnv;
  const ids: Record<string, string> = {};

  before(async () => {
    ui = teardown.add(await startUi(), 'ui');
    const many = Array.from({ length: 300 }, (_, i) => `user${i}@list.test`);
    await ui.send({ from: 'News <news@example.test>', to: ['Jürgen <j@x.test>', 'anna@x.test'], cc: many, subject: 'Newsletter to 302 people', text: 'See https://example.test/a and https://example.test/b' });
    // A part without a file name: an HTML alternative sent as an attachment, and an image.
    const boundary = 'b-unnamed';
    const raw = [
      'From: a@example.test',
      'To: b@example.test',
      'Subject: Unnamed parts',
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      'body',
      `--${boundary}`,
      'Content-Type: text/html',
      'Content-Disposition: attachment',
      '',
      '<p>an html attachment without a name</p>',
      `--${boundary}`,
      'Content-Type: image/png',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await sendRaw(ui.server.smtpPort, 'a@example.test', ['b@example.test'], raw);
    await ui.send({
      from: 'Ops <ops@example.test>',
      to: 'dev@example.test',
      subject: 'A very long subject line that goes on and on about the quarterly infrastructure review and its many action items',
      text: 'long',
      headers: { 'X-Tags': 'infrastructure, quarterly-review, action-items' },
    });
    for (const m of (await list(ui.server.url)).messages) ids[m.subject.split(' ')[0]!] = m.id;
  });

  const open = async (width: number, id?: string) => ui.openInbox({ width, height: width > 500 ? 800 : 740, ...(id ? { path: `/messages/${id}` } : {}) });

  for (const width of WIDTHS) {
    it(`the action bar is one row; the rest is in a More menu that works by keyboard; no sideways scroll (${width} px)`, async () => {
      const { page, context } = await open(width);
      await page.getByRole('option').first().waitFor();
      assert.equal(await horizontalOverflow(page), 0, 'no horizontal scroll on the list');
      await page.getByRole('option', { name: /Newsletter to 302/ }).click();
      const bar = page.getByRole('toolbar', { name: 'Message actions' });
      await bar.waitFor();
      const tops = await bar.locator(':scope > button, :scope > a, :scope > span > button').evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent).map((e) => Math.round(e.getBoundingClientRect().top)));
      assert.ok(tops.length >= 6, `${tops.length} controls`);
      assert.equal(new Set(tops).size, 1, `one row: tops ${tops.join(', ')}`);
      assert.ok((await bar.boundingBox())!.height < 56, 'one row high');
      assert.equal(await horizontalOverflow(page), 0, 'no horizontal scroll on the message');
      await screenshot(page, `action-bar-${width}`);

      const more = bar.getByRole('button', { name: 'More' });
      await more.focus();
      await page.keyboard.press('ArrowDown');
      const menu = page.getByRole('menu', { name: 'More message actions' });
      await menu.waitFor();
      assert.deepEqual((await menu.getByRole('menuitem').allInnerTexts()).map((t) => t.trim()), ['Download .eml', 'Copy link', 'Release…']);
      assert.equal(await page.evaluate(() => document.activeElement?.textContent.trim()), 'Download .eml');
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent.trim()), 'Copy link');
      await page.keyboard.press('End');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent.trim()), 'Release…');
      assert.equal(await horizontalOverflow(page), 0, 'the open menu stays on the page');
      await screenshot(page, `action-menu-${width}`);
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.textContent.trim().startsWith('More')), true, 'focus back on More');
      await context.close();
    });

    it(`a plain click opens the message without selecting it; Ctrl-click selects (${width} px)`, async () => {
      const { page, context } = await open(width);
      // the row's checkbox selects (and unselects) without opening anything, at both widths
      const pick = page.getByRole('option', { name: /A very long subject/ }).locator('.pick');
      await pick.click();
      assert.equal(await page.locator('[role="option"][aria-selected="true"]').count(), 1, 'the checkbox selects');
      assert.equal(await page.locator('.msg-header').count(), 0, 'and opens nothing');
      await pick.click();
      assert.equal(await page.locator('[role="option"][aria-selected="true"]').count(), 0, 'and unselects');
      await page.getByRole('option', { name: /Newsletter to 302/ }).click();
      await page.locator('.msg-header').waitFor();
      assert.equal(await page.locator('[role="option"][aria-selected="true"]').count(), 0, 'nothing selected');
      assert.equal(await page.getByText(/\d+ selected/).count(), 0, 'no selection toolbar');
      if (width > 500) {
        await page.getByRole('option', { name: /Unnamed parts/ }).click({ modifiers: ['Control'] });
        assert.equal(await page.locator('[role="option"][aria-selected="true"]').count(), 1);
        await page.getByText('1 selected').waitFor();
        const tops = await page.getByRole('toolbar', { name: 'List actions' }).locator('button').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
        assert.equal(new Set(tops).size, 1, `the selection bar is one row: ${tops.join(', ')}`);
      }
      await context.close();
    });

    it(`recipients are separated by ", "; 300 of them show five and "and N more", which expands (${width} px)`, async () => {
      const { page, context } = await open(width, ids.Newsletter);
      const to = page.locator('[data-field="to"]');
      await to.waitFor();
      assert.equal((await to.innerText()).trim(), 'Jürgen <j@x.test>, anna@x.test');
      const cc = page.locator('[data-field="cc"]');
      assert.equal(await cc.locator('.addr').count(), 5);
      const more = cc.getByRole('button', { name: 'Show all 300 cc recipients' });
      assert.equal((await more.innerText()).trim(), 'and 295 more');
      const box = (await page.locator('.msg-header').boundingBox())!;
      assert.ok(box.height < 400, `the header stays short (${box.height}px) so the body is in view`);
      await screenshot(page, `recipients-300-${width}`);
      await more.click();
      assert.equal(await cc.locator('.addr').count(), 300);
      await context.close();
    });

    it(`unnamed parts are named from their type; short Links and Attachments lists keep their rows' height (${width} px)`, async () => {
      const { page, context } = await open(width, ids.Unnamed);
      await page.getByRole('tab', { name: /Attachments/ }).click();
      const names = await page.locator('[data-testid="attachments"] .name').allInnerTexts();
      assert.deepEqual(names.map((n) => n.trim()), ['part-2.html', 'image-3.png']);
      assert.equal(await page.getByText(/unnamed part/).count(), 0);
      const first = (await page.locator('[data-testid="attachments"] li').first().boundingBox())!;
      assert.ok(first.height < 200, `an attachment row is ${first.height}px high, not stretched`);
      await screenshot(page, `attachments-unnamed-${width}`);
      await page.goto(`${ui.server.url}/messages/${ids.Newsletter}`);
      await page.getByRole('tab', { name: /Links/ }).click();
      const link = (await page.locator('.links li').first().boundingBox())!;
      assert.ok(link.height < 80, `a link row is ${link.height}px high`);
      await context.close();
    });

    it(`a long subject is cut before the tag chips, never under them (${width} px)`, async () => {
      const { page, context } = await open(width);
      const row = page.getByRole('option', { name: /A very long subject/ });
      await row.waitFor();
      await assertNoOverlap(page, row.locator('.subject'), row.locator('.badge.tag').first());
      await screenshot(page, `long-subject-${width}`);
      await context.close();
    });
  }
});

const horizontalOverflow = (page: Page) => page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth));

async function assertNoOverlap(_page: Page, a: ReturnType<Page['locator']>, b: ReturnType<Page['locator']>) {
  const [x, y] = [(await a.boundingBox())!, (await b.boundingBox())!];
  assert.ok(x.x + x.width <= y.x + 0.5 || y.x + y.width <= x.x + 0.5, `subject ${JSON.stringify(x)} overlaps chip ${JSON.stringify(y)}`);
  const line = await a.locator('xpath=..').evaluate((el) => el.clientWidth - parseFloat(getComputedStyle(el).paddingLeft) - parseFloat(getComputedStyle(el).paddingRight));
  assert.ok(x.width >= line * 0.45, `the subject keeps half the line (${x.width} of ${line}px)`);
}
