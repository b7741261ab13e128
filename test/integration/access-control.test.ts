// Opt-in access control through real protocols: HTTP Basic on every route and the WebSocket
// (health stays open), HTTPS, required SMTP AUTH (after STARTTLS unless allowed) and the
// recipient pattern. Off by default: the other suites run without any of it.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiErrorBody } from '../helpers/api.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import bcrypt from 'bcryptjs';
import WebSocket from 'ws';
import { startTestServer, testTls } from '../helpers/server.js';
import { RawSmtp, sendRaw } from '../helpers/smtp-client.js';
import { smtpTransport } from '../helpers/mail.js';
import { openFeed } from '../helpers/feed.js';
import { resolveConfig, ConfigError } from '../../server/config.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';

const dir = mkdtempSync(join(tmpdir(), 'mailroom-auth-'));
const basic = (user: string, pass: string) => 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');

describe('HTTP Basic authentication (htpasswd bcrypt + {SHA} + inline users)', () => {
  let s: Mailroom;
  let id: string;
  const teardown = fileTeardown();
  before(async () => {
    const file = join(dir, 'ui.htpasswd');
    const sha = '{SHA}' + createHash('sha1').update('sha-pass').digest('base64');
    writeFileSync(file, `# users\nalice:${bcrypt.hashSync('wonder land', 8).replace(/^\$2b\$/, '$2y$')}\nsam:${sha}\n`);
    s = teardown.add(await startTestServer({ uiAuthFile: file, uiAuth: 'bot:t0ken' }), 's');
    const r = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: secret\r\n\r\nreset code 123456\r\n');
    id = /queued as (\S+)/.exec(r!.text)![1]!;
  });

  const routes = (id: string): Array<[string, string, string?]> => [
    ['GET', '/'],
    ['GET', '/api/messages'],
    ['GET', '/api/info'],
    ['GET', '/api/inboxes'],
    ['GET', '/api/tags'],
    ['GET', `/api/messages/${id}`],
    ['GET', `/api/messages/${id}/raw`],
    ['GET', `/api/messages/${id}/headers`],
    ['GET', `/api/messages/${id}/text`],
    ['GET', `/api/messages/${id}/html`],
    ['GET', '/api/no-such-route'],
    ['GET', '/api/messages/wait?timeout=1ms'],
    ['GET', `/api/messages/${id}/transcript`],
    ['GET', '/api/sessions'],
    ['GET', '/api/rejected'],
    ['GET', '/api/faults/rules'],
    ['GET', '/api/relay'],
    ['GET', '/api/webhooks'],
    ['POST', `/api/messages/${id}/release`, '{"to":["x@example.test"]}'],
    ['GET', '/api/v1/messages'],
    ['GET', `/api/v1/message/${id}/raw`],
    ['GET', '/api/v2/messages'],
    ['DELETE', '/api/v1/messages'],
    ['PATCH', `/api/messages/${id}`, '{"read":true}'],
    ['DELETE', `/api/messages/${id}`],
    ['DELETE', '/api/messages'],
  ];

  test('every route but health answers 401 with a Basic challenge without valid credentials; mail is untouched', async () => {
    for (const auth of [undefined, basic('alice', 'wrong'), basic('nobody', 'wonder land'), 'Bearer abc', 'Basic !!!']) {
      for (const [method, path, body] of routes(id)) {
        const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
        if (auth) headers.authorization = auth;
        const res = await fetch(s.url + path, { method, headers, body });
        assert.equal(res.status, 401, `${method} ${path} with ${auth}`);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="Mailroom"/);
        assert.equal(((await res.json()) as ApiErrorBody).error.code, 'unauthorized');
      }
    }
    for (const path of ['/livez', '/readyz']) assert.equal((await fetch(s.url + path)).status, 200, path);
    assert.equal(s.store.stats().count, 1);
    assert.equal(s.store.get(id)!.read, false);
  });

  test('bcrypt ($2y$), {SHA} and inline users get in', async () => {
    for (const [u, p] of [['alice', 'wonder land'], ['sam', 'sha-pass'], ['bot', 't0ken']] as const) {
      const res = await fetch(`${s.url}/api/messages/${id}`, { headers: { authorization: basic(u, p) } });
      assert.equal(res.status, 200, u);
      assert.equal(((await res.json()) as { subject: string }).subject, 'secret');
    }
  });

  test('the WebSocket feeds (native, Mailpit, MailHog) need credentials too', async () => {
    const ws = s.url.replace(/^http/, 'ws') + '/api/feed';
    await assert.rejects(openFeed(ws), (err: { statusCode?: number }) => err.statusCode === 401);
    await assert.rejects(openFeed(ws, { authorization: basic('alice', 'nope') }), (err: { statusCode?: number }) => err.statusCode === 401);
    for (const path of ['/api/events', '/api/v2/websocket']) {
      await assert.rejects(openFeed(s.url.replace(/^http/, 'ws') + path), (err: { statusCode?: number }) => err.statusCode === 401, path);
    }
    const feed = await openFeed(ws, { authorization: basic('alice', 'wonder land') });
    assert.equal((await feed.next((f) => f.type === 'hello')).total, 1);
    feed.close();
  });
});

