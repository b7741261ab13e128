// The SMTP pipeline: what happens at each point of a session, as named steps in order. The adapter
// (adapter.ts) calls one handler per point; each handler runs its steps, and a step refuses by
// throwing an SmtpError. Access rules, limits, failure injection and transcripts plug in here and
// nowhere else; relay, webhooks and the feeds hear the bus event the store step publishes.
//
//   connect  limits.connections, faults.connect
//   command  transcript.command, faults.ehlo (EHLO/HELO lines)
//   auth     access.credentials, faults.auth
//   mail     limits.inFlight, faults.mail
//   rcpt     access.recipients, faults.rcpt
//   data     faults.slow, read (size cap, in-flight budget), parse + route (app.prepareIncoming),
//            faults.data, store + publish (app.storeIncoming), delivered (transcript, receipt log)
//   reply    transcript.reply, refusals (the one place a refusal is recorded)
//   close    limits.release, transcript.close

import type { App } from '../app/index.js';
import { DomainError } from '../app/index.js';
import type { FaultController } from '../faults/controller.js';
import type { RejectedLog } from '../faults/rejected-log.js';
import type { Logger } from '../log.js';
import type { Envelope } from '../mail/types.js';
import type { SessionContext, SessionRegistry } from '../sessions/sessions.js';
import { checkCredentials, checkRecipient, OPEN_ACCESS, type SmtpAccessOptions } from './access.js';
import { createFaultSteps } from './fault-steps.js';
import { createLimits, type Limits } from './limits.js';
import { createReceiptLog } from './receipt-log.js';
import { AbortedMessageError } from './receive.js';
import { createRefusalRecorder } from './refusals.js';
import type { DataStream, Session, SmtpHandlers, StepResult } from './session.js';
import { SmtpError, type RefusalCounter } from './smtp-error.js';
import { noteMessageBytes, recordClose, recordCommand, recordReply } from './transcript.js';

/** The steps at each point, in order (docs/architecture.md names them; a test keeps the two in step). */
export const PIPELINE_STEPS = {
  connect: ['limits.connections', 'faults.connect'],
  command: ['transcript.command', 'faults.ehlo'],
  auth: ['access.credentials', 'faults.auth'],
  mail: ['limits.inFlight', 'faults.mail'],
  rcpt: ['access.recipients', 'faults.rcpt'],
  data: ['faults.slow', 'read', 'parse', 'route', 'faults.data', 'store', 'publish', 'delivered'],
  reply: ['transcript.reply', 'refusals'],
  close: ['limits.release', 'transcript.close'],
} as const;

/** Counters the pipeline keeps (exposed through /api/info and /metrics). */
export interface SmtpCounters extends Record<RefusalCounter, number> {
  connections: number;
  accepted: number;
  /** Raw bytes of the accepted messages. */
  acceptedBytes: number;
  /** Message bytes being received right now: the part of --max-inflight-bytes in use. */
  readonly inFlightBytes: number;
}

export interface PipelineOptions {
  maxMessageSize: number;
  maxConnectionsPerIp: number;
  /** Bytes of DATA held across all connections at once (raised to maxMessageSize if lower). */
  maxInFlightBytes?: number;
  /** Opt-in AUTH and recipient restrictions; open when omitted. */
  access?: SmtpAccessOptions;
  /** The use cases a received message goes through (prepare: parse and route, then store: store and publish). */
  useCases: Pick<App, 'prepareIncoming' | 'storeIncoming'>;
  sessions: SessionRegistry;
  rejected: RejectedLog;
  faults: FaultController;
  log: Logger;
}

export interface Pipeline {
  readonly handlers: SmtpHandlers;
  readonly counters: SmtpCounters;
  close(): void;
}

/** Runs a step, then the next once it settled: synchronous while every step is. */
function then(first: StepResult, next: () => StepResult): StepResult {
  return first ? first.then(next) : next();
}

type StoredIncoming = Awaited<ReturnType<App['storeIncoming']>>;
type Received = Awaited<ReturnType<Limits['readMessage']>>;

function envelopeOf(session: Session): Envelope {
  const tx = session.transaction;
  return { mailFrom: tx.mailFrom ?? '', rcptTo: tx.rcptTo, remoteAddress: session.client.address, heloName: session.heloName, authUser: session.authUser, secure: session.secure };
}

