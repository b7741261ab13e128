// The package as a user gets it: `npm pack` holds only what runs (built server, built UI, type
// declarations, README, LICENSE) under 1 MB; installed from the tarball into an empty ESM project,
// `npx mailroom` serves and captures mail, both entry points import in plain Node (no tsx, no
// bundler), and a global install answers `mailroom --version` (see helpers/install-package.ts).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { readyLine, stopProcess } from '../helpers/cli-process.js';
import { sendRaw } from '../helpers/smtp-client.js';
import { fileTeardown } from '../helpers/teardown.js';
import { emptyEsmProject, installGlobal, installTarball, packBuilt } from '../helpers/install-package.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };

const teardown = fileTeardown();
let work: string;
let tarball: string;
let files: string[];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'mailroom-pack-'));
  teardown.defer('work dir', () => rmSync(work, { recursive: true, force: true }));
  ({ tarball, files } = await packBuilt(work));
});

test('the tarball is mailroom-server, holds only what runs, and is under 1 MB', () => {
  assert.equal(pkg.name, 'mailroom-server');
  assert.ok(statSync(tarball).size < 1_000_000, `${statSync(tarball).size} bytes`);
  for (const must of ['package.json', 'README.md', 'LICENSE', 'dist/server/cli.js', 'dist/server/index.js', 'dist/server/index.d.ts', 'dist/server/client/index.js', 'dist/server/client/index.d.ts', 'dist/web/index.html']) {
    assert.ok(files.includes(must), `${must} is in the tarball`);
  }
  const stray = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/server\/.*\.(js|d\.ts)|dist\/web\/.*)$/.test(f));
  assert.deepEqual(stray, [], 'no sources, tests, maps or configuration');
});

test('installed into an empty ESM project: npx mailroom serves, captures a message, and both entry points import in plain Node', async () => {
  const project = emptyEsmProject(join(work, 'app'));
  await installTarball(tarball, project);

  const { stdout: printed } = await run('npx', ['mailroom', '--version'], { cwd: project });
  assert.equal(printed.trim(), pkg.version);

  // npx runs the server as its own child: start it in a process group and stop the whole group.
  const child = spawn('npx', ['mailroom', '--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0', '--log-level', 'info', '--quiet'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  teardown.defer('npx mailroom', () => stopProcess(child, true));
  const ready = await readyLine(child);
  await sendRaw(ready.smtpPort, 'app@example.test', ['new.user@example.test'], 'Subject: welcome from the tarball\r\n\r\nhello\r\n');

  // A plain-Node ESM script in the project: the two entry points, the in-process server, and the
  // client reading the message that `npx mailroom` captured.
  writeFileSync(
    join(project, 'check.mjs'),
    `import { startMailroom } from 'mailroom-server';
     import { MailroomClient } from 'mailroom-server/client';
     const inProcess = await startMailroom();
     const own = await inProcess.client.list();
     await inProcess.close();
     const client = new MailroomClient(process.argv[2]);
     const mail = await client.waitForMessage('new.user@example.test', { timeout: 5000 });
     console.log(JSON.stringify({ own: own.total, subject: mail.subject }));`,
  );
  const { stdout } = await run(process.execPath, ['check.mjs', ready.url], { cwd: project, timeout: 30_000 });
  assert.deepEqual(JSON.parse(stdout), { own: 0, subject: 'welcome from the tarball' });
});

test('npm install -g puts mailroom on PATH; --version prints the version', async () => {
  const mailroom = await installGlobal(tarball, join(work, 'global'));
  const { stdout } = await run(mailroom, ['--version']);
  assert.equal(stdout.trim(), pkg.version);
});
