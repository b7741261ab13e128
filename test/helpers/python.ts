// Real, independent clients for the retrieval doors: Python 3 scripts (poplib, imaplib; python3
// ships with Debian) and curl, run as child processes.

import { spawn } from 'node:child_process';

/** Runs a Python 3 script; resolves with its JSON output (stdout), rejects with its stderr. */
export async function python<T>(script: string, env: Record<string, string>): Promise<T> {
  const child = spawn('python3', ['-c', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`python3 script exited ${code}: ${err}`);
  return JSON.parse(out) as T;
}

/** Runs curl; resolves with its exit code and output. */
export function curl(args: string[]): Promise<{ code: number | null; out: Buffer; err: string }> {
  const child = spawn('curl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out: Buffer.concat(out), err })));
}
