// Structured logs from the real CLI: JSON lines (pino), one concise line per received message at
// info, and no per-request lines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCli } from '../helpers/cli-process.js';
import { sendRaw } from '../helpers/smtp-client.js';

const settle = () => new Promise((r) => setTimeout(r, 300)); // let the child flush its stdout

test('at info: one JSON line per received message with id, sender, recipients and size; none per HTTP request', async () => {
  const cli = await startCli([]);
  try {
    const reply = await sendRaw(cli.smtpPort, 'app@example.test', ['alice@example.test', 'bob@example.test'], 'Subject: log me\r\n\r\nhello');
    assert.equal(reply?.code, 250);
    const id = /queued as (\S+)/.exec(reply.text)![1];
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${cli.url}/api/messages`)).status, 200);
    await settle();
    const entries = cli.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const received = entries.filter((e) => e.msg === 'message received');
    assert.equal(received.length, 1);
    const e = received[0]!;
    assert.equal(e.level, 30);
    assert.equal(e.id, id);
    assert.equal(e.from, 'app@example.test');
    assert.deepEqual(e.to, ['alice@example.test', 'bob@example.test']);
    assert.equal(typeof e.size, 'number');
    assert.ok(!JSON.stringify(e).includes('hello'), 'no message content in the log');
    assert.ok(JSON.stringify(e).length < 400, 'concise');
    assert.ok(!entries.some((x) => x.req || x.res || x.msg === 'incoming request'), 'no per-request lines');
  } finally {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }
});
