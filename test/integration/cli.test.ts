// The real CLI as users run it (dist/, built by `npm test`): --help, bad values, start, SIGTERM.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sendRaw } from '../helpers/smtp-client.js';

const cli = fileURLToPath(new URL('../../dist/server/cli.js', import.meta.url));

test('--help prints every option and exits 0', () => {
  const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /--smtp <value>\s+\(MAILROOM_SMTP, default: 127\.0\.0\.1:1025\)/);
  assert.match(r.stdout, /--listen <value>\s+\(MAILROOM_LISTEN, default: 127\.0\.0\.1:8025\)/);
});

test('a bad value exits 2 with a message naming the option', () => {
  const r = spawnSync(process.execPath, [cli, '--max-message-size', 'huge'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /mailroom: invalid value "huge" for --max-message-size/);
  const env = spawnSync(process.execPath, [cli], { encoding: 'utf8', env: { ...process.env, MAILROOM_SMTP: 'nowhere' } });
  assert.equal(env.status, 2);
  assert.match(env.stderr, /MAILROOM_SMTP/);
});

test('starts from flags and env, captures mail, logs one line per message, stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [cli, '--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0', '--quiet'], {
    env: { ...process.env, MAILROOM_MAX_MESSAGES: '5' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  try {
    const ready = await new Promise<{ smtp: string; http: string }>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ready line; output: ${out}`)), 10_000); // a deadline, not a wait
      child.stdout.on('data', () => {
        const line = out.split('\n').find((l) => l.includes('"mailroom ready"'));
        if (line) {
          clearTimeout(t);
          resolve(JSON.parse(line));
        }
      });
    });
    const smtpPort = Number(ready.smtp.split(':').pop());
    const r = await sendRaw(smtpPort, 'a@example.test', ['b@example.test'], 'Subject: via cli\r\n\r\nhello\r\n');
    assert.equal(r?.code, 250);
    const info = (await (await fetch(`${ready.http}/api/info`)).json()) as { limits: { maxMessages: number }; messages: { count: number } };
    assert.equal(info.limits.maxMessages, 5, 'env var applied');
    assert.equal(info.messages.count, 1);
    const received = out.split('\n').filter((l) => l.includes('"message received"'));
    assert.equal(received.length, 1);
    assert.equal(out.split('\n').filter((l) => l.includes('"incoming request"')).length, 0, 'no per-request noise');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    child.kill('SIGKILL');
  }
});
