// A web page on another site, in a real Chromium, attacks the Mailroom on 127.0.0.1: it cannot
// open the feed (Origin check), read the API (no CORS), change or delete mail (cross-site
// mutations refused, JSON required), or reach it through a rebinding hostname (Host check).
// Foreign sites are simulated with --host-resolver-rules mapping *.test names to 127.0.0.1.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { startTestServer } from '../helpers/server.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { launchChromium, type Chromium } from '../helpers/chromium.js';
import { fileTeardown } from '../helpers/teardown.js';
import type { Mailroom } from '../../server/start.js';

let s: Mailroom;
let attacker: Server;
let attackerPort: number;
let browser: Chromium;
let id: string;

/** The attacks, as a script run in the attacker's page; each reports what it could do. */
function attackScript(target: string, wsTarget: string, messageId: string): string {
  return `
  window.results = (async () => {
    const out = {};
    const T = ${JSON.stringify(target)};
    out.ws = await new Promise((resolve) => {
      let ws;
      try { ws = new WebSocket(${JSON.stringify(wsTarget)}); } catch (e) { return resolve('threw'); }
      ws.onmessage = (e) => resolve('READ ' + e.data);
      ws.onerror = () => resolve('error');
      ws.onclose = () => resolve('closed');
      setTimeout(() => resolve('timeout'), 3000); // a deadline inside the page, not a wait
    });
    const tryFetch = async (url, init) => {
      try {
        const r = await fetch(url, init);
        let body = '';
        try { body = await r.text(); } catch (e) { body = 'unreadable'; }
        return r.type + ' ' + r.status + ' ' + body.slice(0, 120);
      } catch (e) { window.lastError = String(e); return 'blocked'; }
    };
    out.readList = await tryFetch(T + '/api/messages');
    out.readMessage = await tryFetch(T + '/api/messages/${messageId}');
    out.readRaw = await tryFetch(T + '/api/messages/${messageId}/raw');
    out.readNoCors = await tryFetch(T + '/api/messages', { mode: 'no-cors' });
    out.deleteCors = await tryFetch(T + '/api/messages', { method: 'DELETE' });
    out.deleteJson = await tryFetch(T + '/api/messages', { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' });
    out.patchJson = await tryFetch(T + '/api/messages/${messageId}', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"read":true}' });
    out.postTextPlain = await tryFetch(T + '/api/messages', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"ids":["${messageId}"]}' });
    out.postTextPlainOne = await tryFetch(T + '/api/messages/${messageId}', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"read":true}' });
    out.beacon = navigator.sendBeacon(T + '/api/messages', '{"ids":["${messageId}"]}');
    // A classic CSRF form post into a hidden frame.
    await new Promise((resolve) => {
      const f = document.createElement('iframe'); f.name = 'sink'; f.onload = resolve; document.body.append(f);
      const form = document.createElement('form');
      form.method = 'POST'; form.action = T + '/api/messages'; form.target = 'sink'; form.enctype = 'text/plain';
      const i = document.createElement('input'); i.name = '{"ids":["${messageId}"],"x":"'; i.value = '"}'; form.append(i);
      document.body.append(form); form.submit();
      setTimeout(resolve, 2000); // a bounded quiet period: the hostile page gets this long to try
    });
    out.formDone = true;
    return out;
  })();`;
}

const teardown = fileTeardown();

