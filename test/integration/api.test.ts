// The native API through real HTTP: listing, reading, marking, deleting, errors, guards, preview.

import { before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { getJson, list, jsonRequest, type ApiErrorBody } from '../helpers/api.js';
import { httpRequest } from '../helpers/http.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';

let server: Mailroom;
const teardown = fileTeardown();
before(async () => {
  server = teardown.add(await startTestServer(), 'server');
});
beforeEach(async () => {
  await fetch(`${server.url}/api/messages`, { method: 'DELETE' });
});

async function deliver(subject: string, extra = ''): Promise<string> {
  const r = await sendRaw(server.smtpPort, 'from@example.test', ['to@example.test'], `From: from@example.test\r\nTo: to@example.test\r\nSubject: ${subject}\r\n${extra}\r\nbody of ${subject}\r\n`);
  assert.equal(r?.code, 250);
  return /queued as (\S+)/.exec(r.text)![1]!;
}


test('lists newest first and pages with a cursor until nextCursor is null', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) ids.push(await deliver(`m${i}`));
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await list(server.url, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(page.total, 7);
    assert.equal(page.unread, 7);
    seen.push(...page.messages.map((m) => m.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  assert.equal(pages, 3);
  assert.deepEqual(seen, [...ids].reverse());
});

test('a cursor stays valid when newer mail arrives and older mail is deleted', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await deliver(`c${i}`));
  const first = await list(server.url, '?limit=2');
  await deliver('newer');
  await fetch(`${server.url}/api/messages/${ids[2]}`, { method: 'DELETE' });
  const second = await list(server.url, `?limit=2&cursor=${first.nextCursor}`);
  assert.deepEqual(second.messages.map((m) => m.id), [ids[1], ids[0]]);
  assert.equal(second.nextCursor, null);
});

test('bad requests are 400 with a JSON error naming the problem', async () => {
  const cases = ['?limit=0', '?limit=5000', '?limit=abc', '?cursor=../../x', '?bogus=1'];
  for (const q of cases) {
    const r = await getJson<ApiErrorBody>(`${server.url}/api/messages${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.code, 'bad_request', q);
    assert.ok(r.body.error.message.length > 0);
  }
  const badId = await getJson<ApiErrorBody>(`${server.url}/api/messages/not-an-id`);
  assert.equal(badId.status, 400);
  const missing = await getJson<ApiErrorBody>(`${server.url}/api/messages/AAAAAAAAAAAAAAAA`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'not_found');
  const route = await getJson<ApiErrorBody>(`${server.url}/api/nothing-here`);
  assert.equal(route.status, 404);
  assert.equal(route.body.error.code, 'not_found');
});

test('raw is the exact bytes, inline or as a download', async () => {
  const id = await deliver('raw');
  const inline = await fetch(`${server.url}/api/messages/${id}/raw`);
  assert.equal(inline.headers.get('content-type'), 'message/rfc822');
  assert.equal(inline.headers.get('content-disposition'), null);
  assert.equal(await inline.text(), 'From: from@example.test\r\nTo: to@example.test\r\nSubject: raw\r\n\r\nbody of raw\r\n');
  const dl = await fetch(`${server.url}/api/messages/${id}/raw?download=1`);
  assert.match(dl.headers.get('content-disposition')!, new RegExp(`^attachment; filename="${id}.eml"`));
});

test('headers and text routes', async () => {
  const id = await deliver('hdr', 'X-Custom: =?UTF-8?Q?caf=C3=A9?=\r\n');
  const h = await getJson<{ headers: Array<{ name: string; value: string }> }>(`${server.url}/api/messages/${id}/headers`);
  assert.deepEqual(h.body.headers.map((x) => x.name), ['From', 'To', 'Subject', 'X-Custom']);
  assert.equal(h.body.headers[3]!.value, 'café');
  const t = await fetch(`${server.url}/api/messages/${id}/text`);
  assert.match(t.headers.get('content-type')!, /^text\/plain/);
  assert.equal((await t.text()).trim(), 'body of hdr');
});

test('mark read and unread: one, listed, all; counts follow', async () => {
  const a = await deliver('a');
  const b = await deliver('b');
  await deliver('c');
  const one = await getJson<{ read: boolean; id: string }>(`${server.url}/api/messages/${a}`, jsonRequest('PATCH', { read: true }));
  assert.equal(one.status, 200);
  assert.equal(one.body.read, true);
  assert.equal((await list(server.url)).unread, 2);
  const many = await getJson<{ updated: number }>(`${server.url}/api/messages`, jsonRequest('PATCH', { read: true, ids: [a, b] }));
  assert.equal(many.body.updated, 1, 'only b changed');
  const all = await getJson<{ updated: number }>(`${server.url}/api/messages`, jsonRequest('PATCH', { read: true }));
  assert.equal(all.body.updated, 1);
  assert.equal((await list(server.url)).unread, 0);
  await getJson(`${server.url}/api/messages`, jsonRequest('PATCH', { read: false }));
  assert.equal((await list(server.url)).unread, 3);
  const bad = await getJson<ApiErrorBody>(`${server.url}/api/messages/${a}`, jsonRequest('PATCH', { read: 'yes please' }));
  assert.equal(bad.status, 400);
});

test('delete one, the listed ids, and all', async () => {
  const a = await deliver('a');
  const b = await deliver('b');
  const c = await deliver('c');
  const d = await deliver('d');
  assert.deepEqual((await getJson(`${server.url}/api/messages/${a}`, { method: 'DELETE' })).body, { deleted: 1 });
  assert.equal((await getJson(`${server.url}/api/messages/${a}`, { method: 'DELETE' })).status, 404);
  assert.deepEqual((await getJson(`${server.url}/api/messages`, jsonRequest('DELETE', { ids: [b, c, 'AAAAAAAAAAAAAAAA'] }))).body, { deleted: 2 });
  assert.deepEqual((await list(server.url)).messages.map((m) => m.id), [d]);
  assert.equal((await getJson(`${server.url}/api/messages`, jsonRequest('DELETE', { ids: [] }))).status, 400);
  await deliver('e');
  assert.deepEqual((await getJson(`${server.url}/api/messages`, { method: 'DELETE' })).body, { deleted: 2 });
  assert.equal((await list(server.url)).total, 0);
});

test('mutations need JSON: text/plain and form posts get 415, cross-site requests 403, big bodies 413', async () => {
  const id = await deliver('keep');
  const plain = await httpRequest(`${server.url}/api/messages`, { method: 'DELETE', headers: { 'content-type': 'text/plain' }, body: '{"ids":[]}' });
  assert.equal(plain.status, 415);
  assert.equal(JSON.parse(plain.body).error.code, 'unsupported_media_type');
  const form = await httpRequest(`${server.url}/api/messages/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'read=true' });
  assert.equal(form.status, 415);
  const cross = await httpRequest(`${server.url}/api/messages`, { method: 'DELETE', headers: { 'sec-fetch-site': 'cross-site' } });
  assert.equal(cross.status, 403);
  const big = await httpRequest(`${server.url}/api/messages`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids: ['x'.repeat(2 * 1024 * 1024)] }) });
  assert.equal(big.status, 413);
  const invalid = await httpRequest(`${server.url}/api/messages`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{not json' });
  assert.equal(invalid.status, 400);
  assert.equal((await list(server.url)).total, 1, 'nothing was deleted');
});

