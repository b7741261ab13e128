// fetchmail, the classic POP3 downloader, takes the whole inbox: every message arrives through
// its MDA with the bytes Mailroom received (fetchmail hands an MDA Unix line breaks; with
// `set invisible` and `no rewrite` it adds and changes nothing else; `sslproto ''` lets
// fetchmail 6.4 use a plain connection, as it must against a server without a certificate).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const home = mkdtempSync(join(tmpdir(), 'mailroom-fetchmail-'));
  teardown.defer('fetchmail home', () => rmSync(home, { recursive: true, force: true }));
  const out = join(home, 'mail');
  mkdirSync(out);
  const rc = join(home, 'fetchmailrc');
  writeFileSync(
    rc,
    `set invisible\n` +
      `poll 127.0.0.1 with proto POP3 and port ${server.pop3Port} and timeout 20\n` +
      `  user "me" there with password "anything" is "root" here\n` +
      `  options keep no rewrite sslproto '' mda "/bin/sh -c 'cat > ${out}/msg.$$'"\n`,
  );
  chmodSync(rc, 0o600); // fetchmail refuses a run-control file others can read
  const child = spawn('fetchmail', ['--nodetach', '--nosyslog', '--fetchmailrc', rc, '--idfile', join(home, 'ids'), '--pidfile', join(home, 'pid')], {
    env: { ...process.env, HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, log);

  const got = readdirSync(out).map((f) => readFileSync(join(out, f)));
  assert.equal(got.length, sent.size, log);
  const crlf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  const bySeq = (b: Buffer) => /X-Seq: (\d+)/.exec(b.toString('latin1'))![1];
  const expected = new Map([...sent.values()].map((raw) => [bySeq(raw), raw]));
  for (const message of got) assert.deepEqual(crlf(message), expected.get(bySeq(message)), `message ${bySeq(message)}`);
  assert.equal(server.store.stats().count, sent.size, '`keep`: nothing deleted on the server');
});
