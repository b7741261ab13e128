// The CLI subcommands as shells and CI run them (dist/, built by `npm test`): wait, send, ingest,
// export, and the generated help, against a real server.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMailroom } from '../../server/in-process.js';
import { smtpTransport } from '../helpers/mail.js';
import { fileTeardown } from '../helpers/teardown.js';

const cli = fileURLToPath(new URL('../../dist/server/cli.js', import.meta.url));
const teardown = fileTeardown();
const mr = teardown.add(await startMailroom(), 'mr');
const smtpArg = `127.0.0.1:${mr.smtpPort}`;
const tmp = await mkdtemp(join(tmpdir(), 'mailroom-cli-'));
after(() => rm(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `input` goes to stdin. */
function run(args: string[], input?: string | Buffer, env: Record<string, string> = {}): Promise<Run> & { child: ReturnType<typeof spawn> } {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  const done = new Promise<Run>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return Object.assign(done, { child });
}

test('help: the top level lists the commands; each command has its own help', async () => {
  const top = await run(['--help']);
  assert.equal(top.code, 0);
  for (const c of ['serve', 'wait', 'send', 'ingest', 'export']) assert.match(top.stdout, new RegExp(`^  ${c} `, 'm'));
  assert.match(top.stdout, /--max-wait <value>\s+\(MAILROOM_MAX_WAIT, default: 5m\)/);
  const helps = await Promise.all(['wait', 'send', 'ingest', 'export'].map((c) => run([c, '--help'])));
  for (const [i, c] of ['wait', 'send', 'ingest', 'export'].entries()) {
    const h = helps[i]!;
    assert.equal(h.code, 0);
    assert.match(h.stdout, new RegExp(`^Usage: mailroom ${c} `, 'm'));
  }
  const bad = await run(['wait', '--bogus']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /mailroom wait: unknown option --bogus/);
});

test('wait: prints the message JSON and exits 0 when it arrives; --marker and --since', async () => {
  const marker = await run(['wait', '--marker', '--url', mr.url]);
  assert.equal(marker.code, 0);
  const since = marker.stdout.trim();
  assert.match(since, /^[0-9a-z]+$/);
  const waiting = run(['wait', '--url', mr.url, '--since', since, '--query', 'cli-wait-subject', '--timeout', '10s']);
  await smtpTransport(mr.smtpPort).sendMail({ from: 'app@example.test', to: 'alice@example.test', subject: 'cli-wait-subject', text: 'Link: https://x.example.test/a' });
  const r = await waiting;
  assert.equal(r.code, 0, r.stderr);
  const m = JSON.parse(r.stdout) as { subject: string; text: string };
  assert.equal(m.subject, 'cli-wait-subject');
  assert.match(m.text, /https:\/\/x\.example\.test\/a/);
  const two = await run(['wait', '--url', mr.url, 'cli-wait-subject', '--count', '1', '-t', '2s']);
  assert.equal(two.code, 0);
  assert.equal((JSON.parse(two.stdout) as unknown[]).length, 1);
});

test('wait: exits 1 with a clear message on timeout, 3 when the server is unreachable, 2 on a bad duration', async () => {
  const since = (await mr.client.marker());
  const t = await run(['wait', '--url', mr.url, '--since', since, '-q', 'to-nobody-at-all', '--timeout', '300ms']);
  assert.equal(t.code, 1);
  assert.equal(t.stdout, '');
  assert.match(t.stderr, /^mailroom wait: no message matching `to-nobody-at-all` within 300 ms; 0 messages arrived meanwhile\n$/);
  const u = await run(['wait', '--url', 'http://127.0.0.1:9', '--timeout', '1s']);
  assert.equal(u.code, 3);
  assert.match(u.stderr, /cannot reach Mailroom at http:\/\/127\.0\.0\.1:9/);
  const d = await run(['wait', '--timeout', 'soon']);
  assert.equal(d.code, 2);
  assert.match(d.stderr, /invalid value "soon" for --timeout/);
});

test('send: sendmail-style -t -oi -f reads stdin, keeps the Bcc in the envelope only, dot lines survive', async () => {
  const since = await mr.client.marker();
  const input = 'To: Alice <alice@example.test>\nCc: carol@example.test\nBcc: hidden@example.test\nSubject: via sendmail\n\n.starts with a dot\n.\nend\n';
  const r = await run(['send', '-t', '-oi', '-f', 'bounce@example.test', '--smtp', smtpArg], input);
  assert.equal(r.code, 0, r.stderr);
  const m = await mr.client.waitForMessage('via sendmail', { since, timeout: 5000 });
  assert.equal(m.envelope.mailFrom, 'bounce@example.test');
  assert.deepEqual([...m.envelope.rcptTo].sort(), ['alice@example.test', 'carol@example.test', 'hidden@example.test']);
  assert.deepEqual(m.bcc.map((a) => a.address), ['hidden@example.test']);
  const raw = (await mr.client.raw(m.id)).toString();
  assert.doesNotMatch(raw, /^Bcc:/im);
  assert.equal(m.text, '.starts with a dot\n.\nend\n');
});

test('send: positional recipients, -fsender attached, From added with -F when missing', async () => {
  const since = await mr.client.marker();
  const r = await run(['send', '-fapp@example.test', '-F', 'The App', '-i', '--smtp', smtpArg, 'x@example.test', 'y@example.test'], 'Subject: positional\n\nbody\n');
  assert.equal(r.code, 0, r.stderr);
  const m = await mr.client.waitForMessage('positional', { since, timeout: 5000 });
  assert.deepEqual(m.envelope.rcptTo, ['x@example.test', 'y@example.test']);
  assert.deepEqual(m.from, { name: 'The App', address: 'app@example.test' });
});

test('send: sysexits for no recipients (64), empty input (65), refused (69), unreachable (75)', async () => {
  assert.equal((await run(['send', '--smtp', smtpArg], 'Subject: x\n\ny\n')).code, 64);
  assert.equal((await run(['send', '--smtp', smtpArg, 'a@example.test'], '')).code, 65);
  const small = await startMailroom({ maxMessageSize: 200 });
  try {
    const refused = await run(['send', '--smtp', `127.0.0.1:${small.smtpPort}`, 'a@example.test'], 'Subject: big\n\n' + 'x'.repeat(2000) + '\n');
    assert.equal(refused.code, 69);
    assert.match(refused.stderr, /552/);
  } finally {
    await small.close();
  }
  const down = await run(['send', '--smtp', '127.0.0.1:9', 'a@example.test'], 'Subject: x\n\ny\n');
  assert.equal(down.code, 75);
  assert.match(down.stderr, /cannot connect to SMTP 127\.0\.0\.1:9/);
});

test('ingest: .eml files and an mbox from a directory tree, envelope from headers or the From_ line', async () => {
  await mr.client.deleteAll();
  const dir = join(tmp, 'in');
  await mkdir(join(dir, 'nested'), { recursive: true });
  await writeFile(join(dir, 'nested', 'one.eml'), 'From: a@example.test\r\nTo: b@example.test\r\nSubject: ingest-eml\r\n\r\nhello\r\n');
  await writeFile(join(dir, 'notes.txt'), 'not mail, skipped');
  await writeFile(
    join(dir, 'archive.mbox'),
    'From sender@example.test Thu Jan  1 00:00:00 2026\nFrom: s@example.test\nTo: r1@example.test\nSubject: ingest-mbox 1\n\n>From escaped\n\nFrom sender@example.test Thu Jan  1 00:00:01 2026\nFrom: s@example.test\nSubject: ingest-mbox 2\n\nno recipients in headers\n',
  );
  const r = await run(['ingest', '--smtp', smtpArg, dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /3 loaded, 0 refused \(2\/2 files\)/);
  const all = (await mr.client.list()).messages;
  assert.deepEqual(all.map((m) => m.subject).sort(), ['ingest-eml', 'ingest-mbox 1', 'ingest-mbox 2']);
  const m1 = await mr.client.get(all.find((m) => m.subject === 'ingest-mbox 1')!.id);
  assert.equal(m1.envelope.mailFrom, 'sender@example.test');
  assert.equal(m1.text, 'From escaped\n');
  const m2 = await mr.client.get(all.find((m) => m.subject === 'ingest-mbox 2')!.id);
  assert.deepEqual(m2.envelope.rcptTo, ['undisclosed-recipients@mailroom.invalid']);
});

test('ingest: a refused message is named and the rest still load (exit 1); missing path is usage (2)', async () => {
  const small = await startMailroom({ maxMessageSize: 300 });
  try {
    const dir = join(tmp, 'mixed');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'a-small.eml'), 'To: b@example.test\nSubject: small\n\nok\n');
    await writeFile(join(dir, 'b-big.eml'), 'To: b@example.test\nSubject: big\n\n' + 'x'.repeat(1000) + '\n');
    await writeFile(join(dir, 'c-small.eml'), 'To: b@example.test\nSubject: small 2\n\nok\n');
    const r = await run(['ingest', '--smtp', `127.0.0.1:${small.smtpPort}`, dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /b-big\.eml: message refused: 552/);
    assert.match(r.stderr, /2 loaded, 1 refused/);
    assert.equal((await small.client.list()).total, 2);
  } finally {
    await small.close();
  }
  const missing = await run(['ingest', '--smtp', smtpArg, join(tmp, 'does-not-exist')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /ENOENT/);
});

test('export: every message as .eml with its exact bytes, safe names, never overwriting', async () => {
  await mr.client.deleteAll();
  const t = smtpTransport(mr.smtpPort);
  await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: '../../escape/attempt', text: 'one' });
  await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'Ünïcödé / slashes \\ and : colons', text: 'two' });
  const out = join(tmp, 'export', 'here');
  const r = await run(['export', '--url', mr.url, out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /2 written, 0 already there/);
  const files = (await readdir(out)).sort();
  assert.equal(files.length, 2);
  for (const f of files) assert.match(f, /^\d{8}-\d{6}Z-[A-Za-z0-9_-]{16}-[a-z0-9-]+\.eml$/);
  assert.deepEqual(await readdir(join(tmp, 'export')), ['here'], 'nothing written beside the target');
  for (const m of (await mr.client.list()).messages) {
    const f = files.find((x) => x.includes(m.id))!;
    assert.deepEqual(await readFile(join(out, f)), await mr.client.raw(m.id));
  }
  const again = await run(['export', '--url', mr.url, out]);
  assert.match(again.stderr, /0 written, 2 already there/);
  const filtered = await run(['export', '--url', mr.url, '--query', 'escape', join(tmp, 'export', 'q')]);
  assert.match(filtered.stderr, /1 written/);
});