function httpsGet(url: string, ca: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('HTTPS with a given certificate and key: API and feed over TLS, verified against that certificate', async () => {
  const tls = await testTls();
  writeFileSync(join(dir, 'cert.pem'), tls.cert);
  writeFileSync(join(dir, 'key.pem'), tls.key);
  const s = await startTestServer({ uiTlsCert: join(dir, 'cert.pem'), uiTlsKey: join(dir, 'key.pem'), uiAuth: 'u:p' });
  try {
    assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await httpsGet(`${s.url}/api/messages`, tls.cert)).status, 401);
    const ok = await httpsGet(`${s.url}/api/messages`, tls.cert, { authorization: basic('u', 'p') });
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).total, 0);
    await assert.rejects(httpsGet(`${s.url}/api/messages`, ''), /self[- ]signed|unable to verify|certificate/i);
    const ws = new WebSocket(s.url.replace(/^https/, 'wss') + '/api/feed', { ca: tls.cert, headers: { authorization: basic('u', 'p') } });
    const hello = await new Promise<{ type: string }>((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d))));
      ws.once('error', reject);
    });
    assert.equal(hello.type, 'hello');
    ws.close();
  } finally {
    await s.close();
  }
});

test('--ui-tls without files serves HTTPS with the generated certificate', async () => {
  const s = await startTestServer({ uiTls: true });
  try {
    assert.match(s.url, /^https:/);
    assert.equal((await httpsGet(`${s.url}/livez`, (await testTls()).cert)).status, 200);
  } finally {
    await s.close();
  }
});

