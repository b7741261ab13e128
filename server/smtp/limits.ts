// The bounds as pipeline steps: connections per client address (421 at connect), the in-flight
// byte budget (452 at MAIL when a message could not start, 451 at DATA when it ran out) and the
// message size cap (552), read while the message streams in (receive.ts).

import type { Readable } from 'node:stream';
import { createByteBudget, type ByteBudget } from './inflight.js';
import { readMessage } from './receive.js';
import type { Session } from './session.js';
import { SmtpError } from './smtp-error.js';

export interface Limits {
  readonly budget: ByteBudget;
  /** connect: counts the connection against its address, or refuses it. */
  admitConnection(session: Session): void;
  /** close: gives the connection's place back; false for one that was never admitted. */
  releaseConnection(session: Session): boolean;
  /** mail: refuses a transaction the in-flight budget could not take now (a declared SIZE counts). */
  admitMessage(declaredSize: number): void;
  /** data: the message's bytes (release them once stored or dropped), or a 552/451 refusal. */
  readMessage(stream: Readable & { sizeExceeded?: boolean }): Promise<{ raw: Buffer; release: () => void }>;
}

export function createLimits(options: { maxMessageSize: number; maxConnectionsPerIp: number; maxInFlightBytes?: number }): Limits {
  const { maxMessageSize, maxConnectionsPerIp } = options;
  const budget = createByteBudget(Math.max(options.maxInFlightBytes ?? Infinity, maxMessageSize));
  // Per-client-address connection counts, shared by the plain and TLS listeners.
  const perIp = new Map<string, number>();
  const counted = new Set<string>();
  const busy = () => new SmtpError(452, 'Error: too much mail in flight, try again later', { enhanced: '4.3.1', counter: 'rejectedBusy' });
  return {
    budget,
    admitConnection(session) {
      const ip = session.client.address;
      const n = (perIp.get(ip) ?? 0) + 1;
      if (n > maxConnectionsPerIp) throw new SmtpError(421, `Too many connections from ${ip}, try again later`, { enhanced: '4.7.0', counter: 'rejectedConnections' });
      perIp.set(ip, n);
      counted.add(session.id);
    },
    releaseConnection(session) {
      if (!counted.delete(session.id)) return false;
      const ip = session.client.address;
      const n = (perIp.get(ip) ?? 1) - 1;
      if (n <= 0) perIp.delete(ip);
      else perIp.set(ip, n);
      return true;
    },
    admitMessage(declaredSize) {
      // Back-pressure instead of memory growth: a transient refusal the client retries.
      if (!budget.canStart(Math.min(declaredSize, maxMessageSize))) throw busy();
    },
    readMessage(stream) {
      return readMessage(stream, maxMessageSize, budget).then((read) => {
        if ('rejected' in read && read.rejected === 'busy') throw new SmtpError(451, 'Error: too much mail in flight, try again later', { enhanced: '4.3.1', counter: 'rejectedBusy' });
        if ('rejected' in read || stream.sizeExceeded) {
          if ('raw' in read) read.release();
          throw new SmtpError(552, `Error: message exceeds fixed maximum message size ${maxMessageSize}`, { counter: 'rejectedSize' });
        }
        return read;
      });
    },
  };
}
