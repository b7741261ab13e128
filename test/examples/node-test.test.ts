// Example: a plain node:test suite. Mailroom runs in-process on free ports; the "app" sends a
// password-reset mail with nodemailer; the test waits for it and reads the link and the code.
// Run alone: node --import tsx --test test/examples/node-test.test.ts

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { startMailroom, type InProcessMailroom } from 'mailroom-server';
import { code, firstLink } from 'mailroom-server/client';
import { fileTeardown } from '../helpers/teardown.js';

let mailroom: InProcessMailroom;
const teardown = fileTeardown();
before(async () => {
  mailroom = teardown.add(await startMailroom(), 'mailroom');
});

/** The code under test: sends a reset mail through whatever SMTP server it is configured with. */
async function requestPasswordReset(smtpPort: number, email: string): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
  await transport.sendMail({
    from: 'noreply@app.example.test',
    to: email,
    subject: 'Reset your password',
    text: `Use code 731904 or open https://app.example.test/reset?token=t0k3n&user=${encodeURIComponent(email)}`,
    html: `<p>Use code <b>731904</b> or <a href="https://app.example.test/reset?token=t0k3n&amp;user=${encodeURIComponent(email)}">reset it here</a>.</p>`,
  });
  transport.close();
}

test('password reset mail carries a link and a code', async () => {
  const since = await mailroom.client.marker(); // take it before acting: no race with the mail
  await requestPasswordReset(mailroom.smtpPort, 'dora@example.test');
  const mail = await mailroom.client.waitForMessage('dora@example.test', { since, timeout: 5000 });
  assert.equal(mail.subject, 'Reset your password');
  assert.equal(code(mail), '731904');
  assert.equal(firstLink(mail, /\/reset\?/), 'https://app.example.test/reset?token=t0k3n&user=dora%40example.test');
});
