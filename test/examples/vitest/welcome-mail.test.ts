// Example Vitest test: the app sends a welcome mail with nodemailer; the test waits for it.

import { expect, inject, test } from 'vitest';
import nodemailer from 'nodemailer';
import { createClient, firstLink } from 'mailroom-server/client';

const mailroom = createClient(inject('mailroomUrl'));

test('a new user gets a welcome mail with a link to the dashboard', async () => {
  const since = await mailroom.marker();
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: inject('mailroomSmtpPort'), ignoreTLS: true });
  await transport.sendMail({
    from: 'hello@app.example.test',
    to: 'frank@example.test',
    subject: 'Welcome aboard',
    html: '<h1>Welcome, Frank</h1><a href="https://app.example.test/dashboard">Open your dashboard</a>',
  });
  transport.close();

  const mail = await mailroom.waitForMessage('frank@example.test', { since, timeout: 5000 });
  expect(mail.subject).toBe('Welcome aboard');
  expect(mail.to).toEqual([{ name: '', address: 'frank@example.test' }]);
  expect(firstLink(mail, /dashboard/)).toBe('https://app.example.test/dashboard');
});
