// README.md and docs/: every relative link points at a file that exists and every #anchor at a
// heading that exists; every fenced block marked `runnable` (```sh runnable) runs and succeeds
// against a real Mailroom (the documented default ports are swapped for this test's free ones).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { slug } from '../../server/config-docs.js';
import { OPTIONS } from '../../server/config.js';
import { packageRoot } from '../../server/paths.js';
import { startTestServer } from '../helpers/server.js';
import { fileTeardown } from '../helpers/teardown.js';

const teardown = fileTeardown();
const files = [join(packageRoot, 'README.md'), ...readdirSync(join(packageRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(packageRoot, 'docs', f))];
const FENCE = /^```([^\n]*)\n([\s\S]*?)^```$/gm;

/** The text outside fenced blocks and inline code, where links are links. */
const prose = (md: string) => md.replace(FENCE, '').replace(/`[^`\n]*`/g, '');

function anchors(md: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of prose(md).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(heading!.replace(/`/g, ''));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

test('every relative link and #anchor in README.md and docs/ resolves', () => {
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    const md = readFileSync(file, 'utf8');
    // headings inside code spans are still headings: keep code spans for anchors, drop them for links
    for (const [, target] of prose(md).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue; // http:, https:, mailto:
      checked++;
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const resolved = path ? join(dirname(file), decodeURIComponent(path)) : file;
      const where = `${relative(packageRoot, file)}: ${target}`;
      if (!existsSync(resolved)) {
        broken.push(`${where} (no such file)`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${where} (no such heading)`);
    }
  }
  assert.ok(checked > 30, `only ${checked} links found`);
  assert.deepEqual(broken, []);
});

test('every MAILROOM_* variable the docs name is a real option', () => {
  const known = new Set<string>(OPTIONS.map((o) => o.env));
  const unknown: string[] = [];
  for (const file of files) {
    for (const [name] of readFileSync(file, 'utf8').matchAll(/MAILROOM_[A-Z0-9_]*[A-Z0-9]/g)) {
      if (!known.has(name) && !/^MAILROOM_(URL|DEV_WEB_PORT)$/.test(name)) unknown.push(`${relative(packageRoot, file)}: ${name}`);
    }
  }
  assert.deepEqual(unknown, []);
});

test('README.md stays short: 150 to 250 lines, with the screenshot', () => {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  const lines = readme.trimEnd().split('\n').length;
  assert.ok(lines >= 150 && lines <= 250, `${lines} lines`);
  assert.match(readme, /!\[[^\]]*\]\(web\/docs\/inbox\.png\)/);
});

test('every fenced block marked runnable runs and succeeds against a real Mailroom', async () => {
  const server = teardown.add(await startTestServer(), 'mailroom');
  const blocks: Array<{ where: string; script: string }> = [];
  for (const file of files) {
    for (const [, info, body] of readFileSync(file, 'utf8').matchAll(FENCE)) {
      const words = info!.trim().split(/\s+/);
      if (!words.includes('runnable')) continue;
      assert.ok(['sh', 'bash', 'shell'].includes(words[0]!), `${relative(packageRoot, file)}: runnable blocks are shell`);
      const script = body!.replaceAll('127.0.0.1:1025', `127.0.0.1:${server.smtpPort}`).replaceAll('localhost:1025', `127.0.0.1:${server.smtpPort}`).replaceAll('http://127.0.0.1:8025', server.url).replaceAll('http://localhost:8025', server.url);
      blocks.push({ where: relative(packageRoot, file), script });
    }
  }
  assert.ok(blocks.length >= 2, `only ${blocks.length} runnable blocks`);
  for (const { where, script } of blocks) {
    await new Promise<void>((resolve, reject) => {
      execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd: packageRoot, timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`${where}: runnable block failed (${err.message})\n${script}\n${stdout}${stderr}`));
        else resolve();
      });
    });
  }
});
