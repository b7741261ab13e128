// SMTP sessions: the live ones (with their connection, fault marks and transcript), the most
// recent closed ones (a bounded ring, rejected and empty sessions included), and the transcript
// kept beside each stored message until the message itself goes (deleted, evicted, cleared).

import type { EventBus } from '../events/bus.js';
import type { Stage } from '../faults/rules.js';
import type { DataStream, Session, TlsInfo } from '../smtp/session.js';
import { SessionLog, entriesOut, packEntries, unpackEntries, type Entry, type TranscriptEntry } from './session-log.js';

export type { TlsInfo };

/** Per-connection state of the SMTP pipeline's steps: transcript, refusals and fault marks. */
export interface SessionContext {
  id: string;
  session: Session;
  log: SessionLog | null;
  client: string;
  clientPort: number;
  localPort: number;
  messages: string[];
  rejections: number;
  endedAt: number | null;
  closedByServer: boolean;
  quit: boolean;
  /** The last command name and line (masked), for the rejected list. */
  lastCommand: string;
  lastLine: string;
  /** Whether the last reply sent was a refusal (4xx/5xx): a 503 right after one is its consequence. */
  lastReplyRefused: boolean;
  /** Between the 354 and the reply that ends the message. */
  inData: boolean;
  /** The stream of the DATA in progress (its byteLength for the transcript). */
  dataStream: DataStream | null;
  /** Marks left by rules/magic addresses for later in the session or transaction. */
  dropSession: { id: string; name: string } | null;
  slowSession: number | null;
  dropTx: { id: string; name: string } | null;
  slowTx: number | null;
  dataTreatment: { action: import('../faults/rules.js').FaultAction; rule: { id: string; name: string } } | null;
  /** Id of the message stored by the current DATA, until its final reply is recorded. */
  pendingMessage: string | null;
  /** Set while a slow DATA is read: its rate and start. */
  slowData: { bytesPerSecond: number; since: number } | null;
  /** True once the DATA size note was written for the current message. */
  dataNoted: boolean;
  /** True once the transcript noted TLS (from the start on an SMTPS connection). */
  tlsNoted: boolean;
}

/** A session as the API lists it. */
export interface SessionInfo {
  id: string;
  startedAt: string;
  endedAt: string | null;
  client: { address: string; port: number };
  localPort: number;
  secure: boolean;
  tls: TlsInfo | null;
  heloName: string;
  authUser: string | null;
  messages: string[];
  rejections: number;
  outcome: 'open' | 'delivered' | 'rejected' | 'disconnected' | 'nothing';
}

/** A message's transcript as the API returns it. */
export interface MessageTranscript {
  messageId: string;
  session: SessionInfo;
  entries: TranscriptEntry[];
  omitted: number;
}

interface Closed {
  info: SessionInfo;
  entries: Entry[];
  omitted: number;
}

/**
 * What every message of one session shares: the prelude and the session's latest info (its final
 * info once closed). One per session, so a long session's 100 message ids and its prelude are not
 * copied into each of its messages' transcripts.
 */
interface SessionShared {
  info: SessionInfo;
  prelude: readonly Entry[];
}

/** The transcript kept beside one stored message: its own transaction, packed. */
interface Kept {
  session: SessionShared;
  tx: string;
  omitted: number;
}

export interface SessionRegistry {
  readonly recording: boolean;
  open(session: Session): SessionContext;
  get(id: string): SessionContext | undefined;
  close(ctx: SessionContext): void;
  /** Keeps the transcript of the message just delivered by ctx's current transaction. */
  keepForMessage(ctx: SessionContext, messageId: string): void;
  transcript(messageId: string): MessageTranscript | undefined;
  /** Live sessions first, then closed ones, newest first. */
  list(limit: number): SessionInfo[];
  detail(id: string): { session: SessionInfo; entries: TranscriptEntry[]; omitted: number } | undefined;
  stats(): { live: number; recent: number; transcripts: number };
  /** Stops listening to the bus. */
  dispose(): void;
}

/** Maps a command name to the stage it belongs to (null for NOOP, RSET, QUIT, unknown ones). */
export function stageOf(command: string): Stage | null {
  switch (command) {
    case 'EHLO':
    case 'HELO':
    case 'LHLO':
      return 'ehlo';
    case 'AUTH':
      return 'auth';
    case 'MAIL':
      return 'mail';
    case 'RCPT':
      return 'rcpt';
    case 'DATA':
    case 'BDAT':
      return 'data';
    default:
      return null;
  }
}

