// The compat dialects over plain HTTP and WebSocket: exact statuses, bodies, content types, key
// order and arrays-not-null where clients depend on them, the shared DELETE /api/v1/messages,
// path/query decoding, and Mailpit's /api/events frames.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonRequest } from '../helpers/api.js';
import WebSocket from 'ws';
import type { Mailroom } from '../../server/start.js';
import { startTestServer } from '../helpers/server.js';
import { token, transportTo } from '../helpers/compat-mail.js';
import { fileTeardown } from '../helpers/teardown.js';

let server: Mailroom;
const tok = token();

const teardown = fileTeardown();
before(async () => {
  server = teardown.add(await startTestServer({ maxMessageSize: 64 * 1024 }), 'server');
});

async function http(path: string, init: RequestInit = {}) {
  const res = await fetch(server.url + path, init);
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, text: await res.text() };
}

async function sendOne(subject: string, extra: Record<string, unknown> = {}): Promise<string> {
  const t = transportTo(server);
  await t.sendMail({ from: 's@x.test', to: `to-${tok}@x.test`, subject, text: 'body', ...extra });
  t.close();
  return server.store.list({ limit: 1 }).messages[0]!.id;
}

test('Mailpit list: key order, arrays never null, counts, text/plain ok mutations', async () => {
  const id = await sendOne(`Order ${tok}`);
  const list = await http('/api/v1/messages');
  assert.equal(list.status, 200);
  assert.match(list.type, /^application\/json/);
  assert.ok(list.text.endsWith('\n'));
  const body = JSON.parse(list.text);
  assert.deepEqual(Object.keys(body), ['total', 'unread', 'count', 'messages_count', 'messages_unread', 'start', 'tags', 'messages']);
  assert.deepEqual(Object.keys(body.messages[0]), ['ID', 'MessageID', 'Read', 'From', 'To', 'Cc', 'Bcc', 'ReplyTo', 'Subject', 'Created', 'Username', 'Tags', 'Size', 'Attachments', 'Snippet']);
  assert.deepEqual(body.messages[0].Cc, []);
  assert.deepEqual(body.messages[0].ReplyTo, []);
  assert.deepEqual(Object.keys(body.messages[0].From), ['Name', 'Address']);

  const message = JSON.parse((await http(`/api/v1/message/${id}`)).text);
  assert.deepEqual(Object.keys(message), ['ID', 'MessageID', 'From', 'To', 'Cc', 'Bcc', 'ReplyTo', 'ReturnPath', 'Subject', 'ListUnsubscribe', 'Date', 'Tags', 'Username', 'Text', 'HTML', 'Size', 'Inline', 'Attachments']);
  assert.deepEqual(message.Inline, []);
  assert.deepEqual(message.ListUnsubscribe, { Header: '', Links: [], Errors: '', HeaderPost: '' });

  const put = await http('/api/v1/messages', jsonRequest('PUT', { ids: [id], read: false })); // lower-case keys work, as in Go
  assert.deepEqual([put.status, put.type.split(';')[0], put.text], [200, 'text/plain', 'ok']);
  assert.equal(server.store.get(id)!.read, false);
  const both = await http('/api/v1/messages', jsonRequest('PUT', { IDs: [id], Search: 'x' }));
  assert.deepEqual([both.status, both.text], [400, 'You may specify either IDs or a search query, not both']);
  assert.equal((await http('/api/v1/messages', { method: 'PUT' })).status, 400);
});

test('Mailpit errors: plain-text bodies and exact statuses', async () => {
  const unknown = await http('/api/v1/message/AAAAAAAAAAAAAAAA');
  assert.deepEqual([unknown.status, unknown.text], [404, '404 page not found']);
  const emptySearch = await http('/api/v1/search?query=');
  assert.deepEqual([emptySearch.status, emptySearch.text], [400, 'Error: no search query']);
  const badChaos = await http('/api/v1/chaos', jsonRequest('PUT', { Sender: { ErrorCode: 200, Probability: 5 } }));
  assert.deepEqual([badChaos.status, badChaos.type.split(';')[0]], [400, 'text/plain']);
  assert.match(badChaos.text, /ErrorCode must be 400-599/);
  const noRelay = await http('/api/v1/message/latest/release', jsonRequest('POST', { To: ['x@x.test'] }));
  assert.deepEqual([noRelay.status, noRelay.text], [400, 'SMTP error: no SMTP relay configured']);
  const badAddress = await http('/api/v1/message/latest/release', jsonRequest('POST', { To: ['nope'] }));
  assert.deepEqual([badAddress.status, badAddress.text], [400, 'Invalid email address: nope']);
  const sa = await http('/api/v1/message/latest/sa-check');
  assert.deepEqual([sa.status, sa.text], [404, 'File not found']);
  const sendBad = await http('/api/v1/send', jsonRequest('POST', { From: { Email: 'a@x.test' }, To: [{ Email: 'nope' }] }));
  assert.equal(sendBad.status, 400);
  assert.deepEqual(JSON.parse(sendBad.text), { Error: 'invalid To address: nope' });
  const header = await http('/api/v1/send', jsonRequest('POST', { From: { Email: 'a@x.test' }, Headers: { subject: 'x' } }));
  assert.deepEqual(JSON.parse(header.text), { Error: 'cannot overwrite header: "subject"' });
  const big = await http('/api/v1/send', jsonRequest('POST', { From: { Email: 'a@x.test' }, Text: 'x'.repeat(200 * 1024) }));
  assert.equal(big.status, 413);
  assert.deepEqual(JSON.parse(big.text), { Error: 'http: request body too large' });
});

