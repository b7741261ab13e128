// `npm test` on a machine without the browser: the provisioning step either installs it or stops
// at once with one line naming the command; a browser suite without a browser fails by itself,
// quickly, with one line, and leaves nothing running (it used to hang the whole run).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs node with tsx in the checkout; kills it (and fails) only if it outlives `limitMs`. */
function runNode(args: string[], env: NodeJS.ProcessEnv, limitMs: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    // Without NODE_TEST_CONTEXT, which would make a nested `node --test` report to this run instead.
    const { NODE_TEST_CONTEXT: _, ...clean } = env;
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => { // a deadline, not a wait
      child.kill('SIGKILL');
      reject(new Error(`still running after ${limitMs} ms: ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, limitMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A PATH holding only node: no browser, no apt-get. */
function barePath(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-bare-path-'));
  symlinkSync(process.execPath, join(dir, 'node'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const withoutBrowserVars = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.CHROMIUM;
  delete env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH;
  return env;
};

test('no browser and no way to install it: provisioning stops at once with one line naming the command', async (t) => {
  const r = await runNode(['test/provision.ts'], { ...withoutBrowserVars(), PATH: barePath(t) }, 30_000);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^npm test: Chromium \(browser tests\), swaks, msmtp, s-nail, python3 \(smtplib, poplib\), curl \(POP3 over STLS\), fetchmail, mbsync \(isync\) missing \(.*\); run: sudo apt-get install chromium swaks msmtp s-nail python3 curl fetchmail isync \(or set CHROMIUM=\/path\/to\/chromium\)$/);
});

test('a browser the developer named but that does not exist is not replaced: one warning, no install', async () => {
  const r = await runNode(['test/provision.ts'], { ...withoutBrowserVars(), CHROMIUM: '/nonexistent' }, 30_000);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'npm test: Chromium (browser tests): CHROMIUM=/nonexistent is not an executable file; the suites that need it will fail\n');
});

test('CHROMIUM=/nonexistent: a browser suite fails by itself within seconds with one readable line', async () => {
  const r = await runNode(['--test', '--test-reporter=spec', 'test/e2e/inbox-live.test.ts'], { ...process.env, CHROMIUM: '/nonexistent' }, 60_000);
  assert.equal(r.signal, null, 'ended by itself');
  assert.notEqual(r.code, 0);
  const out = r.stdout + r.stderr;
  const reasons = out.split('\n').filter((l) => l.includes('browser suite cannot run'));
  assert.equal(reasons.length, 1, out);
  assert.match(reasons[0]!, /Chromium not found: CHROMIUM=\/nonexistent is not an executable file; install it with apt-get install chromium/);
});
