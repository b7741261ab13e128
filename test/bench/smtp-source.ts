// Postfix's smtp-source as the load generator, when installed (Debian package `postfix`; only the
// test tool is used, the daemon is never started). Its CPU time is read with the shell's `times`.

import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { now } from './stats.js';

const CANDIDATES = ['/usr/sbin/smtp-source', '/usr/bin/smtp-source', '/usr/lib/postfix/smtp-source'];

/** The smtp-source binary, or null when Postfix's test tools are not installed. */
export function findSmtpSource(): string | null {
  for (const path of CANDIDATES) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

export interface SmtpSourceRun {
  elapsedMs: number;
  /** CPU ms smtp-source itself used (user + system). */
  clientCpuMs: number;
  ok: boolean;
  output: string;
}

/**
 * Runs smtp-source: `sessions` in parallel, `messages` in total, payload `bodyBytes` (smtp-source
 * adds ~150 bytes of headers), reusing connections unless newConnection.
 */
export function runSmtpSource(bin: string, o: { port: number; sessions: number; messages: number; bodyBytes: number; newConnection: boolean; timeoutMs?: number }): Promise<SmtpSourceRun> {
  const args = ['-s', String(o.sessions), '-m', String(o.messages), '-l', String(o.bodyBytes), '-f', 'sender@example.test', '-t', 'user@example.test', '-S', 'smtp-source bench', '-M', 'bench.example.test', '-N'];
  if (!o.newConnection) args.push('-d');
  args.push(`inet:127.0.0.1:${o.port}`);
  const quoted = [bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const started = now();
  return new Promise((resolve) => {
    execFile('bash', ['-c', `${quoted}; rc=$?; times; exit $rc`], { timeout: o.timeoutMs ?? 180_000 }, (err, stdout, stderr) => {
      const elapsedMs = now() - started;
      // `times` prints the shell's user/sys, then its children's: "0m1.234s 0m0.567s".
      const lines = stdout.trim().split('\n');
      const child = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
      const clientCpuMs = child ? (Number(child[1]) * 60 + Number(child[2]) + Number(child[3]) * 60 + Number(child[4])) * 1000 : Number.NaN;
      resolve({ elapsedMs, clientCpuMs, ok: !err, output: (stderr + stdout).slice(0, 2000) });
    });
  });
}
