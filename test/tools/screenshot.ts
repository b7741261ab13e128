// `npm run screenshot`: the README's pictures, taken from the real inbox (the built UI, a real
// server, real SMTP, Debian's Chromium through playwright-core) with a few realistic messages,
// in the light and the dark theme: web/docs/inbox.png and web/docs/inbox-dark.png.

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../server/paths.js';
import { list } from '../helpers/api.js';
import { screenshot, startUi } from '../helpers/browser.js';

const ORDER_HTML = `<!doctype html><html><body style="margin:0;background:#f4f5f7;font-family:Helvetica,Arial,sans-serif;color:#1f2933">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="520" cellpadding="0" cellspacing="0" style="background:#fff;border-radius:8px;padding:28px">
<tr><td><p style="font-size:13px;color:#52606d;margin:0 0 8px">NORTHWIND SUPPLY</p>
<h1 style="font-size:24px;margin:0 0 12px">Your order is on its way</h1>
<p style="font-size:15px;line-height:1.5">Hi Alice, order <b>#4821</b> left our warehouse this morning and should arrive on Thursday.</p>
<table width="100%" style="font-size:14px;border-collapse:collapse;margin:16px 0">
<tr><td style="padding:6px 0;border-bottom:1px solid #e4e7eb">Trail running shoes, size 39</td><td align="right" style="border-bottom:1px solid #e4e7eb">€89.00</td></tr>
<tr><td style="padding:6px 0;border-bottom:1px solid #e4e7eb">Merino socks (2 pairs)</td><td align="right" style="border-bottom:1px solid #e4e7eb">€24.00</td></tr>
<tr><td style="padding:6px 0"><b>Total</b></td><td align="right"><b>€113.00</b></td></tr></table>
<p><a href="https://shop.example/orders/4821/track" style="display:inline-block;background:#2f6fed;color:#fff;text-decoration:none;padding:10px 18px;border-radius:6px;font-size:15px">Track your parcel</a></p>
<p style="font-size:12px;color:#7b8794;margin-top:24px">Northwind Supply · You get this mail because you ordered at shop.example.</p>
</td></tr></table></td></tr></table></body></html>`;

const ui = await startUi();
try {
  const mails = [
    { from: 'GitHub Actions <ci@builds.example>', to: 'team@acme.example', subject: '[acme/web] Build #1187 passed on main', text: 'All 412 tests passed in 3m 12s.', headers: { 'X-Tags': 'ci' } },
    { from: 'Acme Billing <billing@acme.example>', to: 'alice@example.test', subject: 'Invoice INV-2026-0142 for November', text: 'Hi Alice, your invoice for November is attached. Amount due: €49.00 by 20 December.', attachments: [{ filename: 'INV-2026-0142.pdf', content: Buffer.from('%PDF-1.4\n% a stand-in invoice\n'), contentType: 'application/pdf' }], headers: { 'X-Tags': 'billing' } },
    { from: 'Acme <hello@acme.example>', to: 'Jürgen Weiß <juergen@example.test>', subject: 'Welcome to Acme, Jürgen!', text: 'Confirm your address to finish signing up: https://acme.example/confirm?token=7f3a9c', headers: { 'X-Tags': 'signup' } },
    { from: 'Acme Accounts <security@acme.example>', to: 'alice@example.test', subject: 'Your sign-in code is 482913', text: 'Enter 482913 to sign in. The code expires in 10 minutes. If this was not you, reset your password.', headers: { 'X-Tags': 'auth' } },
    { from: 'Acme Accounts <security@acme.example>', to: 'bob@example.test', subject: 'Reset your password', text: 'Someone asked to reset the password of bob@example.test. Reset it here: https://acme.example/reset?token=c81d', headers: { 'X-Tags': 'auth' } },
    { from: 'Northwind Supply <orders@shop.example>', to: 'Alice Martin <alice@example.test>', subject: 'Your order #4821 has shipped', text: 'Hi Alice, order #4821 left our warehouse this morning. Track it: https://shop.example/orders/4821/track', html: ORDER_HTML },
  ];
  for (const mail of mails) await ui.send(mail);
  const open = (await list(ui.server.url)).messages.find((m) => m.subject.includes('#4821'))!;
  for (const scheme of ['light', 'dark'] as const) {
    const { page, context } = await ui.openInbox({ colorScheme: scheme, width: 1280, height: 720, path: `/messages/${open.id}` });
    await page.frameLocator('iframe[title="Message preview"]').getByRole('heading', { name: 'Your order is on its way' }).waitFor();
    await page.getByRole('option', { name: /Build #1187/ }).waitFor();
    const shot = await screenshot(page, `readme-inbox-${scheme}`);
    const target = join(packageRoot, 'web', 'docs', scheme === 'light' ? 'inbox.png' : 'inbox-dark.png');
    copyFileSync(shot, target);
    console.log(`wrote ${target}`);
    await context.close();
  }
} finally {
  await ui.close();
}
