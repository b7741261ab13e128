// startMailroom() as a test runner uses it: the package entry ('mailroom-server'), several instances in
// one process, and close() that leaves no handle open (the child process must exit by itself).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Runs in a child through the built package exports; it never calls process.exit.
const script = `
import { startMailroom } from 'mailroom-server';
import { createClient, code } from 'mailroom-server/client';
import nodemailer from 'nodemailer';
const a = await startMailroom();
const b = await startMailroom();
if (a.smtpPort === b.smtpPort || a.httpPort === b.httpPort) throw new Error('ports collide');
const since = await a.client.marker();
const t = nodemailer.createTransport({ host: '127.0.0.1', port: a.smtpPort, ignoreTLS: true });
await t.sendMail({ from: 'app@example.test', to: 'alice@example.test', subject: 'in-process', text: 'Your code is 5512' });
t.close();
const m = await createClient(a.url).waitForMessage('in-process', { since, timeout: 5000 });
const other = await b.client.list();
await Promise.all([a.close(), b.close()]);
await a.close(); // idempotent
console.log(JSON.stringify({ subject: m.subject, code: code(m), otherTotal: other.total }));
`;

test('two in-process servers, a message, close(): the process exits on its own', async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  // A leaked handle would keep the child alive forever; give up (and fail) after a generous bound.
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000); // a deadline, not a wait
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  assert.equal(signal, null, `child had to be killed: open handles kept it alive. stderr: ${err}`);
  assert.equal(code, 0, err);
  assert.deepEqual(JSON.parse(out), { subject: 'in-process', code: '5512', otherTotal: 0 });
});
