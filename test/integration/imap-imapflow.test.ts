// IMAP through imapflow, the Node IMAP client an application's IMAP code most often uses: connect,
// open INBOX, fetch envelopes and sources (byte-identical), flag a message read, delete one and
// append one, each seen in the REST API; search by subject.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import type { Mailroom } from '../../server/start.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();

test('imapflow: envelopes and sources of every message, \\Seen and delete shared with the REST API', async () => {
  const server: Mailroom = teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 } }), 'server');
  const raws: Buffer[] = [];
  const ids: string[] = [];
  for (let n = 1; n <= 5; n++) {
    const raw = Buffer.from(`From: App <app@example.test>\r\nTo: flow${n}@example.test\r\nSubject: flow ${n}\r\nMessage-ID: <flow${n}@example.test>\r\n\r\nbody ${n}\r\n`);
    raws.push(raw);
    ids.push(queuedId(await sendRawMail(server.smtpPort, raw, { from: 'app@example.test', to: [`flow${n}@example.test`] })));
  }
  const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort!, secure: false, auth: { user: 'anyone', pass: 'x' }, logger: false });
  teardown.defer('imapflow', () => client.close());
  await client.connect();
  const box = await client.mailboxOpen('INBOX');
  assert.equal(box.exists, 5);
  const seen: Array<{ seq: number; subject: string | undefined; from: string | undefined; source: Buffer }> = [];
  for await (const m of client.fetch('1:*', { envelope: true, source: true, uid: true, flags: true })) {
    seen.push({ seq: m.seq, subject: m.envelope?.subject, from: m.envelope?.from?.[0]?.address, source: m.source! });
  }
  assert.deepEqual(seen.map((m) => m.subject), ['flow 1', 'flow 2', 'flow 3', 'flow 4', 'flow 5']);
  assert.ok(seen.every((m) => m.from === 'app@example.test'));
  for (let i = 0; i < 5; i++) assert.deepEqual(seen[i]!.source, raws[i], `source ${i + 1} byte-identical`);

  await client.messageFlagsAdd('2', ['\\Seen']);
  const second = (await (await fetch(`${server.url}/api/messages/${ids[1]}`)).json()) as { read: boolean };
  assert.equal(second.read, true);
  assert.ok(await client.messageDelete('3'));
  assert.equal((await fetch(`${server.url}/api/messages/${ids[2]}`)).status, 404);
  const status = await client.status('INBOX', { messages: true, unseen: true });
  assert.ok(status);
  assert.equal(status.messages, 4);
  assert.equal(status.unseen, 3);
  const appended = Buffer.from('From: desk@example.test\r\nTo: app@example.test\r\nSubject: saved by imapflow\r\n\r\nhello\r\n');
  assert.ok(await client.append('INBOX', appended, ['\\Flagged']));
  const found = (await (await fetch(`${server.url}/api/messages?query=${encodeURIComponent('subject:"saved by imapflow"')}`)).json()) as { messages: Array<{ id: string; tags: string[] }> };
  assert.equal(found.messages.length, 1, 'APPEND appears in the REST API');
  assert.ok(found.messages[0]!.tags.includes('flagged'));
  assert.deepEqual(await (await fetch(`${server.url}/api/messages/${found.messages[0]!.id}/raw`)).arrayBuffer().then((b) => Buffer.from(b)), appended);
  const uids = await client.search({ from: 'app@example.test' }, { uid: true });
  assert.ok(uids);
  assert.equal(uids.length, 4, 'SEARCH FROM finds the four messages from the app left, not the appended one');
  await client.logout();
});