test('export never writes outside its directory: hostile subjects over SMTP, hostile ids from a rogue server', async () => {
  // Over real SMTP: subjects that decode to absolute paths, NUL, CR/LF and the RTL override.
  await mr.client.deleteAll();
  const t = smtpTransport(mr.smtpPort);
  const subjects = ['/etc/passwd', '..\\..\\windows\\win.ini', 'nul\u0000byte', 'crlf\r\nX-Injected: 1', 'evil\u202Etxt.exe', '..', '.hidden'];
  for (const subject of subjects) await t.sendMail({ from: 'a@example.test', to: 'b@example.test', subject, text: subject });
  const out = join(tmp, 'export-hostile', 'smtp');
  assert.equal((await run(['export', '--url', mr.url, out])).code, 0);
  const files = await readdir(out);
  assert.equal(files.length, subjects.length);
  for (const f of files) assert.match(f, /^\d{8}-\d{6}Z-[A-Za-z0-9_-]+(-[a-z0-9-]+)?\.eml$/, f);
  // A rogue server (export --url is the user's choice, its answers are not): ids built to escape.
  const ids = ['../../../escaped', '/tmp/absolute-escape', '..', 'a\u0000b', '..%2F..%2Fescaped', 'C:\\escaped'];
  const rogue = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.setHeader('content-type', path.endsWith('/raw') ? 'message/rfc822' : 'application/json');
    if (path === '/api/messages') {
      const messages = ids.map((id, i) => ({ id, receivedAt: `2026-01-0${i + 1}T00:00:00.000Z`, subject: '../../subject', from: null, to: [], size: 5 }));
      return res.end(JSON.stringify({ messages, total: ids.length, unread: 0, nextCursor: null }));
    }
    res.end('Subject: rogue\r\n\r\nx\r\n');
  });
  await new Promise<void>((r) => rogue.listen(0, '127.0.0.1', r));
  try {
    const base = join(tmp, 'export-hostile', 'rogue');
    const target = join(base, 'inside');
    const r = await run(['export', '--url', `http://127.0.0.1:${(rogue.address() as AddressInfo).port}`, target]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await readdir(base), ['inside'], 'nothing written beside the target');
    const written = await readdir(target);
    assert.equal(written.length, ids.length);
    for (const f of written) assert.match(f, /^[A-Za-z0-9._-]+\.eml$/, f);
    await assert.rejects(readFile('/tmp/absolute-escape.eml'));
  } finally {
    rogue.closeAllConnections();
    await new Promise((r) => rogue.close(r));
  }
});

