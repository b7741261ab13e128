// Why the server could not start, as one line naming the option, its value and the fix: a stack
// trace helps nobody who typed a port that is taken.

import { ConfigError, type Config } from '../config.js';

export interface StartFailure {
  line: string;
  /** 2 for a usage problem (a flag or a file it names), 1 for the machine's state (a port in use). */
  code: 1 | 2;
}

type Listener = { flag: string; host: string; port: number };

function listeners(c: Config): Listener[] {
  const out: Listener[] = [
    { flag: '--smtp', ...c.smtp },
    { flag: '--listen', ...c.listen },
  ];
  if (c.smtps) out.push({ flag: '--smtps', ...c.smtps });
  return out;
}

const FIX: Record<string, (l: Listener) => string> = {
  EADDRINUSE: (l) => `the port is in use (another mail catcher running?); pick another, e.g. ${l.flag} ${l.host}:${l.port + 1000 <= 65535 ? l.port + 1000 : 0}`,
  EACCES: (l) => `permission denied (ports below 1024 need root); use a port above 1024, e.g. ${l.flag} ${l.host}:${l.port + 1024}`,
  EADDRNOTAVAIL: (l) => `this machine has no address ${l.host}; use 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces), e.g. ${l.flag} 127.0.0.1:${l.port}`,
};

export function explainStartError(err: unknown, config: Config): StartFailure | null {
  if (err instanceof ConfigError) return { line: err.message, code: 2 };
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  const fix = e.code ? FIX[e.code] : undefined;
  if (!fix) return null;
  const all = listeners(config);
  const l =
    all.find((x) => x.host === e.address && x.port === e.port) ??
    all.find((x) => x.host === e.address && x.port === 0) ??
    all.find((x) => x.port === e.port && x.port !== 0);
  if (!l) return null;
  return { line: `${l.flag} ${l.host}:${l.port}: ${fix(l)}`, code: e.code === 'EADDRINUSE' ? 1 : 2 };
}