export function createPipeline(options: PipelineOptions): Pipeline {
  const { useCases, sessions, log } = options;
  const access = options.access ?? OPEN_ACCESS;
  const limits = createLimits(options);
  const counters: SmtpCounters = {
    connections: 0, accepted: 0, acceptedBytes: 0, rejectedSize: 0, rejectedConnections: 0, aborted: 0, errors: 0, rejectedBusy: 0, rejectedRecipients: 0,
    get inFlightBytes() {
      return limits.budget.used;
    },
  };
  const refusals = createRefusalRecorder(options.rejected, counters);
  const faults = createFaultSteps({ faults: options.faults, refusals });
  const receipts = createReceiptLog(log);
  const contexts = new WeakMap<Session, SessionContext>();
  const ctxOf = (session: Session) => contexts.get(session)!;

  /** delivered: the session's transcript keeps the message, the counters and the receipt log count it. */
  function delivered(ctx: SessionContext, raw: Buffer, envelope: Envelope, stored: StoredIncoming): void {
    ctx.messages.push(stored.id);
    ctx.pendingMessage = stored.id;
    counters.accepted++;
    counters.acceptedBytes += raw.length;
    receipts.received({ id: stored.id, from: envelope.mailFrom, to: envelope.rcptTo.length > 3 ? `${envelope.rcptTo.length} recipients` : envelope.rcptTo, size: raw.length, parseError: stored.view.parseError ?? undefined });
  }

  /** A failure in parse, route or store as the reply it gets. */
  function storeFailure(err: unknown): SmtpError {
    if (err instanceof SmtpError) return err;
    if (err instanceof DomainError && err.kind === 'too-large') return new SmtpError(552, `Error: ${err.message}`, { counter: 'rejectedSize' });
    log.error({ err }, 'failed to store message');
    return new SmtpError(451, 'Temporary failure storing the message, try again', { counter: 'errors' });
  }

  /** The data steps in order; resolves with the 250 text, or null when a fault closed the connection instead. */
  async function data(ctx: SessionContext, stream: DataStream): Promise<string | null> {
    // faults.slow, then read: the bytes within the size cap and the in-flight budget
    ctx.dataStream = stream;
    faults.dataStart(ctx, stream);
    let received: Received;
    try {
      received = await limits.readMessage(stream);
    } catch (err) {
      if (err instanceof AbortedMessageError) throw new SmtpError(451, 'Message not received in full', { counter: 'aborted' });
      throw err;
    }
    const { raw } = received;
    noteMessageBytes(ctx, raw.length);
    const envelope = envelopeOf(ctx.session);
    let stored: StoredIncoming;
    try {
      const incoming = await useCases.prepareIncoming(raw, envelope); // parse, route to an inbox, tags
      const decided = faults.dataEnd(ctx, envelope, incoming.view.subject, raw, incoming.inbox); // faults.data
      if (decided) {
        const outcome = await decided;
        if (outcome.kind === 'drop') return `Ok: queued as ${outcome.id}`;
        if (outcome.kind === 'disconnect') return null;
      }
      stored = await useCases.storeIncoming(incoming); // store, then publish on the bus
    } catch (err) {
      throw storeFailure(err);
    } finally {
      received.release(); // stored, dropped or failed: the bytes no longer count as in flight
    }
    delivered(ctx, raw, envelope, stored);
    return `Ok: queued as ${stored.id}`;
  }

  const handlers: SmtpHandlers = {
    open(session) {
      contexts.set(session, sessions.open(session));
    },
    connect(session) {
      limits.admitConnection(session);
      counters.connections++;
      return faults.connect(ctxOf(session));
    },
    command(session, command) {
      const ctx = ctxOf(session);
      recordCommand(ctx, command);
      if (command.continuation || (command.name !== 'EHLO' && command.name !== 'HELO')) return null;
      const sp = command.line.indexOf(' ');
      return faults.ehlo(ctx, sp === -1 ? '' : command.line.slice(sp + 1).trim());
    },
    reply(session, reply) {
      const ctx = ctxOf(session);
      const ending = recordReply(ctx, reply, sessions);
      if (reply.error) refusals.refused(ctx, reply.error, reply.text(), ending);
      ctx.lastReplyRefused = reply.code >= 400;
    },
    auth(session, username, password) {
      return then(checkCredentials(access, username, password), () => faults.auth(ctxOf(session), username));
    },
    mail(session, address, declaredSize) {
      limits.admitMessage(declaredSize);
      return faults.mail(ctxOf(session), address);
    },
    rcpt(session, address) {
      checkRecipient(access, address);
      return faults.rcpt(ctxOf(session), address);
    },
    data: (session, stream) => data(ctxOf(session), stream),
    close(session) {
      const ctx = contexts.get(session);
      if (limits.releaseConnection(session)) counters.connections--;
      if (ctx) recordClose(ctx, sessions);
    },
  };
  return { handlers, counters, close: () => receipts.close() };
}