test('non-ASCII everywhere: send -t keeps UTF-8 addresses as UTF-8 in the envelope, ingest reads a non-ASCII file, wait finds a non-ASCII subject', async () => {
  await mr.client.deleteAll();
  // send -t: To with a UTF-8 address and name, a UTF-8 subject; the envelope must match the header
  const input = 'From: Zoë <zoë@absender.test>\nTo: Jürgen <jürgen@x.test>, anna@x.test\nSubject: Grüße aus Köln\n\nHallo\n';
  const sent = await run(['send', '-t', '--smtp', smtpArg], Buffer.from(input, 'utf8'));
  assert.equal(sent.code, 0, sent.stderr);
  const m = await mr.client.waitForMessage('subject:Grüße', { timeout: 5000 });
  assert.equal(m.subject, 'Grüße aus Köln');
  assert.equal(m.envelope.mailFrom, 'zoë@absender.test');
  assert.deepEqual([...m.envelope.rcptTo].sort(), ['anna@x.test', 'jürgen@x.test']);
  assert.deepEqual(m.bcc, [], 'no bogus Bcc: the envelope matches the header');
  assert.deepEqual(m.to.map((a) => [a.name, a.address]), [['Jürgen', 'jürgen@x.test'], ['', 'anna@x.test']]);

  // ingest: a file whose name and addresses are not ASCII
  const dir = join(tmp, 'ünïcode-in');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'Grüße – 東京.eml'), Buffer.from('From: Ósk <ósk@dæmi.test>\r\nTo: Søren <søren@dæmi.test>\r\nSubject: Velkommen på Øresund\r\n\r\nhej\r\n', 'utf8'));
  const ingested = await run(['ingest', '--smtp', smtpArg, dir]);
  assert.equal(ingested.code, 0, ingested.stderr);
  const i = await mr.client.waitForMessage('subject:Øresund', { timeout: 5000 });
  assert.equal(i.envelope.mailFrom, 'ósk@dæmi.test');
  assert.deepEqual(i.envelope.rcptTo, ['søren@dæmi.test']);
  assert.deepEqual(i.bcc, []);

  // wait: a non-ASCII query on the command line
  const waited = await run(['wait', '--url', mr.url, '--query', 'to:søren@dæmi.test subject:"på Øresund"', '--timeout', '5s']);
  assert.equal(waited.code, 0, waited.stderr);
  assert.equal((JSON.parse(waited.stdout) as { subject: string }).subject, 'Velkommen på Øresund');
});
