// The in-flight byte budget: message data held across connections at once is bounded; beyond it
// senders get transient 452/451 4.3.1 replies, nothing partial is stored, and the budget frees up.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer } from '../helpers/server.js';
import { RawSmtp } from '../helpers/smtp-client.js';
import { assertHealthy } from '../helpers/invariants.js';
import { getJson } from '../helpers/api.js';
import type { Mailroom } from '../../server/start.js';

const KiB = 1024;

/** The server's in-flight message bytes (/api/info). */
const inFlight = async (s: Mailroom) => (await getJson<{ smtp: { inFlightBytes: number } }>(`${s.url}/api/info`)).body.smtp.inFlightBytes;

async function inData(port: number): Promise<RawSmtp> {
  const c = await RawSmtp.open(port);
  await c.reply();
  await c.command('EHLO budget.test');
  assert.equal((await c.command('MAIL FROM:<a@example.test>'))?.code, 250);
  assert.equal((await c.command('RCPT TO:<b@example.test>'))?.code, 250);
  assert.equal((await c.command('DATA'))?.code, 354);
  return c;
}

const chunk = (kib: number, tag: string) => `X-${tag}: ${'x'.repeat(kib * KiB - 6 - tag.length)}\r\n`;

test('messages over the in-flight budget get 451 4.3.1, MAIL gets 452 4.3.1 while it is spent, and it frees up', async () => {
  const s = await startTestServer({ maxMessageSize: 100 * KiB, maxInFlightBytes: 100 * KiB });
  try {
    const a = await inData(s.smtpPort);
    a.send('Subject: a\r\n' + chunk(60, 'A'));
    const b = await inData(s.smtpPort);
    b.send('Subject: b\r\n' + chunk(60, 'B')); // 60 + 60 KiB > 100 KiB: b's data is dropped as it arrives
    await eventually(async () => (await inFlight(s)) >= 60 * KiB, { what: "a's 60 KiB to be held in flight" });
    // While a holds 60 KiB, a sender declaring 50 KiB is told to come back later.
    const c = await RawSmtp.open(s.smtpPort);
    await c.reply();
    await c.command('EHLO budget.test');
    const busy = await c.command(`MAIL FROM:<c@example.test> SIZE=${50 * KiB}`);
    assert.equal(busy?.code, 452);
    assert.match(busy.text, /4\.3\.1/);
    b.send('\r\n.\r\n');
    const bReply = await b.reply();
    assert.equal(bReply?.code, 451);
    assert.match(bReply.text, /4\.3\.1/);
    a.send('\r\n.\r\n');
    assert.equal((await a.reply())?.code, 250);
    // Budget released: the refused sender retries and succeeds.
    assert.equal((await c.command(`MAIL FROM:<c@example.test> SIZE=${50 * KiB}`))?.code, 250);
    await c.command('RCPT TO:<b@example.test>');
    await c.command('DATA');
    assert.equal((await c.command('Subject: c\r\n' + chunk(50, 'C') + '.'))?.code, 250);
    for (const x of [a, b, c]) x.close();
    const subjects = s.store.list({ limit: 10 }).messages.map((m) => m.view.subject).sort();
    assert.deepEqual(subjects, ['a', 'c'], 'the refused message left nothing behind');
    const info = (await getJson<{ smtp: { rejectedBusy: number } }>(`${s.url}/api/info`)).body;
    assert.equal(info.smtp.rejectedBusy, 2);
    await assertHealthy(s, 2);
  } finally {
    await s.close();
  }
});

test('a client that vanishes mid-DATA gives its reservation back', async () => {
  const s = await startTestServer({ maxMessageSize: 100 * KiB, maxInFlightBytes: 100 * KiB });
  try {
    for (let i = 0; i < 3; i++) {
      const a = await inData(s.smtpPort);
      a.send('Subject: gone\r\n' + chunk(90, 'G'));
      await sleep(50); // a pause so the bytes arrive first; an earlier cut leaks nothing either
      a.socket.resetAndDestroy();
      await a.closed;
    }
    await eventually(async () => (await inFlight(s)) === 0, { what: 'the reset messages to release their bytes' });
    // Were any of the 90 KiB reservations leaked, this 90 KiB message would be refused.
    const b = await inData(s.smtpPort);
    assert.equal((await b.command('Subject: fits\r\n' + chunk(90, 'F') + '.'))?.code, 250);
    b.close();
    await assertHealthy(s, 1);
  } finally {
    await s.close();
  }
});
