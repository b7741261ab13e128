// The IMAP front door's sockets: one net.Server (plus one with implicit TLS for --imaps), an
// ImapSession per connection, commands cut out by framing.ts and answered strictly in order
// (pipelined commands included), with bounds: line length, literal and command size (the SMTP
// size limit), connections per client address, idle time (30 minutes, RFC 3501's autologout
// minimum), a pause before a failed login is answered, and reading paused while too many
// commands wait. STARTTLS discards whatever was pipelined after it, then starts TLS on the socket.

import type { Socket } from 'node:net';
import type { Verify } from '../auth/credentials.js';
import type { HostPort } from '../config-values.js';
import type { Logger } from '../log.js';
import { createLineServer, startTls } from '../net/line-server.js';
import { CommandFramer, type Framed } from './framing.js';
import { idleChanges } from './idle.js';
import { MailboxDirectory } from './directory.js';
import type { SharedFlags } from './mailbox.js';
import { ImapSyntaxError, parseCommand } from './parser.js';
import { ImapSession, type ImapAnswer, type ImapUseCases } from './session.js';

export interface ImapListenerOptions {
  /** Plain address (STARTTLS offered with `tls` and `starttls`), or null for the implicit-TLS port only. */
  listen: HostPort | null;
  /** Implicit-TLS address, or null for none (needs `tls`). */
  listenTls?: HostPort | null;
  tls?: { key: string; cert: string } | null;
  starttls?: boolean;
  useCases: ImapUseCases;
  verify: Verify | null;
  log: Logger;
  /** Largest literal (an APPENDed message): the SMTP size limit. */
  maxLiteral: number;
  maxLineLength?: number;
  idleTimeout?: number;
  maxConnectionsPerIp?: number;
  failedLoginDelay?: number;
}

export interface ImapListener {
  start(): Promise<void>;
  readonly port: number | null;
  readonly tlsPort: number | null;
  readonly connections: number;
  close(): Promise<void>;
}

const MAX_LINE = 8 * 1024; // RFC 7162 asks clients to keep command lines under 8 KiB
const IDLE_MS = 30 * 60 * 1000;
const MAX_PER_IP = 20;
const FAILED_LOGIN_MS = 1000;
const MAX_QUEUED = 64;

