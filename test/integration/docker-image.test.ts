// No Docker engine runs here, so the image is checked in two halves: the Dockerfile is parsed for
// the properties we promise (multi-stage, slim runtime, non-root, 0.0.0.0 listeners, EXPOSE,
// HEALTHCHECK, config only from MAILROOM_* env), and the runtime stage is replayed outside Docker:
// package.json + lock + dist/ copied to a temp dir, `npm ci --omit=dev`, then the CLI's --help, a
// real start from env vars, the UI, SMTP, and the healthcheck script.
// `npm ci` runs with --ignore-scripts and the native better-sqlite3 binary is copied from this
// checkout (same lockfile version, same Node): compiling it again takes minutes on a shared
// 2-core machine, and every fresh `npm ci` of the project already builds it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { OPTIONS } from '../../server/config.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { readyLine } from '../helpers/cli-process.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | null;
  steps: Instruction[];
}

/** Dockerfile -> stages of instructions (continuations joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of logical) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const upper = op!.toUpperCase();
    if (upper === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args!)!;
      stages.push({ from: m[1]!, name: m[2] ?? null, steps: [] });
    } else {
      assert.ok(stages.length, `${upper} before FROM`);
      stages.at(-1)!.steps.push({ op: upper, args: args!.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

const stages = parseDockerfile(dockerfile);
const build = stages[0]!;
const runtime = stages.at(-1)!;
const runs = (s: Stage) => s.steps.filter((i) => i.op === 'RUN').map((i) => i.args);

test('multi-stage: the build stage installs everything and runs npm run build; the runtime is slim Node 20', () => {
  assert.ok(stages.length >= 2);
  assert.match(build.from, /^node:20[\w.-]*$/);
  assert.match(runtime.from, /^node:20[\w.-]*-slim$/, 'slim runtime image');
  for (const s of stages) assert.ok(!/:latest$|^[^:]+$/.test(s.from), `${s.from} is pinned to a tag`);
  assert.ok(runs(build).some((r) => /^npm ci\b/.test(r) && !r.includes('--omit')), 'npm ci with dev dependencies to build');
  assert.ok(runs(build).some((r) => /^npm run build\b/.test(r)));
  assert.ok(runs(build).some((r) => /^npm ci .*--omit=dev/.test(r)), 'production-only dependencies for the runtime');
  const copies = runtime.steps.filter((i) => i.op === 'COPY').map((i) => i.args);
  assert.ok(copies.some((c) => c.includes(`--from=${build.name}`) && c.includes('/app/dist')), 'runtime copies dist/ from the build');
  assert.ok(copies.some((c) => c.includes('/app/node_modules')), 'runtime copies the production node_modules');
  assert.ok(!copies.some((c) => /\b(server|web|test)\b/.test(c.replace(/\/app\/dist/, ''))), 'no sources in the runtime image');
  assert.ok(!runtime.steps.some((i) => i.op === 'ADD'), 'COPY, not ADD');
});

test('runtime: non-root, listens on 0.0.0.0, exposes 1025, 1465 and 8025, health-checks /readyz with node', () => {
  const user = runtime.steps.filter((i) => i.op === 'USER').at(-1);
  assert.ok(user && !/^(root|0)(:|$)/.test(user.args), 'runs as a non-root user');
  const env = runtime.steps.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
  assert.match(env, /MAILROOM_SMTP=0\.0\.0\.0:1025/);
  assert.match(env, /MAILROOM_LISTEN=0\.0\.0\.0:8025/);
  assert.match(env, /MAILROOM_SMTPS=0\.0\.0\.0:1465/);
  const known = new Set(OPTIONS.map((o) => o.env));
  for (const [name] of dockerfile.matchAll(/MAILROOM_[A-Z_]+/g)) assert.ok(known.has(name), `${name} is a real option`);
  const expose = runtime.steps.filter((i) => i.op === 'EXPOSE').flatMap((i) => i.args.split(' '));
  assert.deepEqual(expose.sort(), ['1025', '1465', '8025']);
  const health = runtime.steps.find((i) => i.op === 'HEALTHCHECK');
  assert.ok(health, 'HEALTHCHECK present');
  assert.match(health.args, /CMD \["node", "dist\/server\/healthcheck\.js"\]/, 'exec form with node itself (no curl in slim)');
  const entry = runtime.steps.find((i) => i.op === 'ENTRYPOINT' || i.op === 'CMD');
  assert.match(entry?.args ?? '', /^\["node", "dist\/server\/cli\.js"\]$/, 'exec form, so signals reach node');
  const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
  for (const p of ['node_modules', 'dist', '.git']) assert.ok(ignore.includes(p), `.dockerignore has ${p}`);
});

let dir: string;
before(async () => {
  assert.ok(existsSync(join(root, 'dist/server/cli.js')) && existsSync(join(root, 'dist/web/index.html')), 'run `npm run build` first (npm test does)');
  dir = mkdtempSync(join(tmpdir(), 'mailroom-image-'));
  for (const f of ['package.json', 'package-lock.json', '.npmrc']) cpSync(join(root, f), join(dir, f));
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, timeout: 240_000 });
  const native = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  cpSync(join(root, native), join(dir, native));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the production install has no dev dependencies and --help works', async () => {
  for (const dev of ['typescript', 'vite', 'tsx', 'svelte', 'playwright-core']) assert.ok(!existsSync(join(dir, 'node_modules', dev)), `${dev} is not installed`);
  const { stdout } = await run(process.execPath, ['dist/server/cli.js', '--help'], { cwd: dir });
  assert.match(stdout, /Usage: mailroom/);
  assert.match(stdout, /MAILROOM_DATA_DIR/);
});

test('the production install starts from MAILROOM_* env, serves the UI, takes mail, persists, and passes its healthcheck', async () => {
  const data = join(dir, 'data');
  const env = { ...process.env, NODE_ENV: 'production', MAILROOM_SMTP: '127.0.0.1:0', MAILROOM_LISTEN: '127.0.0.1:0', MAILROOM_DATA_DIR: data, MAILROOM_LOG_LEVEL: 'info', MAILROOM_QUIET: 'true' };
  const child = spawn(process.execPath, ['dist/server/cli.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const ready = await new Promise<{ smtp: string; http: string }>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('not ready in 30 s')), 30_000); // a deadline, not a wait
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.includes('"mailroom ready"')) {
          clearTimeout(t);
          resolve(JSON.parse(line) as { smtp: string; http: string });
        }
      });
    });
    const url = ready.http;
    const port = Number(new URL(url).port);
    const home = await fetch(`${url}/`);
    assert.equal(home.status, 200);
    assert.match(await home.text(), /<script[^>]+src=/, 'the built web UI is served');
    assert.equal((await sendRaw(Number(ready.smtp.split(':').pop()), 'a@example.test', ['b@example.test'], 'Subject: image\r\n\r\nhi'))?.code, 250);
    assert.equal(((await (await fetch(`${url}/api/messages`)).json()) as { total: number }).total, 1);
    assert.ok(existsSync(join(data, 'mailroom.sqlite')), 'MAILROOM_DATA_DIR is used');
    const health = await run(process.execPath, ['dist/server/healthcheck.js'], { cwd: dir, env: { ...env, MAILROOM_LISTEN: `127.0.0.1:${port}` } });
    assert.equal(health.stderr, '');
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    await assert.rejects(run(process.execPath, ['dist/server/healthcheck.js'], { cwd: dir, env: { ...env, MAILROOM_LISTEN: `127.0.0.1:${port}` } }), 'unhealthy once stopped');
  } finally {
    child.kill('SIGKILL');
  }
  // Persists: a new process on the same MAILROOM_DATA_DIR serves the message, byte for byte.
  const again = spawn(process.execPath, ['dist/server/cli.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const { url } = await readyLine(again);
    const list = (await (await fetch(`${url}/api/messages`)).json()) as { total: number; messages: Array<{ id: string; subject: string }> };
    assert.equal(list.total, 1, 'the message survived the restart');
    assert.equal(list.messages[0]!.subject, 'image');
    assert.equal(await (await fetch(`${url}/api/messages/${list.messages[0]!.id}/raw`)).text(), 'Subject: image\r\n\r\nhi\r\n');
  } finally {
    again.kill('SIGKILL');
  }
});

test('with HTTPS and SMTPS on, as the image can run, the healthcheck speaks HTTPS and passes', async () => {
  const env = { ...process.env, NODE_ENV: 'production', MAILROOM_SMTP: '127.0.0.1:0', MAILROOM_SMTPS: '127.0.0.1:0', MAILROOM_LISTEN: '127.0.0.1:0', MAILROOM_UI_TLS: 'true', MAILROOM_LOG_LEVEL: 'info', MAILROOM_QUIET: 'true' };
  const child = spawn(process.execPath, ['dist/server/cli.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const ready = await readyLine(child);
    assert.match(ready.url, /^https:/);
    const health = await run(process.execPath, ['dist/server/healthcheck.js'], { cwd: dir, env: { ...env, MAILROOM_LISTEN: `127.0.0.1:${new URL(ready.url).port}` } });
    assert.equal(health.stderr, '');
  } finally {
    child.kill('SIGKILL');
  }
});

test('compose.yaml runs Mailroom from this Dockerfile and an example app that sends to it by service name', () => {
  const compose = readFileSync(join(root, 'compose.yaml'), 'utf8');
  assert.match(compose, /^services:\n {2}mailroom:\n {4}build: \.$/m);
  assert.match(compose, /"127\.0\.0\.1:8025:8025"/, 'the inbox is published on loopback only');
  assert.match(compose, /^ {2}app:$/m);
  assert.match(compose, /SMTP_HOST: mailroom/);
  assert.match(compose, /SMTP_PORT: "1025"/);
  assert.match(compose, /condition: service_healthy/);
});
