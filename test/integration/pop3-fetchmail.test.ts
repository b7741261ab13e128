// fetchmail, the classic POP3 downloader, takes the whole inbox: every message arrives through
// its MDA with the bytes Mailroom received (line breaks aside; see test/helpers/fetchmail.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crlf, fetchmail } from '../helpers/fetchmail.js';
import { queuedId, sendRawMail } from '../helpers/mail.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();

test('fetchmail downloads every message of the inbox, byte for byte (line breaks aside), and keeps them on the server', async () => {
  const server = teardown.add(await startTestServer({ pop3: { host: '127.0.0.1', port: 0 } }), 'server');
  const sent = new Map<string, Buffer>();
  for (let n = 1; n <= 25; n++) {
    const raw = Buffer.from(`From: app@example.test\r\nTo: f${n}@example.test\r\nSubject: fetch ${n}\r\nX-Seq: ${n}\r\n\r\n.dot line ${n}\r\nbody ${n}\r\n`);
    sent.set(queuedId(await sendRawMail(server.smtpPort, raw, { from: 'app@example.test', to: [`f${n}@example.test`] })), raw);
  }
  const client = fetchmail('POP3', server.pop3Port!);
  teardown.defer('fetchmail home', () => client.remove());
  const { code, log, messages } = await client.run();
  assert.equal(code, 0, log);
  assert.equal(messages.length, sent.size, log);
  const bySeq = (b: Buffer) => /X-Seq: (\d+)/.exec(b.toString('latin1'))![1];
  const expected = new Map([...sent.values()].map((raw) => [bySeq(raw), raw]));
  for (const message of messages) assert.deepEqual(crlf(message), expected.get(bySeq(message)), `message ${bySeq(message)}`);
  assert.equal(server.store.stats().count, sent.size, '`keep`: nothing deleted on the server');
});
