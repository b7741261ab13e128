// IMAP and the web inbox share one mailbox, seen in a real browser: a \Seen stored over IMAP turns
// the row read in an open inbox (through the feed), a message deleted in the inbox reaches an idling
// IMAP session as EXPUNGE at once, and a message APPENDed over IMAP appears live.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startUi, type UiEnv } from '../helpers/browser.js';
import { RawImap } from '../helpers/imap.js';
import { fileTeardown } from '../helpers/teardown.js';

describe('IMAP and the web inbox', () => {
  const teardown = fileTeardown();
  let ui: UiEnv;
  before(async () => {
    ui = teardown.add(await startUi({ imap: { host: '127.0.0.1', port: 0 } }), 'ui');
  });

  it('flags, deletes and appends made on either side show on the other', async () => {
    const { page } = await ui.openInbox();
    // The empty inbox says where mail clients read.
    const hint = await page.getByTestId('read-hint').innerText();
    assert.match(hint, new RegExp(`IMAP at 127\\.0\\.0\\.1 port ${ui.server.imapPort}\\b`));
    assert.doesNotMatch(hint, /POP3/, 'POP3 is off on this server');
    for (const n of [1, 2]) await ui.send({ from: 'app@example.test', to: 'dev@example.test', subject: `Shared ${n}`, text: `body ${n}` });
    const row = (n: number) => page.getByRole('option', { name: new RegExp(`Shared ${n}\\b`) });
    await row(2).waitFor();
    assert.equal(await page.locator('[role="option"].unread').count(), 2);

    const imap = await RawImap.open(ui.server.imapPort!);
    teardown.defer('imap', () => imap.close());
    await imap.until(/\r\n/);
    await imap.command('a1', 'LOGIN dev x');
    assert.match(await imap.command('a2', 'SELECT INBOX'), /\* 2 EXISTS/);

    // \Seen over IMAP: the open inbox shows the row read, without a reload
    await imap.command('a3', 'STORE 1 +FLAGS (\\Seen)');
    await page.waitForFunction(() => document.querySelectorAll('[role="option"].unread').length === 1);
    assert.equal(await page.locator('[role="option"].unread .subject').innerText(), 'Shared 2');

    // Delete in the inbox while the IMAP session idles: it hears EXPUNGE at once, not at its next command
    imap.send('a4 IDLE\r\n');
    await imap.until(/^\+ [^\r\n]*\r\n$/);
    await row(2).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    // Opening the message to delete it marks it read: the idler hears that first.
    assert.equal(await imap.until(/\* 2 EXPUNGE\r\n/), '* 2 FETCH (FLAGS (\\Seen))\r\n* 2 EXPUNGE\r\n');
    await row(2).waitFor({ state: 'detached' });
    imap.send('DONE\r\n');
    await imap.until(/a4 OK IDLE terminated\r\n/);

    // APPEND over IMAP: the message appears in the open inbox
    const saved = 'From: desk@example.test\r\nTo: dev@example.test\r\nSubject: Appended over IMAP\r\n\r\nhello\r\n';
    imap.send(`a5 APPEND INBOX {${Buffer.byteLength(saved)}+}\r\n${saved}\r\n`);
    await imap.until(/a5 OK[^\r\n]*\r\n/);
    await page.getByRole('option', { name: /Appended over IMAP/ }).waitFor();
  });
});
