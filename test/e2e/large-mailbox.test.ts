// 10,000 messages: the list loads, scrolls to the end through cursor pages, and the DOM only ever
// holds the rows in view.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addBulk, rowCount, startUi, type UiEnv } from '../helpers/browser.js';
import { fileTeardown } from '../helpers/teardown.js';
import { RawSmtp } from '../helpers/smtp-client.js';

const BULK = 10_000;
const SMTP_BATCH = 200; // sent over one pipelined SMTP session: the real path, kept small
const MAX_DOM_ROWS = 60; // a 800 px viewport shows ~10 rows; overscan adds a dozen

/** Sends `count` messages over one SMTP connection, pipelining each transaction (RFC 2920). */
async function sendPipelined(port: number, count: number): Promise<void> {
  const c = await RawSmtp.open(port);
  try {
    await c.reply();
    await c.command('EHLO bulk.test');
    for (let i = 0; i < count; i++) {
      c.send(`MAIL FROM:<smtp@example.test>\r\nRCPT TO:<dev@example.test>\r\nDATA\r\n`);
      for (let r = 0; r < 3; r++) await c.reply();
      c.send(`From: smtp@example.test\r\nTo: dev@example.test\r\nSubject: SMTP message ${i + 1}\r\n\r\nsent over SMTP\r\n.\r\n`);
      const done = await c.reply();
      assert.equal(done?.code, 250);
    }
    await c.command('QUIT');
  } finally {
    c.close();
  }
}

describe('web inbox: 10,000 messages', () => {
  const teardown = fileTeardown();
  let ui: UiEnv;
  before(async () => {
    ui = teardown.add(await startUi({ maxMessages: 20_000 }), 'ui');
    await addBulk(ui.server, BULK - SMTP_BATCH);
    await sendPipelined(ui.server.smtpPort, SMTP_BATCH);
  });

  it('loads, scrolls to the oldest message, and keeps the DOM row count bounded', async () => {
    const { page, log, context } = await ui.openInbox();
    await page.getByRole('option', { name: new RegExp(`SMTP message ${SMTP_BATCH}\\b`) }).waitFor();
    assert.match(await page.getByTestId('list-count').innerText(), /10,000 messages/);
    assert.ok((await rowCount(page)) <= MAX_DOM_ROWS);
    const listbox = page.getByRole('listbox', { name: 'Messages' });
    assert.equal(await page.locator('[role="option"]').first().getAttribute('aria-setsize'), String(BULK));

    // Scroll down in steps, as a user dragging the scrollbar would, to the very end.
    let maxRows = 0;
    for (const fraction of [0.1, 0.3, 0.5, 0.7, 0.9, 1]) {
      await listbox.evaluate((el, f) => (el.scrollTop = (el.scrollHeight - el.clientHeight) * f), fraction);
      await page.waitForFunction(() => document.querySelectorAll('[role="option"]').length > 0 && !document.querySelector('.placeholder'));
      maxRows = Math.max(maxRows, await rowCount(page));
    }
    await page.getByRole('option', { name: /Bulk message 1\b/ }).waitFor();
    assert.equal(await page.locator('[role="option"]').last().getAttribute('aria-posinset'), String(BULK));
    assert.ok(maxRows <= MAX_DOM_ROWS, `DOM rows stayed bounded (max ${maxRows})`);

    // New mail still arrives at the top while scrolled to the bottom; g g goes back up to it.
    await ui.send({ from: 'late@example.test', to: 'dev@example.test', subject: 'Arrived while scrolled', text: 'hi' });
    await page.waitForFunction(() => /10,001 messages/.test(document.querySelector('[data-testid="list-count"]')!.textContent));
    await listbox.focus();
    await page.keyboard.press('g');
    await page.keyboard.press('g');
    await page.getByRole('option', { name: /Arrived while scrolled/ }).waitFor();
    assert.ok((await rowCount(page)) <= MAX_DOM_ROWS);
    assert.deepEqual(log.pageErrors, []);
    await context.close();
  });
});
