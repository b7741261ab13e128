// The SMTP listener(s): plain with optional STARTTLS, plus an optional implicit-TLS port.
// Accepts every sender and recipient; stores each complete message, then answers 250 with its id.

import type { AddressInfo } from 'node:net';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { Logger } from '../log.js';
import type { HostPort } from '../config-values.js';
import type { Envelope } from '../mail/types.js';
import { DomainError, type App } from '../app/index.js';
import { MailroomSMTPServer, type MailroomSmtpOptions } from './immediate-greeting.js';
import { AbortedMessageError, readMessage } from './receive.js';
import { createReceiptLog } from './receipt-log.js';
import { createByteBudget } from './inflight.js';
import { authOptions, recipientFilter, type SmtpAccessOptions } from './access.js';
import type { TlsMaterial } from './tls.js';
import type { SmtpHooks } from './hooks.js';

export interface SmtpListenerOptions {
  listen: HostPort;
  /** Implicit-TLS address, or null for none. */
  smtps: HostPort | null;
  /** Certificate for STARTTLS and SMTPS; required when either is on. */
  tls: TlsMaterial | null;
  /** Offer STARTTLS on the plain listener. */
  starttls: boolean;
  hostname: string;
  maxMessageSize: number;
  maxRecipients: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  maxCommandLength: number;
  idleTimeout: number;
  sessionTimeout: number;
  /** The use cases a received message goes through (prepare, then store). */
  useCases: Pick<App, 'prepareIncoming' | 'storeIncoming'>;
  log: Logger;
  /** Failure injection and delivery bookkeeping at each hook point (hooks.ts); none when absent. */
  hooks?: SmtpHooks | null;
  /** Instruments each connection before it greets (session-tap.ts). */
  onConnection?: MailroomSmtpOptions['onConnection'];
  /** Bytes of DATA held across all connections at once (raised to maxMessageSize if lower). */
  maxInFlightBytes?: number;
  /** Opt-in AUTH and recipient restrictions; open when omitted. */
  access?: SmtpAccessOptions;
}

/** Counters the listener keeps (exposed through /api/info). */
export interface SmtpCounters {
  connections: number;
  accepted: number;
  /** Raw bytes of the accepted messages. */
  acceptedBytes: number;
  rejectedSize: number;
  rejectedConnections: number;
  aborted: number;
  errors: number;
  /** Refused because the in-flight byte budget was exhausted (452/451 4.3.1). */
  rejectedBusy: number;
  /** Refused by --smtp-allowed-recipients (550 5.7.1). */
  rejectedRecipients: number;
  /** Message bytes being received right now: the part of --max-inflight-bytes in use. */
  readonly inFlightBytes: number;
}