describe('required SMTP AUTH and allowed recipients', () => {
  let s: Mailroom;
  const teardown = fileTeardown();
  before(async () => {
    const file = join(dir, 'smtp.htpasswd');
    writeFileSync(file, `app:${bcrypt.hashSync('app-secret', 8)}\n`);
    s = teardown.add(await startTestServer({ smtpAuthFile: file, smtpAuth: 'ci:ci-pass', smtpAllowedRecipients: /@(allowed|also-allowed)\.test$/i }), 's');
  });

  test('MAIL before AUTH gets 530; AUTH before STARTTLS gets 538; nothing stored', async () => {
    const c = await RawSmtp.open(s.smtpPort);
    await c.reply();
    assert.match((await c.command('EHLO client.test'))!.text, /STARTTLS/);
    const mail = await c.command('MAIL FROM:<a@example.test>');
    assert.equal(mail?.code, 530);
    const auth = await c.command('AUTH PLAIN ' + Buffer.from('\0ci\0ci-pass').toString('base64'));
    assert.equal(auth?.code, 538);
    c.close();
    assert.equal(s.store.stats().count, 0);
  });

  test('after STARTTLS, valid users (bcrypt file, inline) deliver and are recorded; a wrong password gets 535', async () => {
    for (const [user, pass] of [['app', 'app-secret'], ['ci', 'ci-pass']] as const) {
      const info = await smtpTransport(s.smtpPort, { auth: { user, pass }, requireTLS: true }).sendMail({ from: 'a@example.test', to: 'x@allowed.test', subject: `from ${user}`, text: 'hi' });
      const id = /queued as (\S+)/.exec(info.response)![1]!;
      assert.equal(s.store.get(id)!.envelope.authUser, user);
      assert.equal(s.store.get(id)!.envelope.secure, true);
    }
    await assert.rejects(
      smtpTransport(s.smtpPort, { auth: { user: 'app', pass: 'wrong' } }).sendMail({ from: 'a@example.test', to: 'x@allowed.test', text: 'x' }),
      (err: { responseCode?: number; response?: string }) => err.responseCode === 535 && /5\.7\.8/.test(err.response ?? ''),
    );
    assert.equal(s.store.stats().count, 2);
  });

  test('recipients outside --smtp-allowed-recipients get 550 5.7.1; allowed ones are delivered', async () => {
    const t = smtpTransport(s.smtpPort, { auth: { user: 'ci', pass: 'ci-pass' } });
    await assert.rejects(t.sendMail({ from: 'a@example.test', to: 'someone@elsewhere.test', text: 'x' }), (err: { responseCode?: number; response?: string }) => {
      return err.responseCode === 550 && /^550 5\.7\.1 /.test(err.response ?? '');
    });
    const info = await t.sendMail({ from: 'a@example.test', to: ['one@ALLOWED.test', 'two@elsewhere.test', 'three@also-allowed.test'], text: 'mixed' });
    assert.deepEqual(info.rejected, ['two@elsewhere.test']);
    const id = /queued as (\S+)/.exec(info.response)![1]!;
    assert.deepEqual(s.store.get(id)!.envelope.rcptTo, ['one@allowed.test', 'three@also-allowed.test'], 'smtp-server lower-cases the domain');
  });
});

test('--smtp-auth-allow-insecure permits AUTH PLAIN without TLS', async () => {
  const s = await startTestServer({ smtpAuth: 'ci:ci-pass', smtpAuthAllowInsecure: true });
  try {
    const c = await RawSmtp.open(s.smtpPort);
    await c.reply();
    assert.match((await c.command('EHLO client.test'))!.text, /AUTH PLAIN LOGIN/);
    assert.equal((await c.command('AUTH PLAIN ' + Buffer.from('\0ci\0wrong').toString('base64')))?.code, 535);
    assert.equal((await c.command('AUTH PLAIN ' + Buffer.from('\0ci\0ci-pass').toString('base64')))?.code, 235);
    assert.equal((await c.command('MAIL FROM:<a@example.test>'))?.code, 250);
    c.close();
  } finally {
    await s.close();
  }
});

test('access options: bad regex, half a certificate pair and malformed users stop the start; passwords are not echoed', () => {
  assert.throws(() => resolveConfig(['--smtp-allowed-recipients', '(unclosed'], {}), (e: Error) => e instanceof ConfigError && /--smtp-allowed-recipients/.test(e.message));
  assert.throws(() => resolveConfig(['--ui-tls-cert', 'c.pem'], {}), /--ui-tls-cert and --ui-tls-key/);
  assert.throws(
    () => resolveConfig([], { MAILROOM_UI_AUTH: 'nocolon-supersecret' }),
    (e: Error) => e instanceof ConfigError && /MAILROOM_UI_AUTH/.test(e.message) && !e.message.includes('supersecret'),
  );
  const c = resolveConfig([], { MAILROOM_UI_AUTH: 'a:b c:d', MAILROOM_SMTP_ALLOWED_RECIPIENTS: '@x\\.test$' });
  assert.equal(c.uiAuth, 'a:b c:d');
  assert.equal(c.smtpAllowedRecipients?.source, '@x\\.test$');
  assert.equal(c.smtpAllowedRecipients.flags, 'i');
});

test('an htpasswd file with an unsupported hash stops the start, naming the line', async () => {
  const file = join(dir, 'md5.htpasswd');
  writeFileSync(file, 'ok:{SHA}abc=\nold:$apr1$abc$def\n');
  await assert.rejects(startTestServer({ uiAuthFile: file }), /md5\.htpasswd line 2: unsupported password hash/);
});
