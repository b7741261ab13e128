// Every SMTP limit answers with the right reply and stores nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer } from '../helpers/server.js';
import { RawSmtp, sendRaw } from '../helpers/smtp-client.js';
import { getJson, list } from '../helpers/api.js';
import { assertNoOpenConnections } from '../helpers/invariants.js';
import { smtpTransport } from '../helpers/mail.js';
import type { Mailroom } from '../../server/start.js';

async function withServer(overrides: Parameters<typeof startTestServer>[0], fn: (s: Mailroom) => Promise<void>) {
  const s = await startTestServer(overrides);
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

async function session(port: number): Promise<RawSmtp> {
  const c = await RawSmtp.open(port);
  assert.equal((await c.reply())?.code, 220);
  assert.equal((await c.command('EHLO limits.test'))?.code, 250);
  return c;
}

test('oversize message: 552 5.3.4 while streaming, nothing stored, next message accepted', async () => {
  await withServer({ maxMessageSize: 10_000 }, async (s) => {
    const c = await session(s.smtpPort);
    assert.equal((await c.command('MAIL FROM:<a@example.test>'))?.code, 250);
    assert.equal((await c.command('RCPT TO:<b@example.test>'))?.code, 250);
    assert.equal((await c.command('DATA'))?.code, 354);
    const line = 'x'.repeat(998) + '\r\n';
    for (let i = 0; i < 200; i++) c.send(line); // ~200 KB, 20x the limit
    c.send('.\r\n');
    const reply = await c.reply();
    assert.equal(reply?.code, 552);
    assert.match(reply.text, /^5\.3\.4 /);
    // The session goes on: a message within the limit is accepted on the same connection.
    assert.equal((await c.command('MAIL FROM:<a@example.test>'))?.code, 250);
    assert.equal((await c.command('RCPT TO:<b@example.test>'))?.code, 250);
    assert.equal((await c.command('DATA'))?.code, 354);
    const ok = await c.command('Subject: small\r\n\r\nfits\r\n.');
    assert.equal(ok?.code, 250);
    c.close();
    const page = await list(s.url);
    assert.equal(page.total, 1);
    assert.equal(page.messages[0]!.subject, 'small');
  });
});

test('SIZE= over the limit is refused at MAIL FROM with 552', async () => {
  await withServer({ maxMessageSize: 10_000 }, async (s) => {
    const c = await session(s.smtpPort);
    const r = await c.command('MAIL FROM:<a@example.test> SIZE=20000');
    assert.equal(r?.code, 552);
    c.close();
  });
});

test('recipient 1001 gets 452 4.5.3; the message keeps the first 1000', async () => {
  await withServer({}, async (s) => {
    const c = await session(s.smtpPort);
    await c.command('MAIL FROM:<a@example.test>');
    // Pipelined: send all RCPTs in one write, then read every reply.
    let batch = '';
    for (let i = 1; i <= 1001; i++) batch += `RCPT TO:<r${i}@example.test>\r\n`;
    c.send(batch);
    const codes: number[] = [];
    for (let i = 1; i <= 1001; i++) codes.push((await c.reply())!.code);
    assert.ok(codes.slice(0, 1000).every((code) => code === 250));
    assert.equal(codes[1000], 452);
    assert.equal((await c.command('DATA'))?.code, 354);
    assert.equal((await c.command('Subject: many\r\n\r\nx\r\n.'))?.code, 250);
    c.close();
    const page = await list(s.url);
    assert.equal(page.messages[0]!.bcc.length, 1000);
  });
});

test('recipient limit message text carries the enhanced code', async () => {
  await withServer({ maxRecipients: 2 }, async (s) => {
    const c = await session(s.smtpPort);
    await c.command('MAIL FROM:<a@example.test>');
    await c.command('RCPT TO:<1@example.test>');
    await c.command('RCPT TO:<2@example.test>');
    const r = await c.command('RCPT TO:<3@example.test>');
    assert.equal(r?.code, 452);
    assert.match(r.text, /^4\.5\.3 /);
    c.close();
  });
});

test('connections beyond the per-address cap get 421 and are closed; the cap frees up again', async () => {
  await withServer({ maxConnectionsPerIp: 2 }, async (s) => {
    const a = await session(s.smtpPort);
    const b = await session(s.smtpPort);
    const c = await RawSmtp.open(s.smtpPort);
    const refused = await c.reply();
    assert.equal(refused?.code, 421);
    assert.match(refused.text, /4\.7\.0 Too many connections/);
    await c.closed;
    a.close();
    await a.closed;
    await eventually(async () => (await getJson<{ smtp: { connections: number } }>(`${s.url}/api/info`)).body.smtp.connections < 2, { what: 'the closed slot to free up' });
    const d = await session(s.smtpPort);
    d.close();
    b.close();
  });
});

test('connections beyond the total cap get 421', async () => {
  await withServer({ maxConnections: 2 }, async (s) => {
    const a = await session(s.smtpPort);
    const b = await session(s.smtpPort);
    const c = await RawSmtp.open(s.smtpPort);
    const r = await c.reply();
    assert.equal(r?.code, 421);
    assert.match(r.text, /Too many connected clients/);
    await c.closed;
    a.close();
    b.close();
  });
});

test('an over-long command line gets 421 and the connection closes', async () => {
  await withServer({ maxCommandLength: 1024 }, async (s) => {
    const c = await session(s.smtpPort);
    const r = await c.command('NOOP ' + 'a'.repeat(20_000));
    assert.equal(r?.code, 421);
    await c.closed;
  });
});

test('an idle connection is closed with 421 4.4.2', async () => {
  await withServer({ smtpIdleTimeout: 300 }, async (s) => {
    const c = await session(s.smtpPort);
    const r = await c.reply(3000);
    assert.equal(r?.code, 421);
    assert.match(r.text, /^4\.4\.2 /);
    await c.closed;
  });
});

test('a client trickling bytes is cut off at the session deadline with 421 4.4.2', async () => {
  await withServer({ smtpIdleTimeout: 400, smtpSessionTimeout: 1200 }, async (s) => {
    const c = await session(s.smtpPort);
    let closed = false;
    void c.closed.then(() => (closed = true));
    // One byte every 100 ms keeps the idle timer from ever firing.
    const trickle = 'NOOP trickling forever';
    let reply: Awaited<ReturnType<RawSmtp['reply']>> | undefined;
    const replyPromise = c.reply(5000).then((r) => (reply = r));
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- `closed` and `reply` are set by callbacks
    for (let i = 0; i < 40 && !closed && reply === undefined; i++) {
      c.send(trickle[i % trickle.length]!);
      await sleep(100); // the point of the test: a byte every 100 ms keeps the idle timer from firing
    }
    await replyPromise;
    assert.equal(reply?.code, 421);
    assert.match(reply.text, /4\.4\.2 .*session time limit/);
    await c.closed;
  });
});

test('disconnecting mid-DATA stores nothing, and the next client is served', async () => {
  await withServer({}, async (s) => {
    const c = await session(s.smtpPort);
    await c.command('MAIL FROM:<a@example.test>');
    await c.command('RCPT TO:<b@example.test>');
    await c.command('DATA');
    c.send('Subject: half\r\n\r\nonly half of the bo');
    await sleep(30); // a pause so the bytes can arrive first; an earlier cut is also a mid-DATA cut
    c.socket.resetAndDestroy();
    await c.closed;
    await assertNoOpenConnections(s);
    const reply = await sendRaw(s.smtpPort, 'a@example.test', ['b@example.test'], 'Subject: whole\r\n\r\nall of it\r\n');
    assert.equal(reply?.code, 250);
    const page = await list(s.url);
    assert.deepEqual(page.messages.map((m) => m.subject), ['whole']);
  });
});

test('a nodemailer client sees 552 as a rejected send, and nothing is stored', async () => {
  await withServer({ maxMessageSize: 5000 }, async (s) => {
    const t = smtpTransport(s.smtpPort);
    await assert.rejects(t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'big', text: 'y'.repeat(50_000) }), (err: Error & { responseCode?: number }) => err.responseCode === 552);
    assert.equal((await list(s.url)).total, 0);
  });
});
