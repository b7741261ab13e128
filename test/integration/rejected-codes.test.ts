// Every SMTP refusal lands in /api/rejected with its phase and the command that got it: the
// server's own (limits, syntax, sequence, authentication, size) and injected ones alike.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mailroom } from '../../server/start.js';
import type { RejectedAttempt } from '../../server/faults/rejected-log.js';
import { startTestServer } from '../helpers/server.js';
import { getJson } from '../helpers/api.js';
import { RawSmtp } from '../helpers/smtp-client.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
let server: Mailroom;
let authed: Mailroom;

before(async () => {
  server = teardown.add(await startTestServer({ maxRecipients: 2, maxMessageSize: 2048, maxConnectionsPerIp: 3, smtpAllowedRecipients: /@(example|x)\.test$/i }), 'mailroom');
  authed = teardown.add(await startTestServer({ smtpAuth: 'app:right', smtpAuthAllowInsecure: true }), 'mailroom with auth');
});

/** A session that has said EHLO; closed when the test ends. */
async function session(s: Mailroom, t: { after(fn: () => void): void }): Promise<RawSmtp> {
  const c = await RawSmtp.open(s.smtpPort);
  t.after(() => c.close());
  assert.equal((await c.reply())?.code, 220);
  assert.equal((await c.command('EHLO client.test'))?.code, 250);
  return c;
}

/** The newest rejected attempt of `s` whose reply starts with `code`. */
async function lastRejected(s: Mailroom, code: number): Promise<RejectedAttempt> {
  const { body } = await getJson<{ attempts: RejectedAttempt[] }>(`${s.url}/api/rejected?limit=50`);
  const hit = body.attempts.find((a) => a.reply.startsWith(String(code)));
  assert.ok(hit, `${code} is in /api/rejected: ${JSON.stringify(body.attempts.map((a) => a.reply))}`);
  return hit;
}

async function expectCode(c: RawSmtp, line: string, code: number): Promise<void> {
  const r = await c.command(line);
  assert.equal(r?.code, code, `${line} → ${r?.code} ${r?.text}`);
}

test('501 bad syntax, at the command that had it', async (t) => {
  const c = await session(server, t);
  await expectCode(c, 'MAIL FROM:not-an-address', 501);
  const a = await lastRejected(server, 501);
  assert.equal(a.stage, 'mail');
  assert.equal(a.command, 'MAIL FROM:not-an-address');
  assert.equal(a.outcome, 'reject');
});

test('503 bad sequence: RCPT before MAIL', async (t) => {
  const c = await session(server, t);
  await expectCode(c, 'RCPT TO:<a@example.test>', 503);
  const a = await lastRejected(server, 503);
  assert.equal(a.stage, 'rcpt');
  assert.equal(a.command, 'RCPT TO:<a@example.test>');
});

test('550 a recipient outside --smtp-allowed-recipients; 554 and 450 from magic addresses', async (t) => {
  const c = await session(server, t);
  await expectCode(c, 'MAIL FROM:<app@example.test>', 250);
  await expectCode(c, 'RCPT TO:<someone@elsewhere.test>', 550);
  await expectCode(c, 'RCPT TO:<reject-554@example.test>', 554);
  await expectCode(c, 'RCPT TO:<tempfail-450@example.test>', 450);
  for (const [code, rcpt] of [[550, 'someone@elsewhere.test'], [554, 'reject-554@example.test'], [450, 'tempfail-450@example.test']] as const) {
    const a = await lastRejected(server, code);
    assert.equal(a.stage, 'rcpt');
    assert.equal(a.command, `RCPT TO:<${rcpt}>`);
    assert.deepEqual(a.envelope, { mailFrom: 'app@example.test', rcptTo: [rcpt] });
  }
});

test('452 too many recipients; 451 from a magic address', async (t) => {
  const c = await session(server, t);
  await expectCode(c, 'MAIL FROM:<app@example.test>', 250);
  await expectCode(c, 'RCPT TO:<one@example.test>', 250);
  await expectCode(c, 'RCPT TO:<tempfail-451@example.test>', 451);
  await expectCode(c, 'RCPT TO:<two@example.test>', 250);
  await expectCode(c, 'RCPT TO:<three@example.test>', 452);
  assert.equal((await lastRejected(server, 452)).command, 'RCPT TO:<three@example.test>');
  assert.equal((await lastRejected(server, 451)).stage, 'rcpt');
});

test('552 too large: declared with SIZE at MAIL, and found in DATA', async (t) => {
  const c = await session(server, t);
  await expectCode(c, 'MAIL FROM:<app@example.test> SIZE=999999', 552);
  const declared = await lastRejected(server, 552);
  assert.equal(declared.stage, 'mail');
  assert.equal(declared.command, 'MAIL FROM:<app@example.test> SIZE=999999');
  await expectCode(c, 'MAIL FROM:<app@example.test>', 250);
  await expectCode(c, 'RCPT TO:<big@example.test>', 250);
  await expectCode(c, 'DATA', 354);
  c.send(`Subject: big\r\n\r\n${'x'.repeat(4096)}\r\n.\r\n`);
  assert.equal((await c.reply())?.code, 552);
  const inData = (await getJson<{ attempts: RejectedAttempt[] }>(`${server.url}/api/rejected?limit=1`)).body.attempts[0]!;
  assert.match(inData.reply, /^552/);
  assert.equal(inData.stage, 'data');
  assert.equal(inData.command, 'DATA');
  assert.deepEqual(inData.envelope.rcptTo, ['big@example.test']);
});

test('421 too many connections from one address, at connect', async (t) => {
  const open = await Promise.all([1, 2, 3].map(() => session(server, t)));
  assert.equal(open.length, 3);
  const c = await RawSmtp.open(server.smtpPort);
  t.after(() => c.close());
  assert.equal((await c.reply())?.code, 421);
  const a = await lastRejected(server, 421);
  assert.equal(a.stage, 'connect');
  assert.equal(a.command, null);
});

test('530 authentication required and 535 bad credentials', async (t) => {
  const c = await session(authed, t);
  await expectCode(c, 'MAIL FROM:<app@example.test>', 530);
  const required = await lastRejected(authed, 530);
  assert.equal(required.stage, 'mail');
  assert.equal(required.command, 'MAIL FROM:<app@example.test>');
  await expectCode(c, `AUTH PLAIN ${Buffer.from('\0app\0wrong').toString('base64')}`, 535);
  const failed = await lastRejected(authed, 535);
  assert.equal(failed.stage, 'auth');
  assert.equal(failed.command, 'AUTH PLAIN /* secured */', 'the credentials are never shown');
});

test('a 503 that only follows another refusal (a pipelined RCPT after a refused MAIL) is not an attempt of its own', async (t) => {
  const c = await session(server, t);
  const before = (await getJson<{ total: number }>(`${server.url}/api/rejected?limit=1`)).body.total;
  c.send('MAIL FROM:<tempfail-451@example.test>\r\nRCPT TO:<a@example.test>\r\n');
  assert.equal((await c.reply())?.code, 451);
  assert.equal((await c.reply())?.code, 503);
  const after = await getJson<{ total: number; attempts: RejectedAttempt[] }>(`${server.url}/api/rejected?limit=1`);
  assert.equal(after.body.total, before + 1);
  assert.match(after.body.attempts[0]!.reply, /^451/);
});
