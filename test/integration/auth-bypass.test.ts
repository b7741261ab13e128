// Authentication bypass sweep: with --ui-auth on, every route family (native, Mailpit, MailHog,
// /metrics, the API docs, the HTML preview, attachments, the inbox assets and every WebSocket
// feed) is tried with every method and with path tricks a proxy or router might normalise
// differently: trailing and doubled slashes, encoded slashes and dots, dot segments starting at
// an open route, case changes. Request targets go over a raw socket, exactly as written. Only
// /livez and /readyz may answer without credentials; nothing else may leak a byte of mail.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.js';
import { sendRaw } from '../helpers/smtp-client.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CREDENTIALS = 'Basic ' + Buffer.from('alice:wonderland').toString('base64');
const SECRET = 'reset code 918273';

let s: Mailroom;
let id: string;
let port: number;
const teardown = fileTeardown();
before(async () => {
  s = teardown.add(await startTestServer({ uiAuth: 'alice:wonderland' }, { webRoot: join(root, 'dist', 'web') }), 's');
  port = Number(new URL(s.url).port);
  const body = `Subject: ${SECRET}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>${SECRET}</p>\r\n--b\r\nContent-Type: text/plain; name="code.txt"\r\nContent-Disposition: attachment; filename="code.txt"\r\n\r\n${SECRET}\r\n--b--\r\n`;
  const r = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], body);
  id = /queued as (\S+)/.exec(r!.text)![1]!;
});

/** One request over a fresh socket with the target exactly as given; status line and body. */
function rawRequest(method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const all = { Host: `127.0.0.1:${port}`, Connection: 'close', ...headers };
    const lines = [`${method} ${target} HTTP/1.1`, ...Object.entries(all).map(([k, v]) => `${k}: ${v}`)];
    socket.on('connect', () => socket.write(lines.join('\r\n') + '\r\n\r\n' + body));
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // An answered upgrade stays open: the status line is all this sweep needs.
      if (Buffer.concat(chunks).includes('\r\n\r\n') && headers.Upgrade) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
  });
}

/** Canonical paths of every family; each answers 200 with credentials (checked below). */
const families = (): Record<string, string> => ({
  'native list': '/api/messages',
  'native detail': `/api/messages/${id}`,
  'native raw': `/api/messages/${id}/raw`,
  preview: `/api/messages/${id}/html`,
  attachment: `/api/messages/${id}/parts/2`,
  'native info': '/api/info',
  'Mailpit list': '/api/v1/messages',
  'Mailpit detail': `/api/v1/message/${id}`,
  'Mailpit part': `/api/v1/message/${id}/part/2`,
  'MailHog list': '/api/v2/messages',
  'MailHog download': `/api/v1/messages/${id}/download`,
  'MailHog part download': `/api/v1/messages/${id}/mime/part/1/download`,
  metrics: '/metrics',
  'API docs': '/api/docs',
  OpenAPI: '/api/openapi.json',
  inbox: '/',
  'inbox page': '/index.html',
});

/** Ways to spell a path that a lax router or a proxy in front might treat as the same (or as open). */
function variants(path: string): string[] {
  const tail = path.slice(1);
  const segments = tail.split('/');
  const last = segments.length > 1 ? '/' + segments.slice(0, -1).join('/') + '%2F' + segments.at(-1) : path;
  return [
    path,
    path + '/',
    '/' + path,
    path.replace(/\//g, '//'),
    path.toUpperCase(),
    last,
    path.replace(/\//g, '%2F'),
    path.replace(/^\/(\w)/, (_m, c: string) => `/%${c.charCodeAt(0).toString(16)}`),
    '/./' + tail,
    '/livez/../' + tail,
    '/livez/%2E%2E/' + tail,
    '/livez%2F..%2F' + tail,
    '/readyz/..;/' + tail,
    '/livez?/' + tail,
    `/livez#/${tail}`,
    `http://127.0.0.1:${port}${path}`,
  ];
}

const METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'];
const OPEN = new Set(['/livez', '/readyz']);

test('every family answers 200 with credentials, so the sweep below tries routes that exist', async () => {
  for (const [family, path] of Object.entries(families())) {
    const res = await rawRequest('GET', path, { Authorization: CREDENTIALS });
    assert.equal(res.status, 200, `${family} ${path}: ${res.text.slice(0, 200)}`);
  }
});

test('without credentials, no method and no spelling of any route answers but 401; nothing leaks', async () => {
  // The check above read the message; unread again, so "nothing marked read" below means something.
  const unread = await rawRequest('PATCH', `/api/messages/${id}`, { Authorization: CREDENTIALS, 'Content-Type': 'application/json', 'Content-Length': '14' }, '{"read":false}');
  assert.equal(unread.status, 200, unread.text);
  let tried = 0;
  const answered = new Map<string, number>();
  for (const [family, path] of Object.entries(families())) {
    for (const target of variants(path)) {
      for (const method of METHODS) {
        const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
        const res = await rawRequest(method, target, withBody ? { 'Content-Type': 'application/json', 'Content-Length': '2' } : {}, withBody ? '{}' : '');
        tried++;
        assert.ok(!res.text.includes(SECRET) && !res.text.includes(id), `${family}: ${method} ${target} leaked mail`);
        // A target whose path is a health route reaches it (the rest is its query string).
        if (OPEN.has(target.split('?')[0]!)) continue;
        if (res.status !== 401) answered.set(`${method} ${target}`, res.status);
      }
    }
  }
  // Node's HTTP parser refuses a target that is neither a path nor a URL ("%2Fapi…") with 400
  // before any route; everything else must be the 401 challenge.
  for (const [request, status] of answered) {
    assert.ok(status === 400 && /^\w+ %2F/.test(request), `${request} answered ${status} without credentials`);
  }
  console.log(`# ${tried} requests without credentials: ${tried - answered.size} got 401, ${answered.size} got 400 from the HTTP parser`);
  assert.equal(s.store.stats().count, 1, 'nothing deleted');
  assert.equal(s.store.get(id)!.read, false, 'nothing marked read');
});

test('the health routes are the only open ones, and only at their exact path', async () => {
  for (const path of OPEN) {
    assert.equal((await rawRequest('GET', path)).status, 200, path);
    assert.equal((await rawRequest('GET', path + '?verbose=1')).status, 200, path);
    for (const spelled of [path + '/', path.toUpperCase(), '/' + path, path.replace('/', '/%2F')]) {
      assert.equal((await rawRequest('GET', spelled)).status, 401, spelled);
    }
  }
});

test('WebSocket upgrades need credentials on every feed and spelling; with them the feed opens', async () => {
  const upgrade = (key = 'dGhlIHNhbXBsZSBub25jZQ==') => ({ Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13' });
  for (const path of ['/api/feed', '/api/events', '/api/v2/websocket']) {
    for (const target of variants(path)) {
      const res = await rawRequest('GET', target, upgrade());
      assert.notEqual(res.status, 101, `${target} upgraded without credentials`);
      assert.ok([401, 404, 400].includes(res.status), `${target}: ${res.status}`);
    }
    const res = await rawRequest('GET', path, { ...upgrade(), Authorization: CREDENTIALS });
    assert.equal(res.status, 101, `${path} with credentials`);
  }
});
