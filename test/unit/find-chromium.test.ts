// The one place that finds the browser: explicit variables first (and only them when set), then
// the usual names on PATH; a one-line answer either way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, missingChromiumMessage } from '../helpers/find-chromium.js';

function fakeBin(names: Record<string, boolean>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-fake-bin-'));
  for (const [name, executable] of Object.entries(names)) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), executable ? 0o755 : 0o644);
  }
  return dir;
}

test('PATH: chromium before chromium-browser before google-chrome; non-executable files are ignored', (t) => {
  const a = fakeBin({ chromium: false, 'google-chrome': true });
  const b = fakeBin({ 'chromium-browser': true });
  t.after(() => [a, b].forEach((d) => rmSync(d, { recursive: true, force: true })));
  const found = findChromium({ PATH: `${a}:${b}` });
  assert.equal(found.path, join(b, 'chromium-browser'));
  assert.equal(found.fromEnv, null);
  assert.equal(findChromium({ PATH: a }).path, join(a, 'google-chrome'));
});

test('CHROMIUM wins over PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH and PATH; a bare name is looked up on PATH', (t) => {
  const dir = fakeBin({ chromium: true, 'my-chrome': true, other: true });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const both = findChromium({ PATH: dir, CHROMIUM: join(dir, 'my-chrome'), PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: join(dir, 'other') });
  assert.deepEqual([both.path, both.fromEnv], [join(dir, 'my-chrome'), 'CHROMIUM']);
  const pw = findChromium({ PATH: dir, PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: join(dir, 'other') });
  assert.deepEqual([pw.path, pw.fromEnv], [join(dir, 'other'), 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH']);
  assert.equal(findChromium({ PATH: dir, CHROMIUM: 'my-chrome' }).path, join(dir, 'my-chrome'));
});

test('a variable naming nothing is an error, not a reason to fall back to PATH', (t) => {
  const dir = fakeBin({ chromium: true });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const found = findChromium({ PATH: dir, CHROMIUM: '/nonexistent' });
  assert.equal(found.path, null);
  assert.equal(found.detail, 'CHROMIUM=/nonexistent is not an executable file');
  const line = missingChromiumMessage(found);
  assert.doesNotMatch(line, /\n/);
  assert.match(line, /apt-get install chromium/);
});

test('nothing on PATH: the answer names what was looked for', () => {
  const found = findChromium({ PATH: '' });
  assert.equal(found.path, null);
  assert.match(found.detail, /none of chromium, chromium-browser, google-chrome is on PATH/);
});
