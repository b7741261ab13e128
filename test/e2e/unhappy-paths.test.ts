// The issue-9 screens in a real browser: the Transcript tab (AUTH masked), the Release dialog
// against a second Mailroom as the upstream, and the /faults view: a rule added in the form makes
// a nodemailer send fail with its code, its fire count shows it, the rejected list shows the
// attempt (and its session), an invalid rule shows the server's message.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { addBulk, screenshot, startUi, type UiEnv } from '../helpers/browser.js';
import { fileTeardown } from '../helpers/teardown.js';
import { list } from '../helpers/api.js';
import { join } from 'node:path';
import { relayTo, startTestServer } from '../helpers/server.js';
import { packageRoot } from '../../server/paths.js';
import { smtpTransport } from '../helpers/mail.js';
import type { Mailroom } from '../../server/start.js';

const PASSWORD = 'pa55-Secret-9';

describe('web inbox: transcripts, release, faults', () => {
  const teardown = fileTeardown();
  let upstream: Mailroom;
  let ui: UiEnv;
  before(async () => {
    upstream = teardown.add(await startTestServer({ smtpStarttls: 'on' }), 'upstream');
    ui = teardown.add(await startUi(relayTo(upstream)), 'ui');
  });

  const newest = async () => (await list(ui.server.url)).messages[0]!.id;

  it('the Transcript tab shows the SMTP session with AUTH masked; a message without one says so', async () => {
    await ui.send({ from: 'app@example.test', to: 'dev@example.test', subject: 'Transcript me', text: 'hello' }, { user: 'alice', pass: PASSWORD });
    const id = await newest();
    const { page } = await ui.openInbox({ path: `/messages/${id}` });
    await page.getByRole('tab', { name: 'Transcript' }).click();
    const lines = page.getByTestId('transcript-lines');
    await lines.waitFor();
    const text = await lines.innerText();
    assert.match(text, /EHLO/);
    assert.match(text, /AUTH \w+ \/\* secured \*\/|\/\* secured \*\//);
    assert.match(text, /MAIL FROM:<app@example\.test>/);
    assert.match(text, /bytes of message data/);
    assert.match(text, /queued as/);
    assert.ok(!text.includes(PASSWORD) && !text.includes(Buffer.from(`\0alice\0${PASSWORD}`).toString('base64')), 'no secret in the page');
    assert.ok((await lines.locator('li[data-dir="client"]').count()) >= 3, 'client lines marked');
    assert.ok((await lines.locator('li[data-dir="server"]').count()) >= 3, 'server lines marked');
    assert.match(await lines.locator('li').first().locator('.time').innerText(), /^\+\d/);
    const info = await page.getByTestId('session-info').innerText();
    assert.match(info, /AUTH user\s+alice/);
    assert.match(info, /127\.0\.0\.1:\d+/);
    await screenshot(page, 'transcript-tab');

    await addBulk(ui.server, 1); // stored without SMTP: no transcript
    await page.goto(`${ui.server.url}/messages/${await newest()}`);
    await page.getByRole('tab', { name: 'Transcript' }).click();
    await page.getByTestId('no-transcript').waitFor();
  });

  it('the Release dialog sends to the upstream, shows the result and the history; a disallowed recipient is explained', async () => {
    await ui.send({ from: 'shop@example.test', to: 'alice@example.test', subject: 'Release me please', text: 'hi' });
    const id = await newest();
    const before = (await list(upstream.url)).total;
    const { page } = await ui.openInbox({ path: `/messages/${id}` });
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Release…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Release message' });
    await dialog.getByText('@allowed\\.test$').waitFor();
    await dialog.getByLabel('Recipients').fill('boss@elsewhere.test');
    await dialog.getByRole('button', { name: 'Release', exact: true }).click();
    await dialog.getByTestId('release-result').getByText(/boss@elsewhere\.test/).waitFor();
    assert.equal((await list(upstream.url)).total, before, 'nothing sent');

    await dialog.getByLabel('Recipients').fill('Person@Allowed.test');
    await dialog.getByRole('button', { name: 'Release', exact: true }).click();
    const result = dialog.getByTestId('release-result');
    await result.getByText('Accepted by the upstream server').waitFor();
    assert.match(await result.innerText(), /250 2\.0\.0 Ok: queued as \S+/);
    await dialog.getByTestId('release-history').locator('li').first().waitFor();
    assert.match(await dialog.getByTestId('release-history').innerText(), /sent .*Person@Allowed\.test/s);
    await screenshot(page, 'release-dialog');

    const up = await list(upstream.url);
    assert.equal(up.total, before + 1);
    assert.equal(up.messages[0]!.subject, 'Release me please');

    // Without --relay-host the button is disabled and says why.
    const plain = await startTestServer({}, { webRoot: join(packageRoot, 'dist', 'web') });
    const ctx = await ui.browser.newContext();
    try {
      await smtpTransport(plain.smtpPort, { ignoreTLS: true }).sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'no relay', text: 'x' });
      const p = await ctx.newPage();
      await p.goto(`${plain.url}/messages/${(await list(plain.url)).messages[0]!.id}`);
      await p.getByRole('button', { name: 'More' }).click();
      const item = p.getByRole('menuitem', { name: 'Release…' });
      await p.waitForFunction(() => document.querySelector('[role="menuitem"][aria-disabled="true"]') !== null);
      assert.equal(await item.getAttribute('aria-disabled'), 'true');
      assert.match((await item.getAttribute('title')) ?? '', /not configured: start Mailroom with --relay-host/);
      await item.click({ force: true }); // playwright would wait for an aria-disabled item forever
      assert.equal(await p.getByRole('dialog', { name: 'Release message' }).count(), 0, 'a disabled item opens nothing');
    } finally {
      await ctx.close();
      await plain.close();
    }
  });

  async function openFaults(): Promise<Page> {
    const { page } = await ui.openInbox();
    await page.getByRole('link', { name: 'Faults' }).click();
    await page.getByTestId('faults-panel').waitFor();
    assert.equal(new URL(page.url()).pathname, '/faults');
    return page;
  }

  it('a rule added in the panel makes a send fail with its code; the count, rejected list and session show it', async () => {
    const page = await openFaults();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const form = page.getByTestId('rule-form');
    await form.getByLabel('Name', { exact: true }).fill('blocked domain');
    await form.getByLabel('Stage').selectOption('rcpt');
    await form.getByLabel('To', { exact: true }).fill('*@blocked.test');
    await form.getByLabel('Reply code').fill('550');
    await form.getByLabel('Enhanced code').fill('5.1.1');
    await form.getByLabel('Reply text').fill('no such user here');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await form.waitFor({ state: 'detached' });
    const row = page.getByTestId('rules').locator('tr', { hasText: 'blocked domain' });
    await row.waitFor();
    assert.match(await row.innerText(), /550 5\.1\.1 no such user here/);
    assert.equal((await row.getByTestId('fired').locator('strong').innerText()).trim(), '0');

    const transport = smtpTransport(ui.server.smtpPort, { ignoreTLS: true });
    await assert.rejects(transport.sendMail({ from: 'app@example.test', to: 'someone@blocked.test', subject: 'nope', text: 'x' }), (err: { responseCode?: number; response?: string }) => {
      assert.equal(err.responseCode, 550);
      assert.match(err.response ?? '', /5\.1\.1 no such user here/);
      return true;
    });
    transport.close();

    // The panel polls: the count and the rejected attempt appear without a reload.
    await row.getByTestId('fired').locator('strong', { hasText: '1' }).waitFor();
    const attempt = page.getByTestId('rejected').locator('tbody tr', { hasText: 'someone@blocked.test' });
    await attempt.waitFor();
    const attemptText = await attempt.innerText();
    assert.match(attemptText, /rcpt/);
    assert.match(attemptText, /blocked domain/);
    assert.match(attemptText, /550 5\.1\.1 no such user here/);
    assert.match(attemptText, /127\.0\.0\.1/);
    await screenshot(page, 'faults-panel');

    await attempt.getByRole('button').click();
    const session = page.getByTestId('session-dialog');
    await session.getByTestId('transcript-lines').waitFor();
    assert.match(await session.innerText(), /RCPT TO:<someone@blocked\.test>[\s\S]*550 5\.1\.1 no such user here/);
    await screenshot(page, 'rejected-session');
    await page.keyboard.press('Escape');

    // Disable, then remove it; clearing the rejected list asks first.
    await row.getByRole('checkbox').uncheck();
    await page.waitForFunction(async () => ((await (await fetch('/api/faults/rules')).json()) as { rules: { enabled: boolean }[] }).rules.every((r) => !r.enabled));
    await row.getByRole('button', { name: /Delete rule/ }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Clear list' }).click();
    await page.getByRole('dialog', { name: 'Empty the rejected list?' }).getByRole('button', { name: 'Empty list' }).click();
    await attempt.waitFor({ state: 'detached' });
  });

  it('an invalid rule shows the server’s message next to the form and adds nothing', async () => {
    const page = await openFaults();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const form = page.getByTestId('rule-form');
    await form.getByLabel('Stage').selectOption('rcpt');
    await form.getByLabel(/^Subject/).fill('Welcome*');
    await form.getByRole('button', { name: 'Add rule' }).click();
    assert.equal(await form.getByTestId('rule-error').innerText(), 'match.subject is only known at stage data');

    await form.getByLabel(/^Subject/).fill('');
    await form.getByLabel('Reply code').fill('450'); // a reject needs 5xx
    await form.getByRole('button', { name: 'Add rule' }).click();
    await form.getByTestId('rule-error').getByText('action.code must be a whole number from 500 to 599').waitFor();
    await screenshot(page, 'rule-form-error');
    const rules = (await (await fetch(`${ui.server.url}/api/faults/rules`)).json()) as { rules: unknown[] };
    assert.equal(rules.rules.length, 0);
  });
});
