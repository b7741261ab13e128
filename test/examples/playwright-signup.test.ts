// Example: a browser flow with Playwright. A tiny sign-up app (port 0) mails a confirmation link
// through Mailroom; the test fills the form in Chromium, waits for the mail, and opens the link.
// Uses playwright-core with the system Chromium (found on PATH or named by $CHROMIUM), never a
// downloaded browser.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { chromium, type BrowserContext } from 'playwright-core';
import { startMailroom, type InProcessMailroom } from 'mailroom-server';
import { firstLink } from 'mailroom-server/client';
import { CHROMIUM_ARGS, requireChromium } from '../helpers/find-chromium.js';
import { fileTeardown } from '../helpers/teardown.js';

const executablePath = requireChromium();
const teardown = fileTeardown();

/** The app under test: GET / shows a form, POST /signup mails a link, GET /confirm confirms. */
function signupApp(smtpPort: number): Server {
  const pending = new Map<string, string>(); // token -> email
  const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, ignoreTLS: true });
  const page = (body: string) => `<!doctype html><meta charset="utf-8"><title>Sign up</title><body>${body}</body>`;
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (req.method === 'GET' && url.pathname === '/') {
      return res.end(page('<form method="post" action="/signup"><label>Email <input name="email" type="email" required></label><button>Sign up</button></form>'));
    }
    if (req.method === 'POST' && url.pathname === '/signup') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const email = new URLSearchParams(body).get('email') ?? '';
      const token = randomBytes(12).toString('hex');
      pending.set(token, email);
      const link = `${url.origin}/confirm?token=${token}`;
      await mailer.sendMail({
        from: 'welcome@app.example.test',
        to: email,
        subject: 'Confirm your account',
        text: `Welcome! Confirm your account: ${link}`,
        html: `<p>Welcome!</p><p><a href="${link}">Confirm your account</a></p><p><a href="${url.origin}/unsubscribe">Unsubscribe</a></p>`,
      });
      return res.end(page('<p id="status">Check your inbox</p>'));
    }
    if (req.method === 'GET' && url.pathname === '/confirm') {
      const email = pending.get(url.searchParams.get('token') ?? '');
      if (!email) return res.writeHead(404).end(page('<p id="status">Unknown link</p>'));
      pending.delete(url.searchParams.get('token')!);
      return res.end(page(`<p id="status">Confirmed ${escape(email)}</p>`));
    }
    res.writeHead(404).end(page('not found'));
  };
  // A failed send answers 500 instead of leaving the request hanging.
  const server = createServer((req, res) => void handle(req, res).catch((err: unknown) => res.writeHead(500).end(String(err))));
  server.on('close', () => mailer.close());
  return server;
}

let mailroom: InProcessMailroom;
let app: Server;
let appUrl: string;
let browser: BrowserContext;

before(async () => {
  mailroom = teardown.add(await startMailroom(), 'mailroom');
  app = signupApp(mailroom.smtpPort);
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  teardown.defer('sign-up app', () => new Promise((resolve) => app.close(resolve)));
  appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  const profile = await mkdtemp(join(tmpdir(), 'mailroom-example-chromium-'));
  teardown.defer('profile', () => rm(profile, { recursive: true, force: true }));
  // A fresh profile directory per run (Playwright passes it as --user-data-dir).
  browser = teardown.add(await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: [...CHROMIUM_ARGS] }), 'chromium');
});

test('sign up, receive the confirmation mail, open its link', async () => {
  const page = await browser.newPage();
  const email = `erin.${Date.now()}@example.test`;
  const since = await mailroom.client.marker();

  await page.goto(appUrl);
  await page.fill('input[name=email]', email);
  await page.click('button');
  await page.waitForSelector('text=Check your inbox');

  const mail = await mailroom.client.waitForMessage(email, { since, timeout: 10_000 });
  assert.equal(mail.subject, 'Confirm your account');
  const link = firstLink(mail, '/confirm?token=');
  assert.ok(link, `no confirmation link in ${JSON.stringify(mail.html)}`);

  await page.goto(link);
  assert.equal(await page.textContent('#status'), `Confirmed ${email}`);
  await page.close();
});
