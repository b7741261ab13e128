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

test('the use cases in process: SMTP mail is listed and awaited, appended mail is served over HTTP, errors are DomainErrors', async () => {
  const { startMailroom, DomainError } = await import('../../server/index.js');
  const { smtpTransport } = await import('../helpers/mail.js');
  const server = await startMailroom();
  try {
    const marker = await server.useCases.marker();
    const waiting = server.useCases.waitFor({ query: 'subject:"over smtp"', since: marker, timeoutMs: 10_000 });
    const transport = smtpTransport(server.smtpPort);
    await transport.sendMail({ from: 'app@example.test', to: 'alice@example.test', subject: 'over smtp', text: 'hello' });
    transport.close();
    const result = await waiting;
    assert.equal(result.status, 'matched');
    const page = await server.useCases.listMessages({ limit: 10, query: 'to:alice@example.test' });
    assert.deepEqual(page.messages.map((m) => m.view.subject), ['over smtp']);

    const raw = Buffer.from('From: a@example.test\r\nTo: b@example.test\r\nSubject: appended\r\n\r\nbody\r\n');
    const appended = await server.useCases.appendMessage(raw, { mailFrom: 'a@example.test', rcptTo: ['b@example.test'], remoteAddress: '127.0.0.1', heloName: '', authUser: null, secure: false });
    const res = await fetch(`${server.url}/api/messages/${appended.id}/raw`);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), raw);

    await assert.rejects(server.useCases.getMessage('nope'), (err: unknown) => err instanceof DomainError && err.kind === 'not-found' && /message nope not found/.test(err.message));
    await assert.rejects(server.useCases.listMessages({ limit: 10, query: 'before:' }), (err: unknown) => err instanceof DomainError && err.kind === 'invalid' && err.code === 'invalid_query');
  } finally {
    await server.close();
  }
});
