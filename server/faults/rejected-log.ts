// The rejected list: every SMTP attempt that was refused, cut off or silently dropped, newest
// last, bounded (oldest forgotten first). Injected faults name their rule; the server's own
// refusals (size, limits, protocol errors) have rule null.

import type { Stage } from './rules.js';

/** One refused or dropped attempt. */
export interface RejectedAttempt {
  /** Monotonic number; the API pages on it. */
  seq: number;
  at: string;
  sessionId: string;
  client: string;
  stage: Stage;
  /** The command line that got the refusal (AUTH secrets masked), "DATA" for the message itself, null at connect. */
  command: string | null;
  envelope: { mailFrom: string | null; rcptTo: string[] };
  /** The rule that did it ({id, name}), a magic address ({id: 'magic', name: local part}), or null for the server's own refusals. */
  rule: { id: string; name: string } | null;
  /** 'reject' | 'tempfail' | 'disconnect' | 'drop' | 'error' (a refusal that was not injected). */
  outcome: 'reject' | 'tempfail' | 'disconnect' | 'drop' | 'error';
  /** The reply line sent, or a description when none was ("connection closed without reply"). */
  reply: string;
}

/** A bounded list of rejected attempts. */
export interface RejectedLog {
  add(entry: Omit<RejectedAttempt, 'seq' | 'at'>): void;
  /** Newest first, at most `limit`, optionally only entries with seq < before. */
  list(limit: number, before?: number): { attempts: RejectedAttempt[]; total: number; dropped: number };
  clear(): void;
  readonly size: number;
}

/** Creates an empty log keeping the last `capacity` attempts. */
export function createRejectedLog(capacity: number, now: () => number = Date.now): RejectedLog {
  const ring: RejectedAttempt[] = [];
  let start = 0; // index of the oldest entry once the ring is full
  let seq = 0;
  let forgotten = 0;
  return {
    add(entry) {
      const full: RejectedAttempt = { seq: ++seq, at: new Date(now()).toISOString(), ...entry };
      if (ring.length < capacity) ring.push(full);
      else {
        ring[start] = full;
        start = (start + 1) % capacity;
        forgotten++;
      }
    },
    list(limit, before) {
      const out: RejectedAttempt[] = [];
      for (let i = ring.length - 1; i >= 0 && out.length < limit; i--) {
        const e = ring[(start + i) % ring.length]!;
        if (before === undefined || e.seq < before) out.push(e);
      }
      return { attempts: out, total: ring.length, dropped: forgotten };
    },
    clear() {
      ring.length = 0;
      start = 0;
    },
    get size() {
      return ring.length;
    },
  };
}
