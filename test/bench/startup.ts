// Start-up row: the installed package (npm pack, installed into an empty project) started cold
// as `mailroom`, timed from spawn until SMTP answers 220 and until HTTP answers /readyz 200.
// Median of N starts, plus the first (the coldest: nothing of the new install in the page cache
// yet). MailDev is measured the same way when it is installed (`maildev` on PATH).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyEsmProject, installTarball, packBuilt } from '../helpers/install-package.js';
import { which } from '../helpers/find-chromium.js';
import { now, percentile } from './stats.js';

export interface StartupResult {
  starts: number;
  smtp: { p50: number; first: number };
  http: { p50: number; first: number };
}

export interface StartupRow {
  mailroom: StartupResult;
  tarballBytes: number;
  maildev: StartupResult | { unavailable: string };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Resolves at the first 220 on a new connection to `port`, trying every 2 ms. */
async function untilSmtp(port: number, deadline: number): Promise<number> {
  while (now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d: Buffer) => (s.destroy(), resolve(d.toString('latin1').startsWith('220'))));
      s.once('error', () => resolve(false));
    });
    if (ok) return now();
    await new Promise((r) => setTimeout(r, 2)); // a 2 ms poll: startup time is measured to the first answer
  }
  throw new Error(`no SMTP greeting on ${port}`);
}

async function untilHttp(url: string, deadline: number): Promise<number> {
  while (now() < deadline) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return now();
    await new Promise((r) => setTimeout(r, 2)); // as above
  }
  throw new Error(`no answer from ${url}`);
}

async function timeStarts(starts: number, command: (smtp: number, http: number) => { file: string; args: string[]; cwd?: string }, readyPath: string): Promise<StartupResult> {
  const smtp: number[] = [];
  const http: number[] = [];
  for (let i = 0; i < starts; i++) {
    const [smtpPort, httpPort] = [await freePort(), await freePort()];
    const c = command(smtpPort, httpPort);
    const t0 = now();
    const child = spawn(c.file, c.args, { cwd: c.cwd, stdio: 'ignore' });
    try {
      const deadline = t0 + 30_000;
      const [s, h] = await Promise.all([untilSmtp(smtpPort, deadline), untilHttp(`http://127.0.0.1:${httpPort}${readyPath}`, deadline)]);
      smtp.push(s - t0);
      http.push(h - t0);
    } finally {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    }
  }
  return { starts, smtp: { p50: percentile(smtp, 50), first: smtp[0]! }, http: { p50: percentile(http, 50), first: http[0]! } };
}

export async function startupRow(starts: number): Promise<StartupRow> {
  const work = mkdtempSync(join(tmpdir(), 'mailroom-bench-startup-'));
  try {
    const { tarball } = await packBuilt(work);
    const project = emptyEsmProject(join(work, 'app'));
    await installTarball(tarball, project);
    const bin = join(project, 'node_modules/.bin/mailroom');
    const mailroom = await timeStarts(starts, (smtp, http) => ({ file: bin, args: ['--smtp', `127.0.0.1:${smtp}`, '--listen', `127.0.0.1:${http}`, '--quiet', '--log-level', 'warn'], cwd: project }), '/readyz');
    const maildevBin = which('maildev');
    const maildev = maildevBin
      ? await timeStarts(starts, (smtp, http) => ({ file: maildevBin, args: ['--smtp', String(smtp), '--web', String(http), '--ip', '127.0.0.1', '--web-ip', '127.0.0.1', '--silent'] }), '/api/email')
      : { unavailable: 'maildev is not installed (npm install -g maildev to compare)' };
    const { statSync } = await import('node:fs');
    return { mailroom, tarballBytes: statSync(tarball).size, maildev };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