export interface SmtpListener {
  /** Bound ports (after start). */
  readonly port: number;
  readonly smtpsPort: number | null;
  readonly counters: SmtpCounters;
  start(): Promise<void>;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

function envelopeOf(session: SMTPServerSession): Envelope {
  const user: unknown = session.user;
  return {
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
    remoteAddress: session.remoteAddress,
    heloName: session.hostNameAppearsAs || '',
    authUser: typeof user === 'string' ? user : null, // our onAuth always sets a string
    secure: Boolean(session.secure),
  };
}

/** Builds the listener; nothing is bound until start(). */
export function createSmtpListener(options: SmtpListenerOptions): SmtpListener {
  const { useCases, log } = options;
  const hooks = options.hooks ?? null;
  const budget = createByteBudget(Math.max(options.maxInFlightBytes ?? Infinity, options.maxMessageSize));
  const counters: SmtpCounters = {
    connections: 0, accepted: 0, acceptedBytes: 0, rejectedSize: 0, rejectedConnections: 0, aborted: 0, errors: 0, rejectedBusy: 0, rejectedRecipients: 0,
    get inFlightBytes() {
      return budget.used;
    },
  };
  const access: SmtpAccessOptions = options.access ?? { verify: null, allowInsecureAuth: true, allowedRecipients: null };
  const auth = authOptions(access);
  const checkRecipient = recipientFilter(access);
  // Per-client-address connection counts, shared by the plain and TLS listeners.
  const perIp = new Map<string, number>();
  const counted = new Set<string>();
  const receipts = createReceiptLog(log);

  /** Resolves with the stored (or dropped) message's id, or null when a hook closed the connection instead. */
  async function ingest(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string | null> {
    hooks?.dataStart(stream, session);
    const read = await readMessage(stream, options.maxMessageSize, budget);
    if ('rejected' in read && read.rejected === 'busy') {
      counters.rejectedBusy++;
      throw smtpError(451, '4.3.1 Error: too much mail in flight, try again later');
    }
    if ('rejected' in read || stream.sizeExceeded) {
      if ('raw' in read) read.release();
      counters.rejectedSize++;
      throw smtpError(552, `Error: message exceeds fixed maximum message size ${options.maxMessageSize}`);
    }
    const { raw } = read;
    const envelope = envelopeOf(session);
    let stored: Awaited<ReturnType<App['storeIncoming']>>;
    try {
      const incoming = await useCases.prepareIncoming(raw, envelope);
      const decided = hooks?.dataEnd(session, envelope, incoming.view.subject, raw, incoming.inbox);
      if (decided) {
        const outcome = await decided;
        if (outcome.kind === 'drop') return outcome.id;
        if (outcome.kind === 'disconnect') return null;
      }
      stored = await useCases.storeIncoming(incoming);
    } finally {
      read.release(); // stored, dropped or failed: the bytes no longer count as in flight
    }
    hooks?.delivered(session, stored.id);
    counters.accepted++;
    counters.acceptedBytes += raw.length;
    receipts.received({ id: stored.id, from: envelope.mailFrom, to: envelope.rcptTo.length > 3 ? `${envelope.rcptTo.length} recipients` : envelope.rcptTo, size: raw.length, parseError: stored.view.parseError ?? undefined });
    return stored.id;
  }

  function build(secure: boolean): MailroomSMTPServer {
    const server = new MailroomSMTPServer({
      secure,
      ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
      disabledCommands: secure || options.starttls ? [] : ['STARTTLS'],
      name: options.hostname,
      banner: 'Mailroom ready',
      size: options.maxMessageSize,
      rejectOversized: true,
      maxRecipients: options.maxRecipients,
      maxClients: options.maxConnections,
      maxCommandLength: options.maxCommandLength,
      socketTimeout: options.idleTimeout,
      sessionTimeout: options.sessionTimeout,
      closeTimeout: 1000,
      ...authOptions(access),
      authMethods: ['PLAIN', 'LOGIN'],
      hideENHANCEDSTATUSCODES: false,
      disableReverseLookup: true,
      logger: false,
      onConnection: options.onConnection,
      onAuth(credentials, session, callback) {
        auth.onAuth!(credentials, session, (err, response) => {
          if (err || !hooks) return callback(err, response);
          hooks.auth(credentials.username ?? '', session, (hookErr) => (hookErr ? callback(hookErr) : callback(null, response)));
        });
      },
      // Both hooks answer after the current call stack at the earliest (nextTick): answering
      // synchronously trips an smtp-server 3.21.6 bug where SMTPStream.continue() clears the
      // continuation that a re-entrant _write just set, so commands pipelined after a second DATA
      // in one write (e.g. QUIT) are never answered (test: "two pipelined transactions and QUIT").
      onMailFrom(address, session, callback) {
        const later: typeof callback = (err) => process.nextTick(callback, err);
        // Back-pressure instead of memory growth: a transient refusal the client retries.
        const declared = Number(((address.args || {}) as Record<string, string>).SIZE ?? 0) || 0;
        if (!budget.canStart(Math.min(declared, options.maxMessageSize))) {
          counters.rejectedBusy++;
          return later(smtpError(452, '4.3.1 Error: too much mail in flight, try again later'));
        }
        if (!hooks) return later();
        hooks.mail(address.address, session, later);
      },
      onRcptTo(address, session, callback) {
        const later: typeof callback = (err) => process.nextTick(callback, err);
        const refused = checkRecipient?.(address.address) ?? null;
        if (refused) {
          counters.rejectedRecipients++;
          return later(refused);
        }
        if (!hooks) return later();
        hooks.rcpt(address.address, session, later);
      },
      onConnect(session, callback) {
        const ip = session.remoteAddress;
        const n = (perIp.get(ip) ?? 0) + 1;
        if (n > options.maxConnectionsPerIp) {
          counters.rejectedConnections++;
          return callback(smtpError(421, `4.7.0 Too many connections from ${ip}, try again later`));
        }
        perIp.set(ip, n);
        counted.add(session.id);
        counters.connections++;
        if (hooks) hooks.connect(session, callback);
        else callback();
      },
      onClose(session) {
        if (!counted.delete(session.id)) return;
        counters.connections--;
        const n = (perIp.get(session.remoteAddress) ?? 1) - 1;
        if (n <= 0) perIp.delete(session.remoteAddress);
        else perIp.set(session.remoteAddress, n);
      },
      onData(stream, session, callback) {
        ingest(stream, session).then(
          (id) => (id === null ? undefined : callback(null, `Ok: queued as ${id}`)),
          (err: unknown) => {
            if (err instanceof AbortedMessageError) {
              counters.aborted++;
              return callback(smtpError(451, 'Message not received in full'));
            }
            if (err instanceof DomainError && err.kind === 'too-large') {
              counters.rejectedSize++;
              return callback(smtpError(552, `Error: ${err.message}`));
            }
            if ((err as { responseCode?: number }).responseCode) return callback(err as Error);
            counters.errors++;
            log.error({ err }, 'failed to store message');
            callback(smtpError(451, 'Temporary failure storing the message, try again'));
          },
        );
      },
    });
    // Mandatory: without an 'error' listener a client's TCP reset crashes the process.
    server.on('error', (err: Error & { code?: string }) => {
      log.debug({ err: err.message, code: err.code }, 'smtp connection error');
    });
    return server;
  }

  const plain = build(false);
  const tlsServer = options.smtps ? build(true) : null;
  let port = 0;
  let smtpsPort: number | null = null;

  function listen(server: MailroomSMTPServer, at: HostPort): Promise<number> {
    return new Promise((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(at.port, at.host, () => {
        server.server.off('error', reject);
        resolve((server.server.address() as AddressInfo).port);
      });
    });
  }

  return {
    get port() {
      return port;
    },
    get smtpsPort() {
      return smtpsPort;
    },
    counters,
    async start() {
      port = await listen(plain, options.listen);
      if (tlsServer && options.smtps) smtpsPort = await listen(tlsServer, options.smtps);
    },
    async close() {
      receipts.close();
      await Promise.all([plain, tlsServer].filter((s): s is MailroomSMTPServer => s !== null).map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
