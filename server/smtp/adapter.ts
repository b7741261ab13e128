// The one file that imports smtp-server (pinned to an exact version in package.json). It turns the
// library's callbacks into calls on SmtpHandlers (session.ts) with our own Session, and keeps no
// state of ours on the library's objects: a WeakMap leads from the library's session to ours.
//
// Three departures from the library's defaults that no option controls, each a method of a small
// SMTPConnection subclass:
//   1. Greeting without delay: SMTPConnection.init() waits a hard-coded 100 ms before the 220
//      (early-talker detection), which caps an app that connects per message near 10 msg/s per
//      sender. init() here runs the same steps without the timer; a client that talks before the
//      greeting still gets the library's "421 You talk too soon".
//   2. Every command line and every reply pass through our handlers (transcripts, the EHLO step,
//      the one place refusals are recorded): send() and _onCommand() are overridden.
//   3. Replies are coalesced: 250/354 cork the socket until the next turn of the loop, so the
//      replies to a pipelined group leave in one write (10 sessions x 2 KB: 4,174 -> 5,667 msg/s
//      when it was introduced; npm run bench -- --only ingest).
// Plus an absolute session deadline (the library has only an idle timeout, which every byte re-arms).
//
// Private members still used, because no public option or method does their job; each is checked
// by test/unit/smtp-adapter-contract.test.ts so a library upgrade that changes them fails loudly:
//   _setListeners(cb)             (1) the socket set-up that init() does before its greeting timer
//   _onCommand(line, cb)          (2) the parser calls it by name for every command line
//   _getEnhancedStatusCode(c, x)  (2) the reply text exactly as written, for the transcript
//   _socket                       (3) the current socket (STARTTLS replaces it), to cork it and read its TLS protocol

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { HostPort } from '../config-values.js';
import { SmtpError } from './smtp-error.js';
import type { CommandLine, ReplyOut, Session, SmtpHandlers, SmtpServerSpec, TlsInfo, Transaction } from './session.js';
import { coalesce, replyText, settle } from './reply-wire.js';

export interface SmtpServerHandle {
  listen(at: HostPort): Promise<number>;
  close(): Promise<void>;
}

/** RFC 3463 enhanced status code at the start of a reply text. */
const ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;

type SocketOptions = ConstructorParameters<typeof SMTPConnection>[2];

/** The reply being sent, one object per connection reused for every reply (valid during the handler call). */
class OutgoingReply implements ReplyOut {
  code = 0;
  data: string | string[] | null | undefined = undefined;
  context: string | false | undefined = undefined;
  error: SmtpError | null = null;
  constructor(readonly enhancedCode: (code: number, context: string | false | undefined) => string) {}

  text(): string {
    return replyText(this.code, this.data, this.enhancedCode(this.code, this.context));
  }
}

/** Our Session over one connection: reads the library's state through getters, stores none on it. */
class AdaptedSession implements Session {
  readonly id: string;
  readonly client: { address: string; port: number };
  readonly localPort: number;
  /** The SmtpError handed to the library, matched with the reply it causes. */
  pending: SmtpError | null = null;
  /** The last reply was 334: the next line is part of an AUTH exchange. */
  inAuthExchange = false;
  greeted = false;
  /** STARTTLS was answered 220 and the handshake has not completed yet. */
  upgrading = false;
  deadline: NodeJS.Timeout | null = null;
  readonly out: OutgoingReply;
  readonly #connection: MailroomConnection;

  constructor(connection: MailroomConnection) {
    this.#connection = connection;
    this.out = new OutgoingReply((code, context) => connection._getEnhancedStatusCode(code, context));
    this.id = connection.id;
    this.client = { address: connection.remoteAddress, port: connection.remotePort };
    this.localPort = connection.localPort;
  }

