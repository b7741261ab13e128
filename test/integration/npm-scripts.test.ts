// The npm scripts a user and a contributor run: `npm start` runs the built server without
// building (the build belongs to `npm install`'s prepare step and `npm run build`), and
// `npm run dev` serves the inbox through Vite with hot reload, proxying the API to a watched
// server started from sources.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { fileTeardown } from '../helpers/teardown.js';
import { stopProcess } from '../helpers/cli-process.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const teardown = fileTeardown();

test('npm start runs the built server and builds nothing', async () => {
  const { stdout, stderr } = await run('npm', ['start', '--', '--version'], { cwd: root, timeout: 30_000 });
  const lines = stdout.trim().split('\n').filter((l) => l.trim());
  // npm's two lines ("> mailroom-server@x start", "> node dist/server/cli.js --version") and the version.
  assert.deepEqual(lines.slice(0, 2).map((l) => l.startsWith('>')), [true, true], stdout);
  assert.match(lines[1]!, /^> node dist\/server\/cli\.js --version$/);
  assert.match(lines.at(-1)!, /^\d+\.\d+\.\d+/);
  assert.doesNotMatch(stdout + stderr, /\b(tsc|vite build|npm run build)\b/);
});

test('npm run dev: Vite serves the inbox from sources with hot reload and proxies /api to the watched server', async () => {
  const child = spawn('npm', ['run', 'dev', '--', '--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0'], {
    cwd: root,
    env: { ...process.env, MAILROOM_DEV_WEB_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // npm, the dev script, tsx watch and the server: stop the whole group
  });
  teardown.defer('npm run dev', () => stopProcess(child, true));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const web = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`npm run dev exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /inbox with hot reload at (\S+)/.exec(line);
      if (m) resolve(m[1]!.replace(/\/$/, ''));
    });
  });

  const index = await fetch(`${web}/`);
  assert.equal(index.status, 200);
  const html = await index.text();
  assert.match(html, /src="\/src\/main\.ts"/, 'the source entry, not the built bundle');
  assert.match(html, /\/@vite\/client/, 'the hot-reload client is injected');
  const hmr = await fetch(`${web}/@vite/client`);
  assert.equal(hmr.status, 200);

  const api = await fetch(`${web}/api/messages`);
  assert.equal(api.status, 200, await api.clone().text());
  const body = (await api.json()) as { messages: unknown[] };
  assert.ok(Array.isArray(body.messages));
});
