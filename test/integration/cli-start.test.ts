// The first minute on the command line: a short banner with everything an app needs instead of
// JSON log lines (--quiet drops it), and start-up errors as one line naming the option, the value
// and the fix, with exit code 2 for usage errors and never a stack trace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readyLine, stopProcess } from '../helpers/cli-process.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { testTls } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const cli = fileURLToPath(new URL('../../dist/server/cli.js', import.meta.url));
const teardown = fileTeardown();
const dir = mkdtempSync(join(tmpdir(), 'mailroom-cli-start-'));
teardown.defer('temp dir', () => rmSync(dir, { recursive: true, force: true }));

function startCliProcess(args: string[]) {
  const child = spawn(process.execPath, [cli, '--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  teardown.defer('mailroom', () => stopProcess(child));
  return child;
}

/** Runs the CLI to its end; resolves with its exit code and output. */
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('a default start prints the banner: SMTP address, inbox URL, where mail is kept, the app settings; no JSON', async () => {
  const child = startCliProcess([]);
  const lines: string[] = [];
  const banner = await new Promise<string[]>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${lines.join('\n')}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('Ctrl+C')) resolve(lines);
    });
  });
  const text = banner.join('\n');
  const smtp = /^ {2}SMTP {3}127\.0\.0\.1:(\d+)$/m.exec(text);
  const inbox = /^ {2}Inbox {2}(http:\/\/127\.0\.0\.1:\d+)$/m.exec(text);
  assert.ok(smtp && inbox, text);
  assert.match(text, /^Mailroom \d+\.\d+\.\d+ is catching mail in memory \(up to 10,000 messages\)$/m);
  assert.match(text, new RegExp(`^ {2}Apps {3}SMTP_HOST=127\\.0\\.0\\.1 SMTP_PORT=${smtp[1]} \\(no auth\\)$`, 'm'));
  assert.ok(banner.length <= 6, 'short');
  assert.ok(!banner.some((l) => l.startsWith('{')), `no JSON log lines: ${text}`);
  // The addresses are the real ones.
  await sendRaw(Number(smtp[1]), 'app@example.test', ['dev@example.test'], 'Subject: banner\r\n\r\nhi\r\n');
  const list = (await (await fetch(`${inbox[1]}/api/messages`)).json()) as { messages: Array<{ subject: string }> };
  assert.equal(list.messages[0]?.subject, 'banner');
});

test('--data-dir shows where mail is kept; --quiet drops the banner and logs the ready line instead', async () => {
  const data = join(dir, 'data');
  const child = startCliProcess(['--data-dir', data, '--quiet']);
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const ready = await readyLine(child);
  assert.ok(ready.smtpPort > 0);
  assert.doesNotMatch(stdout, /catching mail/);
  assert.equal(ready.lines.length, 1, 'only the ready line');
  assert.equal((JSON.parse(ready.lines[0]!) as { dataDir: string }).dataDir, data);

  const shown = startCliProcess(['--data-dir', join(dir, 'shown')]);
  const first = await new Promise<string>((resolve) => createInterface({ input: shown.stdout }).once('line', resolve));
  assert.equal(first.replace(/\d+\.\d+\.\d+/, 'X'), `Mailroom X is catching mail in ${join(dir, 'shown')} (kept across restarts)`);
});

test('a port in use: one line naming the flag, the address and a free alternative; exit 1', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  teardown.defer('blocker', () => new Promise((resolve) => blocker.close(resolve)));
  const port = (blocker.address() as AddressInfo).port;
  for (const flag of ['--smtp', '--listen']) {
    const other = flag === '--smtp' ? '--listen' : '--smtp';
    const r = await runCli([flag, `127.0.0.1:${port}`, other, '127.0.0.1:0']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^mailroom: ${flag} 127\\.0\\.0\\.1:${port}: the port is in use \\(another mail catcher running\\?\\); pick another, e\\.g\\. ${flag} 127\\.0\\.0\\.1:\\d+\\n$`));
  }
});

test('usage errors at start: one line, exit 2, no stack trace', async () => {
  const tls = await testTls();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const notPem = join(dir, 'not.pem');
  writeFileSync(cert, tls.cert);
  writeFileSync(key, tls.key);
  writeFileSync(notPem, 'hello\n');
  const other = await testTlsOtherKey();
  const cases: Array<[string[], RegExp]> = [
    [['--bogus', 'x'], /^mailroom: unknown option --bogus \(see --help\)$/],
    [['--max-messages', 'lots'], /^mailroom: invalid value "lots" for --max-messages: expected a whole number$/],
    [['--smtp-tls-cert', '/nonexistent/cert.pem', '--smtp-tls-key', key], /^mailroom: --smtp-tls-cert \/nonexistent\/cert\.pem: cannot read it \(no such file\); give a readable PEM certificate file$/],
    [['--smtp-tls-cert', cert, '--smtp-tls-key', '/nonexistent/key.pem'], /^mailroom: --smtp-tls-key \/nonexistent\/key\.pem: cannot read it \(no such file\); give a readable PEM private key file$/],
    [['--smtp-tls-cert', notPem, '--smtp-tls-key', key], /^mailroom: --smtp-tls-cert .*not\.pem: not a PEM certificate/],
    [['--smtp-tls-cert', cert, '--smtp-tls-key', notPem], /^mailroom: --smtp-tls-key .*not\.pem: not a PEM private key/],
    [['--smtp-tls-cert', cert, '--smtp-tls-key', other], /^mailroom: --smtp-tls-cert .* and --smtp-tls-key .* do not work together/],
    [['--ui-tls-cert', '/nonexistent/ui.pem', '--ui-tls-key', key], /^mailroom: --ui-tls-cert \/nonexistent\/ui\.pem: cannot read it \(no such file\)/],
    [['--ui-tls-cert', cert, '--ui-tls-key', dir], /^mailroom: --ui-tls-key .*: cannot read it \(it is a directory\)/],
    [['--listen', '10.255.255.1:0'], /^mailroom: --listen 10\.255\.255\.1:0: this machine has no address 10\.255\.255\.1; use 127\.0\.0\.1/],
  ];
  // All at once: each is a separate process that exits by itself.
  const results = await Promise.all(cases.map(([args]) => runCli(['--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0', ...args])));
  for (const [i, [args, expected]] of cases.entries()) {
    const r = results[i]!;
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0]!, expected);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

/** A private key that does not belong to the test certificate. */
async function testTlsOtherKey(): Promise<string> {
  const { generateKeyPairSync } = await import('node:crypto');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const path = join(dir, 'other-key.pem');
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return path;
}