  get secure(): boolean {
    return Boolean(this.#connection.secure);
  }

  get tls(): TlsInfo | null {
    const c = this.#connection;
    if (!c.secure) return null;
    const cipher = c.tlsOptions as { name?: string; standardName?: string; version?: string } | false;
    const socket = c._socket as Partial<TLSSocket>;
    return { protocol: socket.getProtocol?.() ?? (cipher ? cipher.version ?? null : null), cipher: cipher ? cipher.standardName ?? cipher.name ?? null : null };
  }

  get heloName(): string {
    return this.#connection.hostNameAppearsAs || '';
  }

  get authUser(): string | null {
    const user: unknown = this.#connection.session.user;
    return typeof user === 'string' ? user : null; // onAuth below always answers with a string
  }

  get transaction(): Transaction {
    // The library's types say a session always has an envelope, but a connection refused before
    // the session starts (its 421s at the connection cap and at shutdown) has none yet.
    const env = this.#connection.session.envelope as SMTPServerSession['envelope'] | undefined;
    return { mailFrom: env?.mailFrom ? env.mailFrom.address : null, rcptTo: env ? env.rcptTo.map((r) => r.address) : [] };
  }

  reply(error: SmtpError): void {
    this.pending = error;
    this.#connection.send(error.code, error.message);
  }

  close(): void {
    this.#connection.close();
  }

  /** The library's form of a refusal (err.responseCode + message); remembers an SmtpError for the reply. */
  refusal(err: unknown): Error {
    if (err instanceof SmtpError) {
      this.pending = err;
      return Object.assign(new Error(err.message), { responseCode: err.code });
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}

class MailroomConnection extends SMTPConnection {
  readonly adapted: AdaptedSession;
  readonly #handlers: SmtpHandlers;
  readonly #server: MailroomServer;

  constructor(server: MailroomServer, socket: Socket, options: SocketOptions, handlers: SmtpHandlers) {
    super(server, socket, options);
    this.#server = server;
    this.#handlers = handlers;
    this.adapted = new AdaptedSession(this);
  }

  /** SMTPConnection.init() without its 100 ms greeting delay (see 1. above). */
  override init(): void {
    const maxClients = this.#server.options.maxClients;
    this._setListeners(() => {
      if (maxClients && this.#server.connections.size > maxClients) {
        this.adapted.reply(new SmtpError(421, `${this.name} Too many connected clients, try again in a moment`, { enhanced: '4.7.0' }));
        return;
      }
      this.connectionReady();
    });
  }

  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    const s = this.adapted;
    if (code === 250 || code === 354) coalesce(this._socket);
    // RFC 5321's success for DATA is "250 2.0.0"; the library labels it 2.6.0 (media conversion).
    if (code === 250 && context === 'DATA_OK') context = undefined;
    // A text that starts with its own enhanced code keeps it instead of getting the library's in front.
    else if (typeof data === 'string' && ENHANCED_CODE.test(data)) context = false;
    if (code === 220) {
      if (s.greeted) s.upgrading = true; // the answer to STARTTLS
      s.greeted = true;
    }
    s.inAuthExchange = code === 334;
    const out = s.out;
    out.code = code;
    out.data = data;
    out.context = context;
    out.error = null;
    if (code >= 400) {
      out.error = s.pending?.code === code ? s.pending : SmtpError.fromReply(code, out.text());
      s.pending = null;
    }
    this.#handlers.reply(s, out);
    super.send(code, data, context);
  }

  override _onCommand(command: Buffer, callback?: () => void): void {
    const s = this.adapted;
    if (s.upgrading && this.secure) s.upgrading = false;
    const line = command.toString();
    const sp = line.indexOf(' ');
    const continuation = s.inAuthExchange;
    const cmd: CommandLine = { name: continuation ? 'AUTH' : (sp === -1 ? line : line.slice(0, sp)).toUpperCase(), line, continuation };
    // Steps see only lines the library would act on: not before the greeting, not mid-handshake.
    const verdict = s.greeted && !s.upgrading ? this.#handlers.command(s, cmd) : null;
    if (!verdict) return super._onCommand(command, callback);
    void verdict.then((v) => {
      if (v === 'proceed') super._onCommand(command, callback);
      else if (v === 'answered') callback?.();
    });
  }
}

class MailroomServer extends SMTPServer {
  readonly #handlers: SmtpHandlers;
  readonly #sessionTimeout: number;
  readonly #sessions = new WeakMap<object, AdaptedSession>();

  constructor(options: SMTPServerOptions, handlers: SmtpHandlers, sessionTimeout: number) {
    super(options);
    this.#handlers = handlers;
    this.#sessionTimeout = sessionTimeout;
  }

  /** Our session for the library's session object. */
  sessionOf(librarySession: SMTPServerSession): AdaptedSession {
    return this.#sessions.get(librarySession)!;
  }

  override connect(socket: Socket, socketOptions: SocketOptions): void {
    const connection = new MailroomConnection(this, socket, socketOptions, this.#handlers);
    const session = connection.adapted;
    this.#sessions.set(connection.session, session);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this.emit('error', err));
    this.#handlers.open(session);
    session.deadline = setTimeout(() => session.reply(new SmtpError(421, 'Error: session time limit exceeded, closing connection')), this.#sessionTimeout);
    session.deadline.unref();
    connection.init();
  }
}

/** Builds one listener's server over `handlers`; `onError` hears connection-level errors (resets, TLS failures). */
export function createSmtpServer(spec: SmtpServerSpec, handlers: SmtpHandlers, onError: (err: Error & { code?: string }) => void): SmtpServerHandle {
  const server: MailroomServer = new MailroomServer(
    {
      secure: spec.secure,
      ...(spec.tls ? { key: spec.tls.key, cert: spec.tls.cert } : {}),
      disabledCommands: spec.secure || spec.starttls ? [] : ['STARTTLS'],
      name: spec.hostname,
      banner: 'Mailroom ready',
      size: spec.maxMessageSize,
      rejectOversized: true,
      maxRecipients: spec.maxRecipients,
      maxClients: spec.maxConnections,
      maxCommandLength: spec.maxCommandLength,
      socketTimeout: spec.idleTimeout,
      closeTimeout: 1000,
      authOptional: !spec.authRequired, // MAIL before AUTH gets 530 5.7.0
      allowInsecureAuth: !spec.authRequired || spec.allowInsecureAuth, // otherwise AUTH before STARTTLS gets 538 5.7.11
      authMethods: ['PLAIN', 'LOGIN'],
      hideENHANCEDSTATUSCODES: false,
      disableReverseLookup: true,
      logger: false,
      onConnect(libSession, callback) {
        const s = server.sessionOf(libSession);
        settle(s, () => handlers.connect(s), callback);
      },
      onAuth(auth, libSession, callback) {
        const s = server.sessionOf(libSession);
        const user = auth.username ?? '';
        settle(s, () => handlers.auth(s, user, auth.password ?? ''), (err) => (err ? callback(err) : callback(null, { user })));
      },
      // Both answer after the current call stack at the earliest (settle): answering synchronously
      // trips an smtp-server 3.21.6 bug where SMTPStream.continue() clears the continuation that a
      // re-entrant _write just set, so commands pipelined after a second DATA in one write (e.g.
      // QUIT) are never answered (test: "two pipelined transactions and QUIT").
      onMailFrom(address, libSession, callback) {
        const s = server.sessionOf(libSession);
        const declared = Number(((address.args || {}) as Record<string, string>).SIZE ?? 0) || 0;
        settle(s, () => handlers.mail(s, address.address, declared), callback);
      },
      onRcptTo(address, libSession, callback) {
        const s = server.sessionOf(libSession);
        settle(s, () => handlers.rcpt(s, address.address), callback);
      },
      onData(stream: SMTPServerDataStream, libSession, callback) {
        const s = server.sessionOf(libSession);
        handlers.data(s, stream).then(
          (text) => (text === null ? undefined : callback(null, text)),
          (err: unknown) => callback(s.refusal(err)),
        );
      },
      onClose(libSession) {
        const s = server.sessionOf(libSession);
        if (s.deadline) clearTimeout(s.deadline);
        handlers.close(s);
      },
    },
    handlers,
    spec.sessionTimeout,
  );
  // Mandatory: without an 'error' listener a client's TCP reset crashes the process.
  server.on('error', onError);
  return {
    listen(at) {
      return new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(at.port, at.host, () => {
          server.server.off('error', reject);
          resolve((server.server.address() as { port: number }).port);
        });
      });
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
