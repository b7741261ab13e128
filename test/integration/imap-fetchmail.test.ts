// fetchmail over IMAP: it takes the unseen messages of INBOX byte for byte (line breaks aside),
// marks them \Seen, which the web inbox's API shows as read, and a second poll takes only the
// message that arrived since: the read flag is Mailroom's own, shared by every door.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crlf, fetchmail } from '../helpers/fetchmail.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
const raw = (n: number) => Buffer.from(`From: app@example.test\r\nTo: i${n}@example.test\r\nSubject: imap fetch ${n}\r\nX-Seq: ${n}\r\n\r\n.dot line ${n}\r\nbody ${n}\r\n`);

test('fetchmail over IMAP takes the unseen mail, marks it read for the web inbox, and next time only what is new', async () => {
  const server = teardown.add(await startTestServer({ imap: { host: '127.0.0.1', port: 0 } }), 'server');
  const deliver = (n: number) => sendRawMail(server.smtpPort, raw(n), { from: 'app@example.test', to: [`i${n}@example.test`] }).then(queuedId);
  const ids = [];
  for (let n = 1; n <= 10; n++) ids.push(await deliver(n));
  const readFlag = async (id: string) => ((await (await fetch(`${server.url}/api/messages/${id}`)).json()) as { read: boolean }).read;
  // Read in the web inbox first: fetchmail leaves seen mail alone.
  await fetch(`${server.url}/api/messages/${ids[0]}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ read: true }) });

  const client = fetchmail('IMAP', server.imapPort!);
  teardown.defer('fetchmail home', () => client.remove());
  const first = await client.run();
  assert.equal(first.code, 0, first.log);
  const seqOf = (b: Buffer) => Number(/X-Seq: (\d+)/.exec(b.toString('latin1'))![1]);
  assert.deepEqual(first.messages.map(seqOf).sort((a, b) => a - b), [2, 3, 4, 5, 6, 7, 8, 9, 10], first.log);
  for (const m of first.messages) assert.deepEqual(crlf(m), raw(seqOf(m)));
  for (const id of ids) assert.equal(await readFlag(id), true, 'every message is read in the web inbox now');

  const later = await deliver(11);
  const second = await client.run();
  assert.deepEqual(second.messages.map(seqOf), [11], second.log);
  assert.equal(await readFlag(later), true);
  assert.equal(server.store.stats().count, 11, '`keep`: nothing deleted on the server');
});
