// Runs the real CLI as a child process (through tsx, so it is the current source) and reads its
// ports from the 'mailroom ready' log line.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface CliServer {
  child: ChildProcess;
  smtpPort: number;
  url: string;
  /** Every stdout line so far (pino JSON). */
  lines: string[];
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | string | null>;
}

/** Starts `mailroom` on loopback port 0 with extra flags; rejects if it exits or is not ready in time. */
export async function startCli(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--smtp', '127.0.0.1:0', '--listen', '127.0.0.1:0', '--log-level', 'info', '--quiet', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, ...(await readyLine(child, timeoutMs)) };
}

/**
 * Waits for the 'mailroom ready' log line of a started server process (run with --log-level info
 * and --quiet: without --quiet the banner replaces it) and reads its ports; kills the process and
 * rejects if it exits first or is not ready in time.
 */
export function readyLine(child: ChildProcess, timeoutMs = 30_000): Promise<Omit<CliServer, 'child'>> {
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { // a deadline, not a wait
      child.kill('SIGKILL');
      reject(new Error(`mailroom not ready within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`mailroom exited (${code}) before it was ready; stderr: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (!line.includes('"mailroom ready"')) return;
      const entry = JSON.parse(line) as { smtp: string; http: string };
      clearTimeout(timer);
      resolve({ smtpPort: Number(entry.smtp.split(':').pop()), url: entry.http, lines, exited });
    });
  });
}

/**
 * SIGTERM to a child (to its whole process group when it was spawned with `detached: true`, as
 * npm and npx run the real program as a grandchild); resolves once the child has exited.
 */
export function stopProcess(child: ChildProcess, group = false): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    if (group) process.kill(-child.pid!, 'SIGTERM');
    else child.kill('SIGTERM');
  });
}
