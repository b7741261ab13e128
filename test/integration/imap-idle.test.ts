// IDLE (RFC 2177): an idling session hears new mail as EXISTS, a \Seen set in the API as FETCH
// FLAGS and a delete in the API as EXPUNGE, from the bus that feeds the WebSocket (no polling),
// and DONE ends it; imapflow, which idles by itself, reports all three the same way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import type { Mailroom } from '../../server/start.js';
import { RawImap } from '../helpers/imap.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
const RAW = (n: number) => Buffer.from(`From: app@example.test\r\nTo: idle@example.test\r\nSubject: idle ${n}\r\n\r\nbody ${n}\r\n`);
const deliver = (s: Mailroom, n: number) => sendRawMail(s.smtpPort, RAW(n), { from: 'app@example.test', to: ['idle@example.test'] }).then(queuedId);

async function setUp(): Promise<Mailroom> {
  return teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 } }), 'server');
}

test('an idling session hears EXISTS, FETCH FLAGS and EXPUNGE as they happen; DONE ends the IDLE', async () => {
  const server = await setUp();
  const first = await deliver(server, 1);
  const c = await RawImap.open(server.imapPort!);
  teardown.defer('client', () => c.close());
  assert.match(await c.until(/\r\n/), /CAPABILITY [^\]]*\bIDLE\b/);
  await c.command('a1', 'LOGIN u p');
  await c.command('a2', 'SELECT INBOX');
  c.send('a3 IDLE\r\n');
  assert.match(await c.until(/^\+ [^\r\n]*\r\n$/), /^\+ idling/);
  await deliver(server, 2);
  assert.equal(await c.until(/\* 2 EXISTS\r\n/), '* 2 EXISTS\r\n');
  await fetch(`${server.url}/api/messages/${first}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ read: true }) });
  assert.equal(await c.until(/\* 1 FETCH[^\r\n]*\r\n/), '* 1 FETCH (FLAGS (\\Seen))\r\n');
  await fetch(`${server.url}/api/messages/${first}`, { method: 'DELETE' });
  assert.equal(await c.until(/\* 1 EXPUNGE\r\n/), '* 1 EXPUNGE\r\n');
  c.send('DONE\r\n');
  assert.match(await c.until(/a3 [^\r\n]*\r\n/), /^a3 OK IDLE terminated\r\n$/);
  assert.match(await c.command('a4', 'FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])'), /Subject: idle 2/, 'the session goes on with the new numbering');
});

test('imapflow, idling by itself, reports a message sent by SMTP, a \\Seen set in the API and a delete in the API', async () => {
  const server = await setUp();
  const first = await deliver(server, 1);
  const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort!, secure: false, auth: { user: 'a', pass: 'b' }, logger: false, autoIdleDelay: 10 });
  teardown.defer('imapflow', () => client.close());
  await client.connect();
  await client.mailboxOpen('INBOX');
  const next = <T>(event: string) => new Promise<T>((resolve) => client.once(event, resolve));
  const exists = next<{ count: number }>('exists');
  await deliver(server, 2);
  assert.equal((await exists).count, 2);
  const flags = next<{ seq: number; flags: Set<string> }>('flags');
  await fetch(`${server.url}/api/messages/${first}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ read: true }) });
  const flagged = await flags;
  assert.equal(flagged.seq, 1);
  assert.deepEqual([...flagged.flags], ['\\Seen']);
  const expunge = next<{ seq: number }>('expunge');
  await fetch(`${server.url}/api/messages/${first}`, { method: 'DELETE' });
  assert.equal((await expunge).seq, 1);
  await client.logout();
});
