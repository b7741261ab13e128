// Several sessions on one INBOX (RFC 3501 section 7.4.1): one expunging while another fetches
// keeps every session's sequence numbers consistent; and UIDPLUS (RFC 4315) names the UIDs an
// APPEND or a COPY gave.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mailroom } from '../../server/start.js';
import { RawImap } from '../helpers/imap.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
const RAW = (n: number) => Buffer.from(`From: app@example.test\r\nTo: c@example.test\r\nSubject: c ${n}\r\n\r\nbody ${n}\r\n`);

async function setUp(count: number): Promise<Mailroom> {
  const server = teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 } }), 'server');
  for (let n = 1; n <= count; n++) queuedId(await sendRawMail(server.smtpPort, RAW(n), { from: 'app@example.test', to: ['c@example.test'] }));
  return server;
}

async function session(server: Mailroom, name: string): Promise<RawImap> {
  const c = await RawImap.open(server.imapPort!);
  teardown.defer(name, () => c.close());
  await c.until(/\r\n/);
  await c.command('l', 'LOGIN u p');
  await c.command('s', 'SELECT INBOX');
  return c;
}

const uidsOf = (text: string) => [...text.matchAll(/\* (\d+) FETCH \(UID (\d+)\)/g)].map((m) => `${m[1]}:${m[2]}`);

test('one session expunges while another fetches: numbers stay consistent in both', async () => {
  const server = await setUp(5);
  const a = await session(server, 'a');
  const b = await session(server, 'b');
  const all = uidsOf(await b.command('b1', 'FETCH 1:5 (UID)'));
  const uid = all.map((s) => s.split(':')[1]);
  await a.command('a1', 'STORE 2,4 +FLAGS.SILENT (\\Deleted)');
  assert.match(await a.command('a2', 'EXPUNGE'), /^\* 4 EXPUNGE\r\n\* 2 EXPUNGE\r\na2 OK/, 'highest first, each number valid when sent');
  // B is in a FETCH: no EXPUNGE may reach it, its numbers stay as they were, the gone ones are skipped
  const during = await b.command('b2', 'FETCH 1:5 (UID)');
  assert.doesNotMatch(during, /EXPUNGE/);
  assert.deepEqual(uidsOf(during), [`1:${uid[0]}`, `3:${uid[2]}`, `5:${uid[4]}`]);
  // At its NOOP it hears both, in an order that keeps the numbers right, and renumbers
  assert.match(await b.command('b3', 'NOOP'), /^\* 4 EXPUNGE\r\n\* 2 EXPUNGE\r\nb3 OK/);
  assert.deepEqual(uidsOf(await b.command('b4', 'FETCH 1:* (UID)')), [`1:${uid[0]}`, `2:${uid[2]}`, `3:${uid[4]}`]);
  assert.deepEqual(uidsOf(await a.command('a3', 'FETCH 1:* (UID)')), [`1:${uid[0]}`, `2:${uid[2]}`, `3:${uid[4]}`]);
});

test('UIDPLUS: APPENDUID and COPYUID name the UIDs the new messages got', async () => {
  const server = await setUp(2);
  const c = await session(server, 'c');
  assert.match(await c.command('x', 'CAPABILITY'), /\bUIDPLUS\b/);
  const saved = 'Subject: appended\r\n\r\nx\r\n';
  c.send(`a1 APPEND INBOX {${saved.length}+}\r\n${saved}\r\n`);
  const appended = /a1 OK \[APPENDUID (\d+) (\d+)\]/.exec(await c.until(/a1 [^\r\n]*\r\n/))!;
  const validity = /UIDVALIDITY (\d+)/.exec(await c.command('a2', 'SELECT INBOX'))![1];
  assert.equal(appended[1], validity);
  assert.match(await c.command('a3', `UID FETCH ${appended[2]} (BODY.PEEK[HEADER.FIELDS (SUBJECT)])`), /Subject: appended/);
  const copied = /a4 OK \[COPYUID (\d+) ([\d,]+) ([\d,]+)\]/.exec(await c.command('a4', 'COPY 1:2 INBOX'))!;
  assert.equal(copied[1], validity);
  const [src, dst] = [copied[2]!.split(','), copied[3]!.split(',')];
  assert.equal(dst.length, 2);
  for (let i = 0; i < 2; i++) {
    const subject = (u: string) => c.command(`f${i}${u}`, `UID FETCH ${u} (BODY.PEEK[HEADER.FIELDS (SUBJECT)])`).then((t) => /Subject: ([^\r\n]*)/.exec(t)![1]);
    assert.equal(await subject(dst[i]!), await subject(src[i]!), `the copy of UID ${src[i]} is UID ${dst[i]}`);
  }
});