export function createImapListener(options: ImapListenerOptions): ImapListener {
  const maxLine = options.maxLineLength ?? MAX_LINE;
  const shared: SharedFlags = new Map();
  const directory = new MailboxDirectory(options.useCases);
  const lines = createLineServer({
    ...options,
    maxConnectionsPerIp: options.maxConnectionsPerIp ?? MAX_PER_IP,
    serve,
    refuse: (socket) => socket.end('* BYE [UNAVAILABLE] too many connections from your address\r\n'),
    onError: (err) => options.log.debug({ err: err.message }, 'imap connection error'),
  });
  const context = lines.context;

  function serve(raw: Socket, secure: boolean): void {
    let socket: Socket = raw;
    const session = new ImapSession({
      useCases: options.useCases,
      verify: options.verify,
      canStartTls: () => context !== null && options.starttls === true && !secure,
      failedLoginPause: () => new Promise((resolve) => setTimeout(resolve, options.failedLoginDelay ?? FAILED_LOGIN_MS)), // slows password guessing
      shared,
      directory,
      appendLimit: options.maxLiteral,
      client: () => ({ address: raw.remoteAddress ?? '', secure }),
    });
    const framer = new CommandFramer(maxLine, options.maxLiteral, options.maxLiteral + 64 * 1024);
    const queue: Framed[] = [];
    let busy = false;
    let closing = false;
    const idle = (s: Socket) => s.setTimeout(options.idleTimeout ?? IDLE_MS, () => s.end('* BYE autologout: idle for too long\r\n'));
    idle(raw);
    raw.write(`* OK [CAPABILITY ${session.capabilities()}] Mailroom IMAP ready\r\n`);

    const write = async (bytes: Buffer | string) => {
      if (!socket.write(bytes)) await new Promise<void>((resolve) => socket.once('drain', resolve));
    };
    const bye = (text: string) => {
      closing = true;
      queue.length = 0;
      socket.end(`* BYE ${text}\r\n`);
    };

    async function reply(answer: ImapAnswer): Promise<void> {
      if (answer.stream) {
        // The stream comes in pieces of ~64 KB (selected.ts). The completion goes in the same write
        // as the last piece: a second small write would wait on the client's delayed ACK (Nagle),
        // ~40 ms for a FETCH of one message.
        let last: Buffer | null = null;
        for await (const chunk of answer.stream) {
          if (last) await write(last);
          last = chunk;
        }
        if (last) return write(Buffer.concat([last, answer.out]));
      }
      await write(answer.out);
    }

    async function one(f: Framed): Promise<'go-on' | 'stop'> {
      switch (f.kind) {
        case 'go-ahead':
          await write('+ Ready for literal data\r\n');
          return 'go-on';
        case 'line-too-long':
          bye(`command line too long (at most ${maxLine} bytes)`);
          return 'stop';
        case 'too-big':
          await write(`${f.tag ?? '*'} NO [TOOBIG] a literal of ${f.size} bytes is over the limit of ${options.maxLiteral}\r\n`);
          if (f.nonSync) bye('the literal that was refused is being sent anyway');
          return f.nonSync ? 'stop' : 'go-on';
      }
      if (session.idleTag !== null) return endIdle(f.bytes.toString('latin1'));
      let answer: ImapAnswer;
      if (session.pendingAuth) answer = await session.continueAuth(f.bytes.toString('latin1'));
      else {
        try {
          answer = await session.handle(parseCommand(f.bytes));
        } catch (err) {
          if (!(err instanceof ImapSyntaxError)) throw err;
          await write(`${err.tag ?? '*'} BAD ${err.message}\r\n`);
          return 'go-on';
        }
      }
      await reply(answer);
      if (answer.then === 'close') {
        closing = true;
        socket.end();
        return 'stop';
      }
      if (answer.then === 'starttls') {
        upgrade();
        return 'stop';
      }
      if (answer.then === 'idle') startIdle();
      return 'go-on';
    }

    // IDLE (RFC 2177): mailbox events from the bus that feeds the WebSocket reach the client as
    // they happen, written in event order; DONE ends it after everything already told.
    let idleWrites: Promise<void> = Promise.resolve();
    let unsubscribe: (() => void) | null = null;
    function startIdle(): void {
      const tell = (changes: () => Promise<string[]>) => {
        idleWrites = idleWrites
          .then(async () => {
            const lines = await changes();
            if (lines.length && !socket.destroyed) await write(lines.join(''));
          })
          .catch((err: unknown) => options.log.error({ err }, 'imap idle update failed'));
      };
      unsubscribe = options.useCases.events.subscribe((event) => tell(() => idleChanges(session, event)));
      tell(() => session.updates()); // what changed since the last command, first
      socket.once('close', stopIdle);
    }
    function stopIdle(): void {
      unsubscribe?.();
      unsubscribe = null;
    }
    async function endIdle(line: string): Promise<'go-on'> {
      const tag = session.idleTag!;
      session.idleTag = null;
      stopIdle();
      await idleWrites;
      await write(line.trim().toUpperCase() === 'DONE' ? `${tag} OK IDLE terminated\r\n` : `${tag} BAD expected DONE to end IDLE\r\n`);
      return 'go-on';
    }

    async function work(): Promise<void> {
      busy = true;
      while (queue.length && !closing && !socket.destroyed) {
        const f = queue.shift()!;
        if ((await one(f)) === 'stop') break;
        if (queue.length < MAX_QUEUED / 4 && socket.isPaused()) socket.resume();
      }
      busy = false;
    }

    const run = () => {
      work().catch((err: unknown) => {
        options.log.error({ err }, 'imap command failed');
        bye('[SERVERBUG] internal error');
      });
    };

    const onData = (chunk: Buffer) => {
      if (closing) return;
      queue.push(...framer.push(chunk));
      if (queue.length > MAX_QUEUED) socket.pause(); // a client pipelining faster than we answer waits
      if (!busy) run();
    };
    raw.on('data', onData);

    /** STARTTLS: whatever the client pipelined after the command is dropped, then TLS starts on the socket. */
    function upgrade(): void {
      queue.length = 0;
      framer.reset();
      raw.off('data', onData);
      const upgraded = startTls(raw, context!);
      secure = true;
      socket = upgraded;
      upgraded.on('error', (err: Error) => options.log.debug({ err: err.message }, 'imap tls error'));
      idle(upgraded);
      upgraded.on('data', onData);
    }
  }

  return lines;
}
