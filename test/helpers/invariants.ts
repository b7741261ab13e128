// The checks every robustness case ends with: the server still serves a fresh client, no
// connection is left open, and nothing partial was stored.

import assert from 'node:assert/strict';
import { eventually } from './eventually.js';
import { randomUUID } from 'node:crypto';
import type { Mailroom } from '../../server/start.js';
import { RawSmtp, sendRaw } from './smtp-client.js';
import { getJson, raw } from './api.js';

/** Waits (bounded) until the server counts no open SMTP connection; asserts it gets there. */
export async function assertNoOpenConnections(s: Mailroom, timeoutMs = 5000): Promise<void> {
  await eventually(async () => {
    const info = (await getJson<{ smtp: { connections: number } }>(`${s.url}/api/info`)).body;
    assert.equal(info.smtp.connections, 0, 'SMTP connections still open');
    return true;
  }, { timeout: timeoutMs });
}

/**
 * A fresh client gets 220, EHLO 250 and NOOP 250, then delivers a message that is stored byte
 * for byte; the probe message is deleted again so callers can keep counting their own.
 */
export async function assertStillServes(s: Mailroom): Promise<void> {
  const c = await RawSmtp.open(s.smtpPort);
  try {
    assert.equal((await c.reply())?.code, 220);
    assert.equal((await c.command('EHLO probe.test'))?.code, 250);
    assert.equal((await c.command('NOOP'))?.code, 250);
  } finally {
    c.close();
  }
  const body = `Subject: probe ${randomUUID()}\r\n\r\nstill here\r\n`;
  const reply = await sendRaw(s.smtpPort, 'probe@example.test', ['probe@example.test'], body);
  assert.equal(reply?.code, 250, `probe delivery: ${JSON.stringify(reply)}`);
  const id = /queued as (\S+)/.exec(reply.text)![1]!;
  assert.equal((await raw(s.url, id)).toString('latin1'), body);
  assert.equal((await fetch(`${s.url}/api/messages/${id}`, { method: 'DELETE' })).status, 200);
  assert.equal((await fetch(`${s.url}/livez`)).status, 200);
}

/** Both of the above, plus the store holding exactly `expected` messages. */
export async function assertHealthy(s: Mailroom, expected: number): Promise<void> {
  await assertNoOpenConnections(s);
  assert.equal(s.store.stats().count, expected, 'stored message count');
  await assertStillServes(s);
  assert.equal(s.store.stats().count, expected, 'stored message count after the probe');
}
