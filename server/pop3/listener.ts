// The POP3 front door's sockets: one net.Server, a Pop3Session per connection, commands read
// line by line (pipelined commands are answered in order, each after the previous one's answer
// is written), with bounds: command line length, idle time (10 minutes, RFC 1939's autologout
// timer), connections per client address, and a pause before a failed login is answered.
// With TLS material, STLS upgrades the plain port (RFC 2595; anything pipelined after STLS is
// discarded, so plaintext cannot be injected into the TLS session) and --pop3s listens with
// implicit TLS.

import type { Socket } from 'node:net';
import type { HostPort } from '../config-values.js';
import type { Verify } from '../auth/credentials.js';
import type { Logger } from '../log.js';
import { createLineServer, startTls } from '../net/line-server.js';
import { Pop3Session, type Pop3UseCases } from './session.js';

export interface Pop3ListenerOptions {
  /** Plain address (STLS offered with `tls`), or null for the implicit-TLS port only. */
  listen: HostPort | null;
  /** Implicit-TLS address, or null for none (needs `tls`). */
  listenTls?: HostPort | null;
  /** Certificate for STLS and the implicit-TLS port; without it neither is offered. */
  tls?: { key: string; cert: string } | null;
  /** Offer STLS on the plain port (with `tls`). */
  starttls?: boolean;
  useCases: Pop3UseCases;
  verify: Verify | null;
  log: Logger;
  /** Longest command line accepted, line break included (bytes). */
  maxLineLength?: number;
  /** Close a connection idle this long (ms). */
  idleTimeout?: number;
  maxConnectionsPerIp?: number;
  /** Pause before answering a failed login (ms). */
  failedLoginDelay?: number;
}

export interface Pop3Listener {
  start(): Promise<void>;
  /** The plain port, or null. */
  readonly port: number | null;
  /** The implicit-TLS port, or null. */
  readonly tlsPort: number | null;
  /** Open connections. */
  readonly connections: number;
  close(): Promise<void>;
}

const MAX_LINE = 1024; // RFC 2449 allows 255 octets per command; AUTH PLAIN responses need more room
const IDLE_MS = 10 * 60 * 1000;
const MAX_PER_IP = 20;
const FAILED_LOGIN_MS = 1000;
const LF = 0x0a;

/** Builds the listener; nothing is bound until start(). */
export function createPop3Listener(options: Pop3ListenerOptions): Pop3Listener {
  const maxLine = options.maxLineLength ?? MAX_LINE;
  const lines = createLineServer({
    ...options,
    maxConnectionsPerIp: options.maxConnectionsPerIp ?? MAX_PER_IP,
    serve,
    refuse: (socket) => socket.end('-ERR [SYS/TEMP] too many connections from your address\r\n'),
    onError: (err) => options.log.debug({ err: err.message }, 'pop3 connection error'),
  });
  const context = lines.context;

  function serve(raw: Socket, secure: boolean): void {
    let socket: Socket = raw;
    const session = new Pop3Session({
      useCases: options.useCases,
      verify: options.verify,
      canStartTls: () => context !== null && options.starttls === true && !secure,
      failedLoginPause: () => new Promise((resolve) => setTimeout(resolve, options.failedLoginDelay ?? FAILED_LOGIN_MS)), // slows password guessing
    });
    socket.setTimeout(options.idleTimeout ?? IDLE_MS, () => socket.end('-ERR [SYS/TEMP] autologout: idle too long\r\n'));
    socket.write('+OK Mailroom POP3 ready\r\n');

    let pending: Buffer = Buffer.alloc(0);
    let busy = false;
    let closing = false;
    const drained = () => new Promise<void>((resolve) => socket.once('drain', resolve));

    async function work(): Promise<void> {
      busy = true;
      while (!closing) {
        const lf = pending.indexOf(LF);
        if (lf === -1) break;
        const line = pending.subarray(0, lf).toString('latin1').replace(/\r$/, '');
        pending = pending.subarray(lf + 1);
        const answer = await session.handle(line);
        if (socket.destroyed) return;
        const flowing = socket.write(answer.out);
        if (answer.then === 'starttls') {
          upgrade();
          break;
        }
        if (answer.then === 'close') {
          closing = true;
          socket.end();
          break;
        }
        if (!flowing) await drained();
      }
      busy = false;
    }

    const onData = (chunk: Buffer) => {
      if (closing) return;
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const lf = pending.indexOf(LF);
      if ((lf === -1 ? pending.length : lf + 1) > maxLine) {
        closing = true;
        socket.end(`-ERR line too long (at most ${maxLine} bytes)\r\n`);
        return;
      }
      if (!busy) run();
    };
    const run = () => {
      work().catch((err: unknown) => {
        options.log.error({ err }, 'pop3 command failed');
        closing = true;
        socket.end('-ERR [SYS/TEMP] internal error\r\n');
      });
    };
    socket.on('data', onData);

    /** STLS: whatever the client pipelined after the command is dropped, then TLS starts on the socket. */
    function upgrade(): void {
      pending = Buffer.alloc(0);
      raw.off('data', onData);
      const upgraded = startTls(raw, context!);
      secure = true;
      socket = upgraded;
      upgraded.on('error', (err: Error) => options.log.debug({ err: err.message }, 'pop3 tls error'));
      upgraded.setTimeout(options.idleTimeout ?? IDLE_MS, () => upgraded.end('-ERR [SYS/TEMP] autologout: idle too long\r\n'));
      upgraded.on('data', onData);
      upgraded.once('secure', () => {
        if (pending.length && !busy) run();
      });
    }
  }

  return lines;
}
