// SMTP transcripts through real SMTP: kept with each message (commands and replies in order,
// AUTH secrets masked, DATA summarised by size, TLS details, client address) and for recent
// sessions, including ones that delivered nothing.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import nodemailer from 'nodemailer';
import { startTestServer } from '../helpers/server.js';
import { getJson, type ApiErrorBody } from '../helpers/api.js';
import { RawSmtp } from '../helpers/smtp-client.js';
import type { Mailroom } from '../../server/start.js';
import type { MessageTranscript, SessionInfo } from '../../server/sessions/sessions.js';
import type { TranscriptEntry } from '../../server/sessions/session-log.js';
import { fileTeardown } from '../helpers/teardown.js';

let server: Mailroom;
const teardown = fileTeardown();
before(async () => {
  server = teardown.add(await startTestServer({ smtpStarttls: 'on' }), 'server');
});

const PASSWORD = 'pa55-w0rd-zebra';
const transcriptOf = async (id: string) => getJson<MessageTranscript & { error?: { code: string } }>(`${server.url}/api/messages/${id}/transcript`);
const idOf = (reply: string) => /queued as (\S+)/.exec(reply)![1]!;
const texts = (entries: TranscriptEntry[]) => entries.map((e) => `${e.dir[0]} ${e.text}`);

async function sessionWhenClosed(id: string): Promise<{ session: SessionInfo; entries: TranscriptEntry[] }> {
  return eventually(async () => {
    const d = await getJson<{ session: SessionInfo; entries: TranscriptEntry[] }>(`${server.url}/api/sessions/${id}`);
    return d.status === 200 && d.body.session.endedAt ? d.body : null;
  }, { what: `session ${id} to close` });
}

test('a message keeps its session transcript: STARTTLS, masked AUTH, DATA by size, final reply', async () => {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, tls: { rejectUnauthorized: false }, auth: { user: 'app-user', pass: PASSWORD } });
  const info = await t.sendMail({ from: 'app@example.test', to: 'alice@example.test', subject: 'transcript', text: 'unique-body-marker' });
  t.close();
  const id = idOf(info.response);
  const { status, body } = await transcriptOf(id);
  assert.equal(status, 200);
  const lines = texts(body.entries);
  assert.match(lines[0]!, /^s 220 mailroom ESMTP/);
  const expectOrder = [/^c EHLO /, /^c STARTTLS$/, /^s 220 /, /^n TLS established: TLSv1\.[23] /, /^c EHLO /, /^c AUTH PLAIN \/\* secured \*\/$/, /^s 235 /, /^c MAIL FROM:<app@example\.test>/, /^s 250 /, /^c RCPT TO:<alice@example\.test>/, /^c DATA$/, /^s 354 /, /^n <\d+ bytes of message data>$/, new RegExp(`^s 250 2\\.0\\.0 Ok: queued as ${id}$`)];
  let at = 0;
  for (const re of expectOrder) {
    const i = lines.findIndex((l, j) => j >= at && re.test(l));
    assert.ok(i >= at, `${re} after line ${at} in:\n${lines.join('\n')}`);
    at = i + 1;
  }
  const size = Number(/<(\d+) bytes/.exec(lines.find((l) => l.includes('bytes of message data'))!)![1]);
  const raw = await (await fetch(`${server.url}/api/messages/${id}/raw`)).arrayBuffer();
  assert.equal(size, raw.byteLength, 'the DATA note gives the message size');
  for (let i = 1; i < body.entries.length; i++) assert.ok(body.entries[i]!.ms >= body.entries[i - 1]!.ms, 'timestamps in order');
  assert.equal(body.session.client.address, '127.0.0.1');
  assert.equal(body.session.secure, true);
  assert.match(body.session.tls!.protocol!, /^TLSv1\.[23]$/);
  assert.ok(body.session.tls!.cipher);
  assert.equal(body.session.authUser, 'app-user');
  assert.deepEqual(body.session.messages, [id]);
  const everything = JSON.stringify(body) + JSON.stringify((await getJson(`${server.url}/api/sessions/${body.session.id}`)).body);
  assert.ok(!everything.includes(PASSWORD), 'the password never appears');
  assert.ok(!everything.includes(Buffer.from(`\0app-user\0${PASSWORD}`).toString('base64')), 'nor the PLAIN blob');
  assert.ok(!everything.includes('unique-body-marker'), 'the body is summarised, not copied');
  // A session that upgraded with STARTTLS still closes (smtp-server drops the plain socket's listeners at the upgrade).
  const closed = await sessionWhenClosed(body.session.id);
  assert.equal(closed.session.outcome, 'delivered');
  assert.match(texts(closed.entries).at(-1)!, /^(s 221 |n connection closed by the client)/);
});

