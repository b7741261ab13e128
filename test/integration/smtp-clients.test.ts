// The SMTP clients people point at a mail catcher deliver to a default Mailroom with no
// credentials and no TLS settings: Python's smtplib, swaks, msmtp, s-nail (smtp-auth=none, its
// usual local setting) and nodemailer. Each is the real program (Debian's packages, installed
// by npm test's provisioning step, as Chromium is); each message is read back over HTTP.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ExecFileOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startTestServer } from '../helpers/server.js';
import { getJson } from '../helpers/api.js';
import { fileTeardown } from '../helpers/teardown.js';
import type { Mailroom } from '../../server/start.js';
import type { MessageDetail } from '../../server/mail/types.js';

const teardown = fileTeardown();
let server: Mailroom;
let home: string;

before(async () => {
  server = teardown.add(await startTestServer(), 'mailroom');
  // A fresh HOME: no ~/.msmtprc, ~/.mailrc or dead.letter of the developer's.
  home = mkdtempSync(join(tmpdir(), 'mailroom-clients-home-'));
  teardown.defer('home', () => rmSync(home, { recursive: true, force: true }));
});

/** Runs a client program with `input` on stdin; rejects with its output when it fails. */
function runClient(file: string, args: string[], input = ''): Promise<string> {
  const options: ExecFileOptions = { env: { PATH: process.env.PATH, HOME: home, LC_ALL: 'C.UTF-8' }, timeout: 30_000 };
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, options, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} failed (${err.message}): ${String(stdout)}${String(stderr)}`));
      else resolve(String(stdout) + String(stderr));
    });
    child.stdin!.end(input);
  });
}

/** The message with this subject, waited for on the server (no polling). */
async function received(subject: string): Promise<MessageDetail> {
  const r = await getJson<MessageDetail>(`${server.url}/api/messages/wait?query=${encodeURIComponent(`subject:"${subject}"`)}&timeout=5s`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

function assertDelivered(m: MessageDetail, subject: string, to: string) {
  assert.equal(m.subject, subject);
  assert.equal(m.from?.address, 'app@example.test');
  assert.deepEqual(m.envelope.rcptTo, [to]);
  assert.equal(m.envelope.mailFrom, 'app@example.test');
  assert.equal(m.envelope.authUser, null, 'no credentials were used');
}

test("Python's smtplib: SMTP(host, port).send_message()", async () => {
  const script = `
import smtplib, sys
from email.message import EmailMessage
m = EmailMessage()
m['From'] = 'app@example.test'
m['To'] = 'py@example.test'
m['Subject'] = 'from smtplib'
m.set_content('hello from python')
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as s:
    s.send_message(m)
`;
  await runClient('python3', ['-c', script, String(server.smtpPort)]);
  assertDelivered(await received('from smtplib'), 'from smtplib', 'py@example.test');
});

test('swaks with its defaults', async () => {
  await runClient('swaks', ['--server', `127.0.0.1:${server.smtpPort}`, '--from', 'app@example.test', '--to', 'swaks@example.test', '--header', 'Subject: from swaks', '--body', 'hello from swaks']);
  assertDelivered(await received('from swaks'), 'from swaks', 'swaks@example.test');
});

test('msmtp with no configuration file, only --host and --port', async () => {
  const message = 'From: app@example.test\nTo: msmtp@example.test\nSubject: from msmtp\n\nhello from msmtp\n';
  await runClient('msmtp', ['--file=/dev/null', '--host=127.0.0.1', `--port=${server.smtpPort}`, '--from=app@example.test', 'msmtp@example.test'], message);
  assertDelivered(await received('from msmtp'), 'from msmtp', 'msmtp@example.test');
});

test('s-nail with mta=smtp://… and smtp-auth=none', async () => {
  await runClient(
    's-nail',
    ['-:/', '-Sv15-compat', `-Smta=smtp://127.0.0.1:${server.smtpPort}`, '-Ssmtp-auth=none', '-Shostname=app.example.test', '-Snosave', '-r', 'app@example.test', '-s', 'from s-nail', 'snail@example.test'],
    'hello from s-nail\n',
  );
  assertDelivered(await received('from s-nail'), 'from s-nail', 'snail@example.test');
});

test('nodemailer with only host and port', async () => {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort });
  try {
    await transport.sendMail({ from: 'app@example.test', to: 'node@example.test', subject: 'from nodemailer', text: 'hello from node' });
  } finally {
    transport.close();
  }
  assertDelivered(await received('from nodemailer'), 'from nodemailer', 'node@example.test');
});
