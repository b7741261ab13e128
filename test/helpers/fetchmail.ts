// Runs Debian's fetchmail once against a test server: a run-control file for one poll, every
// message handed to an MDA that writes it to a file, and the run's exit code and log.
// `set invisible` and `no rewrite` make fetchmail add and change nothing but line breaks (an MDA
// gets Unix ones); `sslproto ''` lets fetchmail 6.4 use a plain connection.

import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Fetchmail {
  /** Polls once; resolves with fetchmail's exit code, its log, and the messages delivered by this run. */
  run(): Promise<{ code: number | null; log: string; messages: Buffer[] }>;
  remove(): void;
}

export function fetchmail(protocol: 'POP3' | 'IMAP', port: number, options = 'keep'): Fetchmail {
  const home = mkdtempSync(join(tmpdir(), 'mailroom-fetchmail-'));
  const out = join(home, 'mail');
  mkdirSync(out);
  const rc = join(home, 'fetchmailrc');
  writeFileSync(
    rc,
    `set invisible\n` +
      `poll 127.0.0.1 with proto ${protocol} and port ${port} and timeout 20\n` +
      `  user "me" there with password "anything" is "root" here\n` +
      `  options ${options} no rewrite sslproto '' mda "/bin/sh -c 'cat > ${out}/msg.$$'"\n`,
  );
  chmodSync(rc, 0o600); // fetchmail refuses a run-control file others can read
  const seen = new Set<string>();
  return {
    async run() {
      const child = spawn('fetchmail', ['--nodetach', '--nosyslog', '--fetchmailrc', rc, '--idfile', join(home, 'ids'), '--pidfile', join(home, 'pid')], {
        env: { ...process.env, HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      child.stdout.on('data', (d) => (log += d));
      child.stderr.on('data', (d) => (log += d));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      const fresh = readdirSync(out).filter((f) => !seen.has(f));
      for (const f of fresh) seen.add(f);
      return { code, log, messages: fresh.map((f) => readFileSync(join(out, f))) };
    },
    remove: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** A message with Unix line breaks (as fetchmail hands it to an MDA) back in CRLF. */
export const crlf = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
