// Starts Mailroom as a child process (test/bench/server-child.ts) and reads its CPU time, memory
// and store counters over IPC. The child dies with the bench.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../server/config.js';

export interface Usage {
  /** Microseconds of CPU, as process.cpuUsage(). */
  cpu: { user: number; system: number };
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  stats: { count: number; bytes: number; received: number; evicted: number };
}

export interface ServerProcess {
  smtpPort: number;
  /** With the pop3 config option, else null. */
  pop3Port: number | null;
  /** With the imap config option, else null. */
  imapPort: number | null;
  httpPort: number;
  url: string;
  pid: number;
  usage(): Promise<Usage>;
  /** Full GC, then usage. */
  gcUsage(): Promise<Usage>;
  close(): Promise<void>;
}

export interface ServerProcessOptions {
  config?: Partial<Config>;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Where the server's log goes: 'ignore' (/dev/null, default) or 'inherit'. */
  stdout?: 'ignore' | 'inherit';
  /** URL of another build's dist/server/start.js (bench --baseline): run that server instead. */
  startModule?: string;
}

const CHILD = fileURLToPath(new URL('./server-child.mjs', import.meta.url));
const DIST_START = new URL('../../dist/server/start.js', import.meta.url);
const SOURCE_START = new URL('../../server/start.ts', import.meta.url);

/** Runs the built server (what `npm start` runs) when there is one, else the sources through tsx. */
export function serverBuild(): 'dist' | 'source' {
  return existsSync(fileURLToPath(DIST_START)) && process.env.MAILROOM_BENCH_SOURCE !== '1' ? 'dist' : 'source';
}
const START_TIMEOUT_MS = 30_000;
const COMMAND_TIMEOUT_MS = 60_000;

/** CPU ms between two usage readings. */
export function cpuMs(a: Usage, b: Usage): number {
  return (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1000;
}

export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const dist = options.startModule !== undefined || serverBuild() === 'dist';
  const start = options.startModule ?? (dist ? DIST_START : SOURCE_START).href;
  const child: ChildProcess = fork(CHILD, [JSON.stringify(options.config ?? {}), start], {
    execArgv: [...(dist ? [] : ['--import', 'tsx']), '--expose-gc', ...(options.nodeArgs ?? [])],
    stdio: [options.stdout ?? 'ignore', options.stdout ?? 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ready = await new Promise<{ smtpPort: number; httpPort: number; pop3Port: number | null; imapPort: number | null; url: string }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('bench server did not start within 30 s')), START_TIMEOUT_MS); // a deadline
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code} before it was ready`)));
    child.on('message', function onReady(m: { type?: string }) {
      if (m.type !== 'ready') return;
      clearTimeout(t);
      child.off('message', onReady);
      resolve(m as { smtpPort: number; httpPort: number; pop3Port: number | null; imapPort: number | null; url: string });
    });
  });
  let seq = 0;
  const pending = new Map<number, (v: unknown) => void>();
  child.on('message', (m: { id?: number }) => {
    if (m.id === undefined) return;
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  const ask = <T>(cmd: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      const t = setTimeout(() => reject(new Error(`bench server did not answer ${cmd}`)), COMMAND_TIMEOUT_MS); // a deadline
      pending.set(id, (v) => {
        clearTimeout(t);
        resolve(v as T);
      });
      child.send({ id, cmd });
    });
  return {
    ...ready,
    pid: child.pid!,
    usage: () => ask<Usage>('usage'),
    gcUsage: () => ask<Usage>('gc'),
    async close() {
      if (child.exitCode !== null) return;
      await ask('close').catch(() => {});
      const grace = setTimeout(() => child.kill('SIGKILL'), 30_000); // a CPU profile can take a while to write
      await exited;
      clearTimeout(grace);
    },
  };
}
