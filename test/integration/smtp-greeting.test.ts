// smtp-server delays its 220 greeting by a hard-coded 100 ms; Mailroom must greet at once.
// This test fails if that delay comes back (e.g. after an smtp-server upgrade).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { RawSmtp } from '../helpers/smtp-client.js';
import type { Mailroom } from '../../server/start.js';

let server: Mailroom;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

test('the 220 greeting arrives without the 100 ms early-talker delay', async () => {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const c = await RawSmtp.open(server.smtpPort);
    const greeting = await c.reply();
    samples.push(performance.now() - t0);
    assert.equal(greeting?.code, 220);
    assert.match(greeting!.text, /mailroom/);
    c.close();
  }
  // The delay, if present, is exactly 100 ms on every connection; the median is a robust bound.
  samples.sort((a, b) => a - b);
  assert.ok(samples[2]! < 80, `median greeting latency ${samples[2]!.toFixed(1)} ms suggests the 100 ms delay is back`);
});

test('EHLO advertises SIZE, PIPELINING, 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES, STARTTLS and AUTH', async () => {
  const c = await RawSmtp.open(server.smtpPort);
  assert.equal((await c.reply())?.code, 220);
  const ehlo = await c.command('EHLO quick.test');
  assert.equal(ehlo?.code, 250);
  for (const ext of ['SIZE', 'PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'STARTTLS', 'AUTH PLAIN LOGIN']) {
    assert.ok(ehlo!.text.includes(ext), `EHLO advertises ${ext}: ${ehlo!.text}`);
  }
  c.close();
});
