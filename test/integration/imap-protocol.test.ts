// IMAP protocol edges over a raw socket: literals and LITERAL+, pipelined tagged commands answered
// in order, bad tags, unknown commands, commands in the wrong state, an over-size literal refused
// before it is read, AUTHENTICATE PLAIN, EXAMINE read-only, a delete in the API reaching an open
// session as EXPUNGE, and required credentials.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mailroom } from '../../server/start.js';
import { RawImap } from '../helpers/imap.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
const RAW = (n: number) => Buffer.from(`From: app@example.test\r\nTo: edge@example.test\r\nSubject: edge ${n}\r\n\r\nbody ${n}\r\n`);
/** Sends message n over SMTP; its id. */
const deliver = async (server: Mailroom, n: number) => queuedId(await sendRawMail(server.smtpPort, RAW(n), { from: 'app@example.test', to: ['edge@example.test'] }));

async function setUp(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<Mailroom> {
  return teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 }, ...overrides }), 'server');
}

async function open(server: Mailroom): Promise<RawImap> {
  const c = await RawImap.open(server.imapPort!);
  teardown.defer('client', () => c.close());
  assert.match(await c.until(/\r\n/), /^\* OK \[CAPABILITY IMAP4rev1 [^\]]*\] Mailroom IMAP ready\r\n$/);
  return c;
}

test('literals, LITERAL+ and pipelined commands are answered in order; syntax errors are tagged BAD', async () => {
  const server = await setUp();
  await deliver(server, 1);
  const c = await open(server);
  // A synchronising literal: the server asks for it with "+".
  c.send('a1 LOGIN {5}\r\n');
  assert.match(await c.until(/^\+ [^\r\n]*\r\n$/), /^\+ Ready/);
  c.send('alice {6+}\r\nsecret\r\n'); // and a LITERAL+ one, sent without waiting
  assert.match(await c.until(/a1 (OK|NO|BAD)[^\r\n]*\r\n/), /a1 OK \[CAPABILITY [^\]]*\] logged in/);
  // Three commands in one write, answered in order.
  c.send('b1 SELECT INBOX\r\nb2 FETCH 1 (UID RFC822.SIZE)\r\nb3 NOOP\r\n');
  const pipelined = await c.until(/b3 OK[^\r\n]*\r\n/);
  assert.ok(pipelined.indexOf('b1 OK') < pipelined.indexOf('* 1 FETCH') && pipelined.indexOf('* 1 FETCH') < pipelined.indexOf('b2 OK') && pipelined.indexOf('b2 OK') < pipelined.indexOf('b3 OK'), pipelined);
  assert.match(pipelined, /\* 1 FETCH \(UID \d+ RFC822\.SIZE \d+\)/);
  assert.match(await c.command('c1', 'FROBNICATE'), /^c1 BAD unknown command "FROBNICATE"/m);
  assert.match(await c.command('c2', 'FETCH 1:x (UID)'), /^c2 BAD invalid sequence set/m);
  assert.match(await c.command('c3', 'FETCH 9 (UID)'), /^c3 BAD no message 9/m);
  assert.match(await c.command('c4', 'FETCH 1 (BODY.PEEK[1.2.3.MIME])'), /^\* 1 FETCH \(BODY\[1\.2\.3\.MIME\] \{0\}\r\n\)/m, 'a part the message lacks is an empty string');
  assert.match(await c.command('c6', 'FETCH 1 (BODY[0])'), /^c6 BAD invalid section \[0\]/m);
  assert.match(await c.command('c5', 'LOGIN x y'), /^c5 BAD LOGIN is not allowed in the selected state/m);
  c.send('+bad NOOP\r\n');
  assert.match(await c.until(/\r\n/), /^\* BAD invalid tag\r\n$/);
  c.send('d1 LOGIN "unterminated\r\n');
  assert.match(await c.until(/\r\n/), /^d1 BAD unterminated quoted string/);
  assert.match(await c.command('d2', 'LOGOUT'), /\* BYE [^\r\n]*\r\nd2 OK LOGOUT completed/);
  await c.closed;
});