test('requests with a foreign Host get 403 (DNS rebinding); loopback, IP and single-label names pass', async () => {
  for (const host of ['evil.example', 'attacker.com:8025', 'localhost.evil.com']) {
    const r = await httpRequest(`${server.url}/api/messages`, { headers: { host } });
    assert.equal(r.status, 403, host);
    assert.equal(JSON.parse(r.body).error.code, 'forbidden_host');
  }
  for (const host of ['localhost:8025', '127.0.0.1', '[::1]:8025', 'mailroom:8025', 'app.localhost', '10.1.2.3:8025']) {
    assert.equal((await httpRequest(`${server.url}/api/messages`, { headers: { host } })).status, 200, host);
  }
});

test('--allowed-hosts admits configured names and wildcards', async () => {
  const s = await startTestServer({ allowedHosts: ['mail.dev.example', '*.corp.example'] });
  try {
    for (const [host, status] of [['mail.dev.example', 200], ['x.corp.example:8025', 200], ['corp.example.evil', 403]] as const) {
      assert.equal((await httpRequest(`${s.url}/livez`, { headers: { host } })).status, status, host);
    }
  } finally {
    await s.close();
  }
});

test('preview HTML is sandboxed by CSP, blocks remote content unless asked, neutralises meta refresh', async () => {
  const id = await deliver(
    'html',
    'Content-Type: text/html; charset=utf-8\r\n\r\n<meta http-equiv="Refresh" content="0;url=https://evil.example/"><p>hi <img src="https://tracker.example/p.gif"><span style="background:url(//cdn.example/a.png)"></span></p>',
  );
  const d = await getJson<{ remoteResources: number }>(`${server.url}/api/messages/${id}`);
  assert.equal(d.body.remoteResources, 2);
  const r = await fetch(`${server.url}/api/messages/${id}/html`);
  const csp = r.headers.get('content-security-policy')!;
  assert.match(csp, /^sandbox allow-popups allow-popups-to-escape-sandbox;/);
  assert.match(csp, /script-src 'none'/);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /img-src data:;/);
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  const body = await r.text();
  assert.doesNotMatch(body, /http-equiv="Refresh"/i);
  assert.match(body, /x-blocked-refresh/);
  const remote = await fetch(`${server.url}/api/messages/${id}/html?remote=1`);
  assert.match(remote.headers.get('content-security-policy')!, /img-src data: https: http:;/);
  assert.match(remote.headers.get('content-security-policy')!, /script-src 'none'/);
});

test('a text-only message previews as escaped preformatted text', async () => {
  const id = await deliver('txt', 'Content-Type: text/plain\r\n\r\n<script>alert(1)</script>');
  const body = await (await fetch(`${server.url}/api/messages/${id}/html`)).text();
  assert.match(body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(body, /<script>/);
});

test('info, livez and readyz', async () => {
  await deliver('counted');
  const info = await getJson<{ name: string; version: string; messages: { count: number; received: number }; smtp: { port: number; accepted: number } }>(`${server.url}/api/info`);
  assert.equal(info.body.name, 'mailroom');
  assert.match(info.body.version, /^\d+\.\d+\.\d+/);
  assert.equal(info.body.messages.count, 1);
  assert.equal(info.body.smtp.port, server.smtpPort);
  assert.ok(info.body.smtp.accepted >= 1);
  assert.deepEqual((await getJson(`${server.url}/livez`)).body, { status: 'ok' });
  assert.deepEqual((await getJson(`${server.url}/readyz`)).body, { status: 'ok' });
});

test('no CORS headers, even for a cross-origin request', async () => {
  const r = await httpRequest(`${server.url}/api/messages`, { headers: { origin: 'https://evil.example' } });
  assert.equal(r.headers['access-control-allow-origin'], undefined);
  const pre = await httpRequest(`${server.url}/api/messages`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' } });
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
  assert.equal(pre.headers['access-control-allow-methods'], undefined);
});
