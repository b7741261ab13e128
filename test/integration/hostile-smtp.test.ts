// SMTP smuggling and STARTTLS command injection, through a real socket. A line end other than
// CRLF before the dot must not end DATA (compare Postfix's smtpd_forbid_bare_newline), so the
// commands after it stay message content; a released copy must not smuggle them upstream
// either; and commands pipelined behind STARTTLS in plaintext must never run inside TLS.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, relayTo } from '../helpers/server.js';
import { RawSmtp, type Reply } from '../helpers/smtp-client.js';
import { assertHealthy } from '../helpers/invariants.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';

let s: Mailroom;
const teardown = fileTeardown();
before(async () => {
  s = teardown.add(await startTestServer(), 's');
});

const codeOf = (r: Reply | null) => r?.code ?? null;

/** What an attacker appends after a fake end of data: a whole second transaction. */
const SMUGGLED = 'MAIL FROM:<evil@example.test>\r\nRCPT TO:<victim@example.test>\r\nDATA\r\nSubject: smuggled\r\n\r\nforged\r\n';

/** Every fake terminator: a dot line whose line ends are not both CRLF. */
const FAKE_ENDS: Record<string, string> = {
  'bare LF dot bare LF': '\n.\n',
  'bare CR dot bare CR': '\r.\r',
  'CRLF dot bare LF': '\r\n.\n',
  'bare LF dot CRLF': '\n.\r\n',
  'bare CR dot CRLF': '\r.\r\n',
  'CRLF dot bare CR': '\r\n.\r',
};

async function openTransaction(port: number): Promise<RawSmtp> {
  const c = await RawSmtp.open(port);
  assert.equal(codeOf(await c.reply()), 220);
  assert.equal(codeOf(await c.command('EHLO smuggle.test')), 250);
  assert.equal(codeOf(await c.command('MAIL FROM:<a@example.test>')), 250);
  assert.equal(codeOf(await c.command('RCPT TO:<b@allowed.test>')), 250);
  assert.equal(codeOf(await c.command('DATA')), 354);
  return c;
}

/** Writes each chunk separately, waiting for it to leave, so a sequence can straddle segments. */
async function writeChunks(c: RawSmtp, chunks: string[]): Promise<void> {
  c.socket.setNoDelay(true);
  for (const chunk of chunks) await new Promise<void>((resolve, reject) => c.socket.write(chunk, 'latin1', (err) => (err ? reject(err) : resolve())));
}

/**
 * Sends body, the real terminator and a NOOP. A server that ended DATA early would answer the
 * smuggled MAIL, RCPT and DATA; this one must answer exactly 250 (the message) then 250 (NOOP).
 */
async function assertOneMessage(chunks: string[]): Promise<void> {
  const body = chunks.join('');
  const c = await openTransaction(s.smtpPort);
  try {
    await writeChunks(c, [...chunks.slice(0, -1), chunks.at(-1)! + '.\r\nNOOP\r\n']);
    const first = await c.reply();
    assert.equal(codeOf(first), 250, `end of data: ${JSON.stringify(first)}`);
    assert.match(first!.text, /queued as/);
    const second = await c.reply();
    assert.equal(codeOf(second), 250, `NOOP: ${JSON.stringify(second)}`);
    assert.doesNotMatch(second!.text, /queued as|Accepted/i, 'the reply after the message belongs to NOOP');
    const page = s.store.list({ limit: 5 });
    assert.equal(page.total, 1, 'exactly one message, no smuggled second one');
    assert.equal(s.store.readRaw(page.messages[0]!.id)!.toString('latin1'), body, 'stored byte for byte, fake terminator included');
  } finally {
    c.close();
    await fetch(`${s.url}/api/messages`, { method: 'DELETE' });
  }
}

for (const [name, fakeEnd] of Object.entries(FAKE_ENDS)) {
  test(`SMTP smuggling, ${name}: DATA does not end, the second transaction is content`, async () => {
    const head = 'Subject: smuggle\r\n\r\nbefore';
    await assertOneMessage([head + fakeEnd + SMUGGLED]);
    // The same bytes with a segment boundary at every position inside the fake terminator.
    for (let cut = 1; cut < fakeEnd.length; cut++) {
      await assertOneMessage([head + fakeEnd.slice(0, cut), fakeEnd.slice(cut) + SMUGGLED]);
    }
    await assertHealthy(s, 0);
  });
}

test('a smuggling message released upstream arrives there as one message, its fake ends made plain CRLF content', async () => {
  const upstream = await startTestServer({ smtpStarttls: 'on' });
  const relaying = await startTestServer(relayTo(upstream));
  try {
    const body = 'Subject: smuggle upstream\r\n\r\nbefore' + Object.values(FAKE_ENDS).map((end) => end + SMUGGLED).join('') + 'after\r\n';
    const c = await openTransaction(relaying.smtpPort);
    c.send(body + '.\r\n');
    const stored = await c.reply();
    c.close();
    const id = /queued as (\S+)/.exec(stored!.text)![1]!;
    const released = await fetch(`${relaying.url}/api/messages/${id}/release`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: ['b@allowed.test'] }),
    });
    assert.equal(released.status, 200, await released.clone().text());
    const page = upstream.store.list({ limit: 5 });
    assert.equal(page.total, 1, 'the upstream stored one message, not the smuggled ones');
    const text = upstream.store.readRaw(page.messages[0]!.id)!.toString('latin1');
    assert.equal(page.messages[0]!.view.subject, 'smuggle upstream');
    assert.equal(text.split('MAIL FROM:<evil@example.test>').length - 1, Object.keys(FAKE_ENDS).length, 'every smuggled command is content');
    assert.doesNotMatch(text, /\r(?!\n)|(?<!\r)\n/, 'only CRLF line ends went upstream');
  } finally {
    await relaying.close();
    await upstream.close();
  }
});

test('STARTTLS command injection: commands pipelined after STARTTLS in plaintext are discarded', async () => {
  const tls = await startTestServer({ smtpStarttls: 'on' });
  try {
    const plain = await RawSmtp.open(tls.smtpPort);
    assert.equal(codeOf(await plain.reply()), 220);
    assert.equal(codeOf(await plain.command('EHLO inject.test')), 250);
    // One write: STARTTLS, then a whole transaction an attacker on the path appended.
    plain.send('STARTTLS\r\nMAIL FROM:<evil@example.test>\r\nRCPT TO:<victim@example.test>\r\nDATA\r\nSubject: injected\r\n\r\nx\r\n.\r\n');
    assert.equal(codeOf(await plain.reply()), 220, 'ready to start TLS');
    const c = await plain.startTls({ servername: 'mailroom.test' });
    try {
      // A fresh session: EHLO is answered first, and there is no MAIL transaction to join.
      const ehlo = await c.command('EHLO inject.test');
      assert.equal(codeOf(ehlo), 250);
      assert.match(ehlo!.text, /AUTH|SIZE|8BITMIME/, 'the EHLO reply, not a leftover one');
      assert.equal(codeOf(await c.command('RCPT TO:<victim@example.test>')), 503, 'the injected MAIL FROM did not run');
      assert.equal(codeOf(await c.command('DATA')), 503);
      assert.equal(codeOf(await c.command('NOOP')), 250);
    } finally {
      c.close();
    }
    assert.equal(tls.store.stats().count, 0, 'nothing injected was stored');
    await assertHealthy(tls, 0);
  } finally {
    await tls.close();
  }
});