test('APPENDLIMIT says the largest message; an over-size literal is refused before it is read; a LITERAL+ one closes the connection', async () => {
  const server = await setUp({ maxMessageSize: 1000 });
  const c = await open(server);
  assert.match(await c.command('a0', 'CAPABILITY'), /^\* CAPABILITY [^\r\n]* APPENDLIMIT=1000 SASL-IR [^\r\n]*\r\na0 OK/);
  c.send('a1 LOGIN {5000}\r\n');
  assert.match(await c.until(/\r\n/), /^a1 NO \[TOOBIG\] a literal of 5000 bytes is over the limit of 1000\r\n$/);
  assert.match(await c.command('a2', 'NOOP'), /^a2 OK/m, 'the connection goes on');
  c.send('a3 LOGIN {9000000+}\r\n');
  assert.match(await c.until(/\* BYE [^\r\n]*\r\n/), /a3 NO \[TOOBIG\][^\r\n]*\r\n\* BYE /);
  await c.closed;
});

test('not authenticated: only the pre-login commands; AUTHENTICATE PLAIN with and without an initial response; wrong passwords', async () => {
  const server = await setUp({ uiAuth: 'alice:secret' });
  const c = await open(server);
  assert.match(await c.command('a1', 'SELECT INBOX'), /^a1 BAD SELECT is not allowed in the not-authenticated state/m);
  const started = Date.now();
  assert.match(await c.command('a2', 'LOGIN alice wrong'), /^a2 NO \[AUTHENTICATIONFAILED\]/m);
  assert.ok(Date.now() - started >= 900, 'a failed login is answered after a pause');
  c.send('a3 AUTHENTICATE PLAIN\r\n');
  assert.match(await c.until(/^\+ \r\n$/), /^\+ /);
  c.send(`${Buffer.from('\0alice\0secret').toString('base64')}\r\n`);
  assert.match(await c.until(/a3 [^\r\n]*\r\n/), /^a3 OK /);
  const d = await open(server);
  assert.match(await d.command('b1', `AUTHENTICATE PLAIN ${Buffer.from('\0alice\0secret').toString('base64')}`), /^b1 OK/m);
});

test('EXAMINE is read-only; a delete in the API reaches an open session as EXPUNGE at its next NOOP', async () => {
  const server = await setUp();
  const ids: string[] = [];
  for (let n = 1; n <= 3; n++) ids.push(await deliver(server, n));
  const c = await open(server);
  await c.command('a1', 'LOGIN u p');
  assert.match(await c.command('a2', 'EXAMINE INBOX'), /\* 3 EXISTS\r\n[\s\S]*a2 OK \[READ-ONLY\]/);
  assert.match(await c.command('a3', 'STORE 1 +FLAGS (\\Seen)'), /^a3 NO \[READ-ONLY\]/m);
  await c.command('a4', 'FETCH 1 (BODY[])');
  const first = (await (await fetch(`${server.url}/api/messages/${ids[0]}`)).json()) as { read: boolean };
  assert.equal(first.read, false, 'BODY[] under EXAMINE does not set \\Seen');
  assert.match(await c.command('a5', 'SELECT INBOX'), /a5 OK \[READ-WRITE\]/);
  assert.equal((await fetch(`${server.url}/api/messages/${ids[1]}`, { method: 'DELETE' })).status, 200);
  await deliver(server, 4);
  assert.match(await c.command('a6', 'NOOP'), /^\* 2 EXPUNGE\r\n\* 3 EXISTS\r\na6 OK/);
  assert.match(await c.command('a7', 'FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])'), /Subject: edge 3\r\n/);
});

