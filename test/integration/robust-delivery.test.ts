// Delivery under hostile transport (security-and-limits 5.2 #8, #10, #11): thousands of
// recipients, abrupt disconnects at every phase, the end-of-data marker split at every offset
// and a message written one byte at a time. Nothing partial is stored; whole ones are exact.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer } from '../helpers/server.js';
import { RawSmtp } from '../helpers/smtp-client.js';
import { assertHealthy, assertNoOpenConnections } from '../helpers/invariants.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';

let s: Mailroom;
const teardown = fileTeardown();
before(async () => {
  s = teardown.add(await startTestServer(), 's');
});

async function inData(): Promise<RawSmtp> {
  const c = await RawSmtp.open(s.smtpPort);
  c.socket.setNoDelay(true);
  assert.equal((await c.reply())?.code, 220);
  assert.equal((await c.command('EHLO wire.test'))?.code, 250);
  assert.equal((await c.command('MAIL FROM:<a@example.test>'))?.code, 250);
  assert.equal((await c.command('RCPT TO:<b@example.test>'))?.code, 250);
  assert.equal((await c.command('DATA'))?.code, 354);
  return c;
}

const clear = () => fetch(`${s.url}/api/messages`, { method: 'DELETE' });

test('5,000 RCPT TO with duplicates: 250 while under 1,000 unique, then 452 4.5.3; the envelope keeps 1,000 unique', async () => {
  const c = await RawSmtp.open(s.smtpPort);
  await c.reply();
  await c.command('EHLO many.test');
  await c.command('MAIL FROM:<a@example.test>');
  let batch = '';
  // Every fifth recipient repeats an earlier one.
  for (let i = 0; i < 5000; i++) batch += `RCPT TO:<r${i % 5 === 4 ? i - 4 : i}@example.test>\r\n`;
  c.send(batch);
  const codes: number[] = [];
  for (let i = 0; i < 5000; i++) codes.push((await c.reply())!.code);
  const first452 = codes.indexOf(452);
  assert.ok(first452 > 1000, 'duplicates do not count against the limit');
  assert.ok(codes.slice(0, first452).every((x) => x === 250));
  assert.ok(codes.slice(first452).every((x) => x === 452 || x === 250));
  assert.equal((await c.command('DATA'))?.code, 354);
  const done = await c.command('Subject: crowd\r\n\r\nx\r\n.');
  assert.equal(done?.code, 250);
  c.close();
  const m = s.store.get(/queued as (\S+)/.exec(done.text)![1]!)!;
  assert.equal(m.envelope.rcptTo.length, 1000);
  assert.equal(new Set(m.envelope.rcptTo).size, 1000);
  await clear();
  await assertHealthy(s, 0);
});

test('RST during EHLO, after MAIL, after RCPT, FIN and RST mid-DATA: nothing stored, server unharmed', async () => {
  const phases: Array<(c: RawSmtp) => Promise<void>> = [
    async (c) => c.send('EHLO half-a-comm'),
    async (c) => {
      await c.command('EHLO x.test');
      await c.command('MAIL FROM:<a@example.test>');
    },
    async (c) => {
      await c.command('EHLO x.test');
      await c.command('MAIL FROM:<a@example.test>');
      await c.command('RCPT TO:<b@example.test>');
    },
  ];
  for (const phase of phases) {
    const c = await RawSmtp.open(s.smtpPort);
    await c.reply();
    await phase(c);
    await sleep(20); // a pause so the bytes can arrive first; earlier is an earlier cut, also covered
    c.socket.resetAndDestroy();
    await c.closed;
  }
  for (const how of ['fin', 'rst'] as const) {
    const c = await inData();
    c.send('Subject: half\r\n\r\nhalf a bo');
    await sleep(20); // a pause so the bytes can arrive first; earlier is an earlier cut, also covered
    if (how === 'fin') c.socket.end();
    else c.socket.resetAndDestroy();
    await c.closed;
  }
  await assertHealthy(s, 0);
});

test('RST right after the final dot, before reading 250: stored exactly once', async () => {
  const body = 'Subject: fire and forget\r\n\r\nbye\r\n';
  // (a) Reset only once the server has the message: it must be stored once, and writing the 250
  // into a reset socket must not hurt the server.
  const c = await inData();
  const seen = new Promise<void>((resolve) => {
    const off = s.bus.subscribe((e) => {
      if (e.type === 'message:new') {
        off();
        resolve();
      }
    });
  });
  c.send(body + '.\r\n');
  await seen;
  c.socket.resetAndDestroy();
  await c.closed;
  await assertNoOpenConnections(s); // the server has seen the reset
  assert.equal(s.store.stats().count, 1, 'stored exactly once');
  // (b) Reset immediately after writing: either stored whole or not at all, never partial.
  const d = await inData();
  d.send(body + '.\r\n');
  d.socket.resetAndDestroy();
  await d.closed;
  await assertNoOpenConnections(s); // the server has finished with the reset connection
  const raws = s.store.list({ limit: 10 }).messages.map((m) => s.store.readRaw(m.id)!.toString('latin1'));
  assert.ok(raws.length === 1 || raws.length === 2, `stored ${raws.length}`); // (a) once, (b) whole or not at all
  for (const r of raws) assert.equal(r, body);
  await clear();
  await assertHealthy(s, 0);
});

test('"\\r\\n.\\r\\n" split at every byte offset, and ".." split across writes: identical stored bytes', async () => {
  const body = 'Subject: split\r\n\r\n..leading dot line\r\nlast line';
  const stored = 'Subject: split\r\n\r\n.leading dot line\r\nlast line\r\n';
  const wire = Buffer.from(body + '\r\n.\r\n');
  const end = wire.length - 5; // where "\r\n.\r\n" starts
  const cuts = [0, 1, 2, 3, 4].map((k) => end + k).concat([body.indexOf('..') + 1]);
  for (const cut of cuts) {
    const c = await inData();
    c.send(wire.subarray(0, cut));
    await sleep(15); // separate TCP segments
    c.send(wire.subarray(cut));
    const r = await c.reply();
    assert.equal(r?.code, 250, `cut at ${cut}`);
    c.close();
    const raw = s.store.readRaw(/queued as (\S+)/.exec(r.text)![1]!)!;
    assert.equal(raw.toString('latin1'), stored, `cut at ${cut}`);
  }
  assert.equal(s.store.stats().count, cuts.length);
  await clear();
  await assertHealthy(s, 0);
});

test('a whole session written one byte per write stores the same bytes', async () => {
  const body = 'Subject: byte by byte\r\nFrom: <a@example.test>\r\n\r\n.dot\r\nline two\r\n';
  const wire = `EHLO slow.test\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n${body.replace(/(^|\r\n)\./g, '$1..')}.\r\nQUIT\r\n`;
  const c = await RawSmtp.open(s.smtpPort);
  c.socket.setNoDelay(true);
  for (const ch of wire) {
    c.send(ch);
    await sleep(1); // the point of the test: one byte per segment
  }
  const codes: Array<number | undefined> = [];
  for (let i = 0; i < 7; i++) codes.push((await c.reply())?.code);
  assert.deepEqual(codes, [220, 250, 250, 250, 354, 250, 221]);
  await c.closed;
  assert.equal(s.store.readRaw(s.store.list({ limit: 1 }).messages[0]!.id)!.toString('latin1'), body);
  await clear();
  await assertHealthy(s, 0);
});