test('paths: repeated slashes (any method, no redirect), percent-decoded ids, + in queries', async () => {
  const id = await sendOne(`Plus sign ${tok}`);
  const view = await http(`//view/${encodeURIComponent(id)}.txt`, { redirect: 'manual' });
  assert.deepEqual([view.status, view.text.trim()], [200, 'body']);
  const latest = await http(`/api/v1/message/latest?query=${encodeURIComponent(`Plus sign ${tok}`).replace(/%20/g, '+')}`);
  assert.equal(JSON.parse(latest.text).ID, id);
  const html = await http(`/view/${id}.html`);
  assert.deepEqual([html.status, html.text], [404, 'This message does not contain a HTML part']);
  const del = await http(`//api//v1/messages`, { ...jsonRequest('DELETE', { IDs: [id] }), redirect: 'manual' });
  assert.deepEqual([del.status, del.text], [200, 'ok']);
  assert.equal(server.store.get(id), undefined);
});

test('shared DELETE /api/v1/messages: ok for Accept text/plain or */*, empty for no Accept (MailHog)', async () => {
  await sendOne('a');
  const mailpit = await http('/api/v1/messages', { method: 'DELETE', headers: { accept: 'application/json, text/plain, */*' } });
  assert.deepEqual([mailpit.status, mailpit.text], [200, 'ok']);
  await sendOne('b');
  // fetch always sends Accept; the mailhog package (node:http) sends none.
  const { request } = await import('node:http');
  const mailhog = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${server.url}/api/v1/messages`, { method: 'DELETE' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
  assert.deepEqual(mailhog, { status: 200, body: '' });
  assert.equal(server.store.stats().count, 0);
});

test('views and parts carry the sandboxing CSP; thumbnails are a 180x120 JPEG', async () => {
  const id = await sendOne(`Html ${tok}`, {
    html: '<p onclick="x()">hi</p><script>alert(1)</script>',
    attachments: [{ filename: 'evil.html', content: '<script>alert(1)</script>', contentType: 'text/html' }],
  });
  const view = await http(`/view/${id}.html`);
  assert.equal(view.status, 200);
  assert.match(view.headers.get('content-security-policy') ?? '', /sandbox/);
  assert.match(view.headers.get('content-security-policy') ?? '', /script-src 'none'/);
  const full = JSON.parse((await http(`/api/v1/message/${id}`)).text);
  const part = await http(`/api/v1/message/${id}/part/${full.Attachments[0].PartID}`);
  assert.match(part.type, /^text\/html/);
  assert.match(part.headers.get('content-security-policy') ?? '', /^sandbox/);
  const thumb = await fetch(`${server.url}/api/v1/message/${id}/part/${full.Attachments[0].PartID}/thumb`);
  const jpeg = Buffer.from(await thumb.arrayBuffer());
  assert.equal(thumb.headers.get('content-type'), 'image/jpeg');
  let i = 2;
  while (i < jpeg.length && !(jpeg[i + 1]! >= 0xc0 && jpeg[i + 1]! <= 0xc2)) i += 2 + jpeg.readUInt16BE(i + 2);
  assert.deepEqual([jpeg.readUInt16BE(i + 7), jpeg.readUInt16BE(i + 5)], [180, 120]);
  assert.equal((await http(`/api/v1/message/${id}/part/9.9/thumb`)).status, 404);
});

test('MailHog routes: content types, empty bodies, unknown ids, Jim, release refused', async () => {
  const id = await sendOne(`Hog ${tok}`);
  const list = await http('/api/v2/messages?limit=999');
  assert.match(list.type, /^text\/json/);
  assert.deepEqual(Object.keys(JSON.parse(list.text)), ['total', 'count', 'start', 'items']);
  const one = JSON.parse((await http(`/api/v1/messages/${id}`)).text);
  assert.equal(one.ID, id);
  assert.deepEqual(one.Content.Headers['Return-Path'], ['<s@x.test>']);
  assert.match(one.Content.Headers.Received[0], /by mailroom \(Mailroom\)\r\n {10}id /);
  assert.equal((await http('/api/v1/messages/nope')).text, 'null');
  for (const [path, status] of [['/api/v2/search?kind=bogus&query=x', 400], ['/api/v2/search?kind=from&query=', 400], ['/api/v2/jim', 404]] as const) {
    const r = await http(path);
    assert.deepEqual([r.status, r.text], [status, '']);
  }
  // Jim: MailHog's statuses, over failure-injection rules (jim-*).
  const status = async (method: string, init: RequestInit = {}) => (await http('/api/v2/jim', { method, ...init })).status;
  assert.equal(await status('PUT', jsonRequest('PUT', { AcceptChance: 1 })), 404); // off
  assert.equal(await status('DELETE'), 404);
  assert.equal(await status('POST', { body: new Blob([JSON.stringify({ acceptchance: 1, DisconnectChance: 0 })]) }), 201); // no Content-Type, as the mailhog package sends
  assert.equal(await status('POST'), 400); // already on
  const jim = JSON.parse((await http('/api/v2/jim')).text);
  assert.equal(jim.AcceptChance, 1);
  assert.equal(jim.RejectSenderChance, 0.05); // MailHog's default
  assert.ok((await (await fetch(`${server.url}/api/faults/rules`)).text()).includes('jim-reject-sender'));
  assert.equal(await status('PUT', jsonRequest('PUT', { RejectSenderChance: 2 })), 400);
  assert.equal(await status('PUT', jsonRequest('PUT', { RejectSenderChance: 0 })), 200);
  assert.equal(await status('DELETE'), 200);
  assert.equal(await status('GET'), 404);
  // Release to a server other than the configured relay cannot be delivered: MailHog's failure reply.
  const release = await http(`/api/v1/messages/${id}/release`, { method: 'POST', body: new Blob([JSON.stringify({ host: '127.0.0.1', port: '2525', email: 'x@x.test' })]) });
  assert.deepEqual([release.status, release.text], [500, '']);
  const download = await http(`/api/v1/messages/${id}/download`);
  assert.match(download.type, /^message\/rfc822/);
  assert.match(download.text, new RegExp(`Subject: Hog ${tok}`));
  assert.deepEqual(JSON.parse((await http('/api/v2/outgoing-smtp')).text), {});

  // Part download: top-level MIME part n, base64 decoded, its own headers only when printable ASCII.
  const t = transportTo(server);
  await t.sendMail({ from: 's@x.test', to: 'p@x.test', subject: 'parts', text: 'x', attachments: [{ filename: 'naïve.bin', content: Buffer.from([1, 2, 3]) }] });
  t.close();
  const withPart = server.store.list({ limit: 1 }).messages[0]!.id;
  const part = await fetch(`${server.url}/api/v1/messages/${withPart}/mime/part/1/download`);
  assert.equal(part.status, 200);
  assert.deepEqual([...Buffer.from(await part.arrayBuffer())], [1, 2, 3]);
  assert.match(part.headers.get('content-security-policy') ?? '', /^sandbox/);
  assert.equal((await http(`/api/v1/messages/${withPart}/mime/part/7/download`)).status, 404);
});

test('/api/events: Mailpit {Type, Data} frames for new, update, delete, truncate, with stats', async () => {
  const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/api/events');
  const frames: { Type: string; Data: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)));
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = async (type: string) => {
    while (!frames.some((f) => f.Type === type)) await new Promise<void>((r) => waiters.push(r));
    return frames.splice(0).find((f) => f.Type === type)!;
  };
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  assert.deepEqual(Object.keys((await waitFor('stats')).Data), ['Total', 'Unread', 'Version']);

  const id = await sendOne(`Event ${tok}`);
  const created = await waitFor('new');
  assert.equal(created.Data.ID, id);
  assert.deepEqual(created.Data.Cc, []);
  assert.equal(created.Data.Subject, `Event ${tok}`);
  await http(`/api/v1/message/${id}`); // marks it read
  assert.deepEqual((await waitFor('update')).Data, { ID: id, Read: true });
  await http('/api/v1/tags', jsonRequest('PUT', { IDs: [id], Tags: ['ws'] }));
  assert.deepEqual((await waitFor('update')).Data, { ID: id, Tags: ['ws'] });
  await http('/api/v1/messages', jsonRequest('DELETE', { IDs: [id] }));
  assert.deepEqual((await waitFor('delete')).Data, { ID: id });
  await sendOne('another');
  await http('/api/v1/messages', { method: 'DELETE' });
  assert.equal((await waitFor('truncate')).Data, null);
  ws.close();

  const evil = new WebSocket(server.url.replace(/^http/, 'ws') + '/api/events', { origin: 'https://evil.example' });
  const status = await new Promise<number>((resolve) => {
    evil.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    evil.once('open', () => resolve(101));
    evil.once('error', () => {});
  });
  assert.equal(status, 403); // a page on another origin cannot read the feed
});

test('/api/v2/websocket: MailHog sends each new message as one full-message frame', async () => {
  const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/api/v2/websocket');
  const first = new Promise<{ ID: string; Content: { Headers: Record<string, string[]> }; Raw: { From: string } }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const id = await sendOne(`Hog socket ${tok}`);
  const frame = await first; // nothing is sent on connect, so the first frame is the message
  assert.equal(frame.ID, id);
  assert.deepEqual(frame.Content.Headers.Subject, [`Hog socket ${tok}`]);
  assert.equal(frame.Raw.From, 's@x.test');
  ws.close();
});
