// POP3 shares one mailbox with every other door: a DELE reaches the web inbox's feed at QUIT
// (not before), and UIDs stay the same across a restart with --data-dir.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFeed } from '../helpers/feed.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { RawPop3, poplib } from '../helpers/pop3.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
const raw = (n: number) => Buffer.from(`From: a@example.test\r\nTo: b@example.test\r\nSubject: shared ${n}\r\n\r\nbody ${n}\r\n`);
const send = async (port: number, n: number) => queuedId(await sendRawMail(port, raw(n), { from: 'a@example.test', to: ['b@example.test'] }));

test('DELE marks, QUIT deletes: the feed hears message:deleted at QUIT, not at DELE', async () => {
  const server = teardown.add(await startTestServer({ pop3: { host: '127.0.0.1', port: 0 } }), 'server');
  const id = await send(server.smtpPort, 1);
  const feed = await openFeed(server.url.replace(/^http/, 'ws') + '/api/feed');
  teardown.defer('feed', () => feed.close());
  await feed.next((f) => f.type === 'hello');
  const c = await RawPop3.open(server.pop3Port!);
  teardown.defer('pop3 socket', () => c.close());
  c.send('USER u\r\nPASS p\r\nDELE 1\r\nNOOP\r\n');
  await c.awaitStatus(5, 'greeting and four answers');
  assert.equal((await fetch(`${server.url}/api/messages/${id}`)).status, 200, 'still there after DELE');
  assert.ok(!feed.frames.some((f) => f.type === 'message:deleted'), 'no deletion event before QUIT');
  c.send('QUIT\r\n');
  assert.deepEqual(await feed.next((f) => f.type === 'message:deleted'), { type: 'message:deleted', ids: [id] });
  assert.equal((await fetch(`${server.url}/api/messages/${id}`)).status, 404);
});

test('UIDL is stable across sessions and across a restart with --data-dir', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-pop3-'));
  teardown.defer('data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const uidl = (port: number) =>
    poplib<string[]>(port, `p = poplib.POP3('127.0.0.1', port)
p.user('u'); p.pass_('p')
print(json.dumps([l.decode() for l in p.uidl()[1]]))
p.quit()`);
  const first = await startTestServer({ pop3: { host: '127.0.0.1', port: 0 }, dataDir });
  const ids = [await send(first.smtpPort, 1), await send(first.smtpPort, 2)];
  const before = await uidl(first.pop3Port!);
  assert.deepEqual(before, ids.map((id, i) => `${i + 1} ${id}`));
  assert.deepEqual(await uidl(first.pop3Port!), before, 'the same in a second session');
  await first.close();
  const second = teardown.add(await startTestServer({ pop3: { host: '127.0.0.1', port: 0 }, dataDir }), 'server');
  assert.deepEqual(await uidl(second.pop3Port!), before, 'the same after a restart');
});
