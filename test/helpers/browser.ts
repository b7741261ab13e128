// Browser tests: Debian's chromium driven by playwright-core (never a downloaded browser), a
// Mailroom serving the built UI on port 0, and pages that record everything a hostile email
// could try (dialogs, console output, page errors, requests to any other origin).
// Importing this module makes the file a browser suite: without Chromium it stops at once with
// one line on stderr (see requireChromium).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { Config } from '../../server/config.js';
import { packageRoot } from '../../server/paths.js';
import type { Mailroom } from '../../server/start.js';
import { parseMessage } from '../../server/mail/parse.js';
import { viewOf } from '../../server/mail/view.js';
import type { Envelope } from '../../server/mail/types.js';
import { startTestServer } from './server.js';
import { CHROMIUM_ARGS, requireChromium } from './find-chromium.js';
import { Teardown } from './teardown.js';

export const CHROMIUM = requireChromium();
export const RESULTS_DIR = join(packageRoot, 'test-results');

/** Launches headless chromium. playwright gives every launch a fresh temporary profile (its own --user-data-dir). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
}

/** What a page did that a test may want to assert on. */
export interface PageLog {
  dialogs: string[];
  console: string[];
  pageErrors: string[];
  /** Requests to any origin other than the Mailroom under test (all of them are aborted). */
  foreignRequests: string[];
  /** Every request URL the page (and its frames) made. */
  requests: string[];
}

export interface UiEnv {
  server: Mailroom;
  browser: Browser;
  /** A new isolated browser context with one page on the inbox, plus its log. */
  openInbox(options?: { width?: number; height?: number; colorScheme?: 'light' | 'dark'; path?: string; context?: BrowserContext }): Promise<{ page: Page; log: PageLog; context: BrowserContext }>;
  /** Sends one message over SMTP with nodemailer. */
  send(mail: Mail.Options, auth?: { user: string; pass: string }): Promise<void>;
  close(): Promise<void>;
}

/** Starts a server that serves dist/web (run `npm run build` first) and a browser; on failure closes what it started. */
export async function startUi(overrides: Partial<Config> = {}): Promise<UiEnv> {
  const teardown = new Teardown();
  const { server, browser } = await teardown.setUp(async (t) => ({
    server: t.add(await startTestServer(overrides, { webRoot: join(packageRoot, 'dist', 'web') }), 'mailroom'),
    browser: t.add(await launchBrowser(), 'chromium'),
  }));
  const contexts: BrowserContext[] = [];
  teardown.defer('browser contexts', async () => {
    for (const c of contexts) await c.close().catch(() => {});
  });
  return {
    server,
    browser,
    async openInbox({ width = 1280, height = 800, colorScheme = 'light', path = '/', context } = {}) {
      const ctx = context ?? (await browser.newContext({ viewport: { width, height }, colorScheme, serviceWorkers: 'block' }));
      if (!context) contexts.push(ctx);
      const page = await ctx.newPage();
      const log: PageLog = { dialogs: [], console: [], pageErrors: [], foreignRequests: [], requests: [] };
      page.on('dialog', (d) => {
        log.dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss().catch(() => {});
      });
      page.on('console', (m) => log.console.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => log.pageErrors.push(e.message));
      page.on('request', (r) => log.requests.push(r.url()));
      await ctx.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(server.url + '/') || url === server.url) return route.continue();
        if (url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
        log.foreignRequests.push(url);
        return route.abort('blockedbyclient');
      });
      await page.goto(server.url + path);
      return { page, log, context: ctx };
    },
    async send(mail, auth) {
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true, ...(auth ? { auth } : {}) });
      try {
        await transport.sendMail(mail);
      } finally {
        transport.close();
      }
    },
    close: () => teardown.close(),
  };
}

/** Stores `count` small messages straight into the store (fast bulk set-up; SMTP is tested elsewhere). */
export async function addBulk(server: Mailroom, count: number, inbox?: string): Promise<void> {
  const envelope: Envelope = { mailFrom: 'bulk@example.test', rcptTo: ['dev@example.test'], remoteAddress: '127.0.0.1', heloName: 'bulk', authUser: null, secure: false };
  const template = (i: number) =>
    Buffer.from(`From: Bulk Sender <bulk@example.test>\r\nTo: dev@example.test\r\nSubject: Bulk message ${i}\r\nMessage-ID: <bulk-${i}@example.test>\r\n\r\nBody of bulk message ${i}.\r\n`);
  const view = viewOf(await parseMessage(template(0)), envelope);
  for (let i = 1; i <= count; i++) {
    server.store.add({ raw: template(i), envelope, view: { ...view, subject: `Bulk message ${i}`, snippet: `Body of bulk message ${i}.` }, ...(inbox ? { inbox } : {}) });
  }
}

/** Saves a screenshot for human review under test-results/ (gitignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Number of message rows currently in the DOM. */
export const rowCount = (page: Page) => page.locator('[role="option"]').count();
