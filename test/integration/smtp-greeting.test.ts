// smtp-server delays its 220 greeting by a hard-coded 100 ms; Mailroom must greet at once.
// This test fails if that delay comes back (e.g. after an smtp-server upgrade).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { RawSmtp } from '../helpers/smtp-client.js';
import type { Mailroom } from '../../server/start.js';
import { fileTeardown } from '../helpers/teardown.js';

let server: Mailroom;
const teardown = fileTeardown();
before(async () => {
  server = teardown.add(await startTestServer(), 'server');
});

test('the 220 greeting arrives without the 100 ms early-talker delay', async () => {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const c = await RawSmtp.open(server.smtpPort);
    const greeting = await c.reply();
    samples.push(performance.now() - t0);
    assert.equal(greeting?.code, 220);
    assert.match(greeting.text, /mailroom/);
    c.close();
  }
  // The delay, if present, is exactly 100 ms on every connection; the median is a robust bound.
  samples.sort((a, b) => a - b);
  assert.ok(samples[2]! < 80, `median greeting latency ${samples[2]!.toFixed(1)} ms suggests the 100 ms delay is back`);
});

test('EHLO advertises SIZE, PIPELINING, 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES and AUTH', async () => {
  const c = await RawSmtp.open(server.smtpPort);
  assert.equal((await c.reply())?.code, 220);
  const ehlo = await c.command('EHLO quick.test');
  assert.equal(ehlo?.code, 250);
  for (const ext of ['SIZE 26214400', 'PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'AUTH PLAIN LOGIN']) {
    assert.ok(ehlo.text.includes(ext), `EHLO advertises ${ext}: ${ehlo.text}`);
  }
  assert.ok(!ehlo.text.includes('STARTTLS'), 'no STARTTLS without a certificate by default');
  c.close();
});

test('STARTTLS is advertised with --smtp-starttls on', async () => {
  const s = await startTestServer({ smtpStarttls: 'on' });
  try {
    const c = await RawSmtp.open(s.smtpPort);
    await c.reply();
    assert.ok((await c.command('EHLO tls.test'))!.text.includes('STARTTLS'));
    assert.equal((await c.command('STARTTLS'))?.code, 220);
    c.close();
  } finally {
    await s.close();
  }
});