/** Creates the registry; `recentCapacity` closed sessions are kept, `record` turns transcripts on, at most `maxMessages` message transcripts. */
export function createSessionRegistry(options: { recentCapacity: number; record: boolean; maxMessages: number; bus: EventBus }): SessionRegistry {
  const live = new Map<string, SessionContext>();
  /** Shared parts of live sessions that delivered a message (closed ones are reached from their Kept). */
  const shared = new Map<string, SessionShared>();
  const recent: Closed[] = [];
  const byMessage = new Map<string, Kept>();

  function info(ctx: SessionContext): SessionInfo {
    const s = ctx.session;
    const outcome: SessionInfo['outcome'] =
      ctx.endedAt === null ? 'open' : ctx.messages.length ? 'delivered' : ctx.rejections ? 'rejected' : ctx.quit ? 'nothing' : 'disconnected';
    return {
      id: ctx.id,
      startedAt: new Date(ctx.log?.startedAt ?? Date.now()).toISOString(),
      endedAt: ctx.endedAt === null ? null : new Date(ctx.endedAt).toISOString(),
      client: { address: ctx.client, port: ctx.clientPort },
      localPort: ctx.localPort,
      secure: s.secure,
      tls: s.tls,
      heloName: s.heloName,
      authUser: s.authUser,
      messages: ctx.messages.slice(-100),
      rejections: ctx.rejections,
      outcome,
    };
  }

  const forget = (ids: readonly string[]) => {
    for (const id of ids) byMessage.delete(id);
  };
  const unsubscribe = options.bus.subscribe((event) => {
    if (event.type === 'message:deleted' || event.type === 'message:evicted') forget(event.ids);
    // Clearing one inbox publishes no ids: those transcripts age out through the cap in keepForMessage.
    else if (event.type === 'store:cleared' && event.inbox === null) byMessage.clear();
  });

  return {
    recording: options.record,
    open(session) {
      const ctx: SessionContext = {
        id: session.id,
        session,
        log: options.record ? new SessionLog() : null,
        client: session.client.address,
        clientPort: session.client.port,
        localPort: session.localPort,
        messages: [],
        rejections: 0,
        endedAt: null,
        closedByServer: false,
        quit: false,
        lastCommand: '',
        lastLine: '',
        lastReplyRefused: false,
        inData: false,
        dataStream: null,
        dropSession: null,
        slowSession: null,
        dropTx: null,
        slowTx: null,
        dataTreatment: null,
        pendingMessage: null,
        slowData: null,
        dataNoted: false,
        tlsNoted: session.secure,
      };
      live.set(ctx.id, ctx);
      return ctx;
    },
    get: (id) => live.get(id),
    close(ctx) {
      if (!live.delete(ctx.id)) return;
      ctx.endedAt = Date.now();
      const final = info(ctx);
      const s = shared.get(ctx.id);
      if (s) {
        s.info = final;
        shared.delete(ctx.id);
      }
      if (options.recentCapacity === 0) return;
      recent.push({ info: final, entries: ctx.log?.all() ?? [], omitted: ctx.log?.omitted ?? 0 });
      if (recent.length > options.recentCapacity) recent.shift();
    },
    keepForMessage(ctx, messageId) {
      if (!ctx.log) return;
      const { prelude, tx } = ctx.log.messageEntries();
      let s = shared.get(ctx.id);
      if (!s) shared.set(ctx.id, (s = { info: info(ctx), prelude }));
      byMessage.set(messageId, { session: s, tx: packEntries(tx), omitted: ctx.log.omitted });
      // The store never holds more than maxMessages, so older transcripts belong to messages gone.
      if (byMessage.size > options.maxMessages) byMessage.delete(byMessage.keys().next().value!);
    },
    transcript(messageId) {
      const k = byMessage.get(messageId);
      if (!k) return undefined;
      // The session as it is now while live; its final state once closed.
      const ctx = live.get(k.session.info.id);
      return { messageId, session: ctx ? info(ctx) : k.session.info, entries: entriesOut([...k.session.prelude, ...unpackEntries(k.tx)]), omitted: k.omitted };
    },
    list(limit) {
      const out: SessionInfo[] = [];
      for (const ctx of [...live.values()].reverse()) {
        if (out.length >= limit) return out;
        out.push(info(ctx));
      }
      for (let i = recent.length - 1; i >= 0 && out.length < limit; i--) out.push(recent[i]!.info);
      return out;
    },
    detail(id) {
      const ctx = live.get(id);
      if (ctx) return { session: info(ctx), entries: entriesOut(ctx.log?.all() ?? []), omitted: ctx.log?.omitted ?? 0 };
      const c = recent.find((r) => r.info.id === id);
      return c ? { session: c.info, entries: entriesOut(c.entries), omitted: c.omitted } : undefined;
    },
    stats: () => ({ live: live.size, recent: recent.length, transcripts: byMessage.size }),
    dispose: unsubscribe,
  };
}