test('AUTH LOGIN continuation lines are masked; two messages on one connection get their own transactions', async () => {
  const c = await RawSmtp.open(server.smtpPort);
  await c.reply();
  await c.command('EHLO raw.test');
  assert.equal((await c.command('AUTH LOGIN'))?.code, 334);
  assert.equal((await c.command(Buffer.from('login-user').toString('base64')))?.code, 334);
  assert.equal((await c.command(Buffer.from(PASSWORD).toString('base64')))?.code, 235);
  const ids: string[] = [];
  for (const n of [1, 2]) {
    await c.command(`MAIL FROM:<sender${n}@example.test>`);
    await c.command(`RCPT TO:<rcpt${n}@example.test>`);
    await c.command('DATA');
    c.send(`Subject: n${n}\r\n\r\nbody ${n}\r\n.\r\n`);
    ids.push(idOf((await c.reply())!.text));
  }
  await c.command('QUIT');
  c.close();
  for (const [i, id] of ids.entries()) {
    const lines = texts((await transcriptOf(id)).body.entries);
    assert.ok(lines.includes('c AUTH LOGIN'));
    assert.equal(lines.filter((l) => l === 'c /* secured */').length, 2, lines.join('\n'));
    assert.ok(!lines.join().includes(Buffer.from(PASSWORD).toString('base64')));
    assert.ok(lines.includes(`c MAIL FROM:<sender${i + 1}@example.test>`));
    assert.ok(!lines.includes(`c MAIL FROM:<sender${2 - i}@example.test>`), 'only its own transaction');
  }
  const t = (await transcriptOf(ids[0]!)).body;
  const s = await sessionWhenClosed(t.session.id);
  assert.equal(s.session.outcome, 'delivered');
  assert.deepEqual(s.session.messages, ids);
  assert.ok(texts(s.entries).includes('c QUIT'));
  // A message's transcript names its session as it ended, not as it was at that message.
  const later = (await transcriptOf(ids[0]!)).body;
  assert.equal(later.session.outcome, 'delivered');
  assert.ok(later.session.endedAt);
  assert.deepEqual(later.session.messages, ids);
});

test('sessions that delivered nothing are listed: rejected and cut off', async () => {
  const rejected = await RawSmtp.open(server.smtpPort);
  await rejected.reply();
  await rejected.command('EHLO rejected.test');
  await rejected.command('MAIL FROM:<a@example.test>');
  assert.equal((await rejected.command('RCPT TO:<reject-550@example.test>'))?.code, 550);
  await rejected.command('QUIT');
  rejected.close();
  const cut = await RawSmtp.open(server.smtpPort);
  await cut.reply();
  await cut.command('EHLO cut.test');
  cut.close();
  await cut.closed;

  const list = async () => (await getJson<{ sessions: SessionInfo[] }>(`${server.url}/api/sessions?limit=50`)).body.sessions;
  const sessions = await eventually(async () => {
    const now = await list();
    const ended = (helo: string) => Boolean(now.find((s) => s.heloName === helo)?.endedAt);
    return ended('rejected.test') && ended('cut.test') && now;
  }, { what: 'both sessions to end' });
  const r = sessions.find((s) => s.heloName === 'rejected.test')!;
  const c = sessions.find((s) => s.heloName === 'cut.test')!;
  assert.equal(r.outcome, 'rejected');
  assert.equal(r.rejections, 1);
  assert.equal(c.outcome, 'disconnected');
  const detail = await sessionWhenClosed(r.id);
  assert.ok(texts(detail.entries).some((l) => /^s 550 .*reject-550/.test(l)));
  assert.equal((await getJson(`${server.url}/api/sessions/unknown-session`)).status, 404);
});

test('deleting a message drops its transcript; --transcripts false records none', async () => {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, tls: { rejectUnauthorized: false } });
  const id = idOf((await t.sendMail({ from: 'a@example.test', to: 'b@example.test', text: 'x' })).response);
  t.close();
  assert.equal((await transcriptOf(id)).status, 200);
  await fetch(`${server.url}/api/messages/${id}`, { method: 'DELETE' });
  assert.equal((await transcriptOf(id)).status, 404);
  assert.equal(server.unhappy.sessions.transcript(id), undefined, 'forgotten, not just hidden');

  const quiet = await startTestServer({ transcripts: false });
  try {
    const q = nodemailer.createTransport({ host: '127.0.0.1', port: quiet.smtpPort, tls: { rejectUnauthorized: false } });
    const qid = idOf((await q.sendMail({ from: 'a@example.test', to: 'b@example.test', text: 'x' })).response);
    q.close();
    const res = await getJson<ApiErrorBody>(`${quiet.url}/api/messages/${qid}/transcript`);
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'no_transcript');
    assert.equal((await getJson<{ recording: boolean }>(`${quiet.url}/api/sessions`)).body.recording, false);
  } finally {
    await quiet.close();
  }
});