before(async () => {
  s = teardown.add(await startTestServer(), 'mailroom');
  const r = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: password reset\r\n\r\ncode 424242\r\n');
  id = /queued as (\S+)/.exec(r!.text)![1]!;
  attacker = createServer((req, res) => {
    const target = `http://127.0.0.1:${new URL(s.url).port}`;
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>innocent page</title><script>${attackScript(target, target.replace('http', 'ws') + '/api/feed', id)}</script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  teardown.defer('attacker site', () => new Promise((resolve) => attacker.close(resolve)));
  attackerPort = (attacker.address() as AddressInfo).port;
  browser = teardown.add(await launchChromium(['MAP attacker.test 127.0.0.1', 'MAP evil.test 127.0.0.1']), 'chromium');
});


/** Every response Mailroom gave to the page, for the server-side view of the attack. */
function recordMailroomResponses(page: Page, port: string) {
  const seen: Array<{ method: string; url: string; status: number; acao: string | undefined }> = [];
  page.on('response', (res) => {
    const u = new URL(res.url());
    if (u.port !== port) return;
    seen.push({ method: res.request().method(), url: u.pathname, status: res.status(), acao: res.headers()['access-control-allow-origin'] });
  });
  return seen;
}

async function assertMailUntouched() {
  assert.equal(s.store.stats().count, 1, 'the message is still there');
  assert.equal(s.store.get(id)!.read, false, 'and still unread');
}

test('a page on another site cannot open the feed, read the API, or change and delete mail', async () => {
  const page = await browser.context.newPage();
  const seen = recordMailroomResponses(page, new URL(s.url).port);
  await page.goto(`http://attacker.test:${attackerPort}/`);
  const out = await page.evaluate<Record<string, string | boolean>>('window.results');
  assert.ok(!String(out.ws).startsWith('READ'), `WebSocket: ${out.ws}`);
  assert.notEqual(out.ws, 'timeout');
  for (const k of ['readList', 'readMessage', 'readRaw', 'deleteCors', 'deleteJson', 'patchJson']) assert.equal(out[k], 'blocked', `${k}: ${out[k]}`);
  // no-cors requests are sent but their answers are opaque to the page.
  for (const k of ['readNoCors', 'postTextPlain', 'postTextPlainOne']) assert.equal(out[k], 'opaque 0 ', `${k}: ${out[k]}`);
  assert.equal(out.formDone, true);
  await page.close();
  // Server side: no CORS header ever; every mutating request that got through was refused.
  assert.ok(seen.length > 0);
  for (const r of seen) {
    assert.equal(r.acao, undefined, `CORS header on ${r.method} ${r.url}`);
    if (r.method !== 'GET') assert.equal(r.status, 403, `${r.method} ${r.url} -> ${r.status}`);
  }
  assert.ok(seen.some((r) => r.method === 'POST' && r.status === 403), 'the form post reached the server and was refused');
  await assertMailUntouched();
});

test('DNS rebinding: a page whose name now points at 127.0.0.1 gets 403 for the UI, the API and the feed', async (t) => {
  const port = new URL(s.url).port;
  const evil = `http://evil.test:${port}`;
  // Chromium's Private Network Access would block the rebound requests before they reach us;
  // other browsers have no such layer, so turn it off to prove the Host check holds by itself.
  const noPna = await launchChromium(['MAP evil.test 127.0.0.1'], [
    '--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults,LocalNetworkAccessChecks',
  ]);
  t.after(() => noPna.close());
  const page = await noPna.context.newPage();
  // Direct loads through the rebinding name.
  for (const path of ['/', '/api/messages', `/api/messages/${id}/raw`]) {
    const res = await page.goto(evil + path);
    assert.equal(res?.status(), 403, path);
    assert.match(await res.text(), /forbidden_host/);
  }
  // The attack proper: the page was first served by the attacker under evil.test:<port> (here:
  // fulfilled by the test), then the name rebinds to 127.0.0.1, so its same-origin requests reach Mailroom.
  await page.route(`${evil}/start`, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><script>${attackScript(evil, evil.replace('http', 'ws') + '/api/feed', id)}</script>` }),
  );
  const seen = recordMailroomResponses(page, port);
  await page.goto(`${evil}/start`);
  const out = await page.evaluate<Record<string, string | boolean>>('window.results');
  assert.ok(!String(out.ws).startsWith('READ'), `WebSocket: ${out.ws}`);
  for (const k of ['readList', 'readMessage', 'readRaw']) assert.match(String(out[k]), /^basic 403 .*forbidden_host/, `${k}: ${out[k]}`);
  for (const k of ['deleteJson', 'patchJson']) assert.match(String(out[k]), /^basic 403 /, `${k}: ${out[k]}`);
  assert.ok(seen.filter((r) => r.url !== '/start').length >= 5, 'the rebound requests reached Mailroom');
  assert.ok(seen.filter((r) => r.url !== '/start').every((r) => r.status === 403), JSON.stringify(seen));
  await assertMailUntouched();
});