test('a UID command after a delete in the API reports the EXPUNGE; a plain FETCH does not, and skips the message', async () => {
  const server = await setUp();
  const ids: string[] = [];
  for (let n = 1; n <= 3; n++) ids.push(await deliver(server, n));
  const c = await open(server);
  await c.command('a1', 'LOGIN u p');
  await c.command('a2', 'SELECT INBOX');
  await fetch(`${server.url}/api/messages/${ids[0]}`, { method: 'DELETE' });
  const plain = await c.command('a3', 'FETCH 1:3 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
  assert.doesNotMatch(plain, /EXPUNGE/, 'no EXPUNGE during FETCH');
  assert.doesNotMatch(plain, /edge 1/);
  assert.match(plain, /\* 2 FETCH[^]*edge 2[^]*\* 3 FETCH[^]*edge 3/);
  assert.match(await c.command('a4', 'UID FETCH 1:* (UID)'), /^\* 1 EXPUNGE\r\n\* 1 FETCH \(UID \d+\)\r\n\* 2 FETCH/);
});

test('more than 20 connections from one address are refused with BYE', async () => {
  const server = await setUp();
  const clients = await Promise.all(Array.from({ length: 20 }, () => open(server)));
  const extra = await RawImap.open(server.imapPort!);
  teardown.defer('extra', () => extra.close());
  assert.match(await extra.until(/\r\n/), /^\* BYE \[UNAVAILABLE\] too many connections/);
  await extra.closed;
  clients[0]!.close();
  await clients[0]!.closed;
  const again = await eventuallyOpen(server);
  assert.ok(again);
});

/** Opens a connection once a place is free again (the server hears the close a moment later). */
async function eventuallyOpen(server: Mailroom): Promise<RawImap> {
  for (let i = 0; i < 50; i++) {
    const c = await RawImap.open(server.imapPort!);
    teardown.defer('client', () => c.close());
    const greeting = await c.until(/\r\n/);
    if (greeting.startsWith('* OK')) return c;
    await c.closed;
  }
  throw new Error('no place for a connection after one closed');
}

test('with --data-dir, UIDs and UIDVALIDITY are the same after a restart, and a deleted UID is never reused', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-imap-'));
  teardown.defer('data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const uids = async (s: Mailroom) => {
    const c = await open(s);
    await c.command('a1', 'LOGIN u p');
    const selected = await c.command('a2', 'SELECT INBOX');
    const fetched = await c.command('a3', 'FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    c.close();
    return { validity: /UIDVALIDITY (\d+)/.exec(selected)![1], uids: [...fetched.matchAll(/UID (\d+).*?Subject: (edge \d+)/gs)].map((m) => `${m[2]}=${m[1]}`) };
  };
  const first = await startTestServer({ imap: { host: '127.0.0.1', port: 0 }, dataDir });
  const ids: string[] = [];
  for (let n = 1; n <= 3; n++) ids.push(queuedId(await sendRawMail(first.smtpPort, RAW(n), { from: 'app@example.test', to: ['edge@example.test'] })));
  await fetch(`${first.url}/api/messages/${ids[2]}`, { method: 'DELETE' });
  const before = await uids(first);
  await first.close();
  const second = teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 }, dataDir }), 'server');
  queuedId(await sendRawMail(second.smtpPort, RAW(4), { from: 'app@example.test', to: ['edge@example.test'] }));
  const after = await uids(second);
  assert.equal(after.validity, before.validity);
  assert.deepEqual(after.uids.slice(0, 2), before.uids);
  const [, deletedUid] = /=(\d+)$/.exec(before.uids[1]!)!;
  const [, newUid] = /=(\d+)$/.exec(after.uids[2]!)!;
  assert.ok(Number(newUid) > Number(deletedUid) + 1, 'the new message does not take the deleted message\'s UID');
});

test('APPEND keeps the date given as the message\'s arrival time (INTERNALDATE, and receivedAt in the API); a malformed date is BAD', async () => {
  const server = await setUp();
  const c = await open(server);
  await c.command('a1', 'LOGIN u p');
  const saved = 'From: desk@example.test\r\nSubject: saved long ago\r\n\r\nold\r\n';
  const appended = await c.command('a2', `APPEND INBOX (\\Seen) " 7-Jan-2020 10:00:00 +0200" {${saved.length}+}\r\n${saved}`);
  assert.match(appended, /^a2 OK \[APPENDUID \d+ 1\]/);
  await c.command('a3', 'SELECT INBOX');
  assert.match(await c.command('a4', 'FETCH 1 (INTERNALDATE FLAGS)'), /\* 1 FETCH \(INTERNALDATE "07-Jan-2020 08:00:00 \+0000" FLAGS \(\\Seen\)\)/);
  const list = (await (await fetch(`${server.url}/api/messages`)).json()) as { messages: Array<{ receivedAt: string }> };
  assert.equal(list.messages[0]!.receivedAt, '2020-01-07T08:00:00.000Z');
  for (const bad of ['"31-Feb-2020 10:00:00 +0000"', '"7-Foo-2020 10:00:00 +0000"', '"07-Jan-2020 10:00 +0000"']) {
    assert.match(await c.command('a5', `APPEND INBOX ${bad} {${saved.length}+}\r\n${saved}`), /^a5 BAD APPEND date "[^"]*" is not an IMAP date-time/, bad);
  }
  assert.equal(server.store.stats().count, 1, 'nothing stored from a refused APPEND');
});
