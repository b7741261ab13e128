// The hook pipeline: at each named point of an SMTP session (connect, ehlo, auth, mail, rcpt,
// data) ask magic addresses, then the rules, and carry out the verdict: accept, reject/tempfail
// (reply code), delay, disconnect, drop (250 but not stored) or slow (DATA read at a rate).
// When nothing applies every hook answers synchronously without allocating: the hot path.

import type { Readable } from 'node:stream';
import type { SMTPServerSession } from 'smtp-server';
import type { FaultController, FaultVerdict } from '../faults/controller.js';
import { magicTreatment } from '../faults/magic.js';
import type { RejectedLog } from '../faults/rejected-log.js';
import type { HookFacts, Stage } from '../faults/rules.js';
import { createIdGenerator } from '../mail/id.js';
import { rawHeaderValues } from '../mail/raw-headers.js';
import type { Envelope } from '../mail/types.js';
import type { SessionContext, SessionRegistry } from '../sessions/sessions.js';

type Callback = (err?: Error | null) => void;

/** How the end of DATA is to be answered. Refusals come back as a rejected promise (err.responseCode). */
export type DataOutcome = { kind: 'store' } | { kind: 'drop'; id: string } | { kind: 'disconnect' };

/** The hook points the SMTP listener calls. */
export interface SmtpHooks {
  connect(session: SMTPServerSession, callback: Callback): void;
  /** Returns true when it took over the command (it then calls proceed or skip itself). */
  ehlo(ctx: SessionContext, helo: string, proceed: () => void, skip: () => void): boolean;
  auth(username: string, session: SMTPServerSession, callback: Callback): void;
  mail(address: string, session: SMTPServerSession, callback: Callback): void;
  rcpt(address: string, session: SMTPServerSession, callback: Callback): void;
  /** At the start of DATA, before the stream is read: throttles it when a slow verdict applies. */
  dataStart(stream: Readable, session: SMTPServerSession): void;
  /** After the message was read and parsed; null means "store it" (the common, synchronous case). */
  dataEnd(session: SMTPServerSession, envelope: Envelope, subject: string, raw: Buffer, inbox: string): Promise<DataOutcome> | null;
  /** The message was stored under `id`. */
  delivered(session: SMTPServerSession, id: string): void;
}

export interface HookDeps {
  faults: FaultController;
  sessions: SessionRegistry;
  rejected: RejectedLog;
  random?: () => number;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

const SESSION_STAGES: ReadonlySet<Stage> = new Set(['connect', 'ehlo', 'auth']);

/** Reads `stream` at about `bytesPerSecond` by pausing it after each chunk (back-pressure reaches the socket). */
function throttle(stream: Readable, bytesPerSecond: number): void {
  stream.on('data', (chunk: Buffer) => {
    stream.pause();
    setTimeout(() => stream.resume(), Math.ceil((chunk.length * 1000) / bytesPerSecond));
  });
}

/** Builds the hooks over the fault rules, magic addresses, sessions and rejected list. */
/**
 * The envelope a session has collected so far. smtp-server's types say a session always has one,
 * but a connection it refuses before the session starts (its 421 at the connection cap and at
 * shutdown) has none yet, and a refusal is logged all the same.
 */
export function envelopeSoFar(session: SMTPServerSession): { from: string | null; to: string[] } {
  const env = session.envelope as SMTPServerSession['envelope'] | undefined;
  return { from: env?.mailFrom ? env.mailFrom.address : null, to: env ? env.rcptTo.map((r) => r.address) : [] };
}

export function createSmtpHooks(deps: HookDeps): SmtpHooks {
  const { faults, sessions, rejected } = deps;
  const random = deps.random ?? Math.random;
  const newId = createIdGenerator();

  const rate = (a: { bytesPerSecond: number; maxBytesPerSecond?: number }) =>
    a.maxBytesPerSecond ? Math.round(a.bytesPerSecond + random() * (a.maxBytesPerSecond - a.bytesPerSecond)) : a.bytesPerSecond;

  function facts(ctx: SessionContext, stage: Stage, extra: Partial<HookFacts> = {}): HookFacts {
    const s = ctx.connection.session;
    const user = s.user as unknown;
    return {
      stage,
      client: ctx.client,
      helo: ctx.connection.hostNameAppearsAs || '',
      authUser: typeof user === 'string' ? user : null,
      ...envelopeSoFar(s),
      ...extra,
    };
  }

  function noReply(ctx: SessionContext, stage: Stage, v: FaultVerdict, outcome: 'disconnect' | 'drop', reply: string, extraRcpt?: string): void {
    const { from: mailFrom, to: rcptTo } = envelopeSoFar(ctx.connection.session);
    if (extraRcpt) rcptTo.push(extraRcpt);
    ctx.rejections++;
    const command = stage === 'data' ? 'DATA' : stage === 'connect' ? null : ctx.lastLine;
    rejected.add({ sessionId: ctx.id, client: ctx.client, stage, command, envelope: { mailFrom, rcptTo }, rule: v.rule, outcome, reply });
    ctx.log?.note(`${outcome === 'drop' ? 'message dropped' : 'disconnected'} by ${v.rule.id === 'magic' ? `magic address ${v.rule.name}` : `rule ${v.rule.id}`}`);
  }

  /** Carries out a verdict at a command stage: proceed() continues normally, refuse(err) replies. */
  function act(ctx: SessionContext, v: FaultVerdict, stage: Stage, f: HookFacts, proceed: () => void, refuse: (err: Error) => void): void {
    const run = () => {
      const a = v.action;
      switch (a.type) {
        case 'reject':
        case 'tempfail': {
          ctx.injected = { rule: v.rule, outcome: a.type, ...(a.enhanced ? { enhanced: a.enhanced } : {}) };
          const text = (a.text ?? `Injected failure (${v.rule.id === 'magic' ? v.rule.name : `rule ${v.rule.id}`})`)
            .replace(/\{from\}/g, f.from ?? '')
            .replace(/\{to\}/g, f.to[f.to.length - 1] ?? '')
            .replace(/\{client\}/g, f.client);
          return refuse(smtpError(a.code, text));
        }
        case 'delay':
          return proceed();
        case 'disconnect':
          noReply(ctx, stage, v, 'disconnect', 'connection closed without a reply', stage === 'rcpt' ? f.to[f.to.length - 1] : undefined);
          ctx.closedByServer = true;
          return ctx.connection.close();
        case 'drop':
          if (SESSION_STAGES.has(stage)) ctx.dropSession = v.rule;
          else ctx.dropTx = v.rule;
          return proceed();
        case 'slow': {
          const bps = rate(a);
          if (SESSION_STAGES.has(stage)) ctx.slowSession = bps;
          else ctx.slowTx = bps;
          return proceed();
        }
      }
    };
    const delay = v.action.delayMs ?? 0;
    if (delay > 0) {
      ctx.log?.note(`reply delayed ${delay} ms by ${v.rule.id === 'magic' ? `magic address ${v.rule.name}` : `rule ${v.rule.id}`}`);
      setTimeout(run, delay);
    } else run();
  }

  /** Magic address first (unless it defers to DATA), then the rules. */
  function decide(ctx: SessionContext, stage: 'mail' | 'rcpt', address: string, f: () => HookFacts): FaultVerdict | null {
    if (faults.magicAddresses) {
      const m = magicTreatment(address);
      if (m) {
        const v = { action: m.action, rule: { id: 'magic', name: m.label } };
        if (!m.atData) return v;
        ctx.dataTreatment ??= v;
      }
    }
    return faults.active(stage) ? faults.evaluate(f()) : null;
  }

  /** The end-of-DATA verdict: null to store as usual. */
  function decideData(ctx: SessionContext, envelope: Envelope, subject: string, raw: Buffer, inbox: string): Promise<DataOutcome> | null {
    let v: FaultVerdict | null = ctx.dataTreatment;
    const f = (): HookFacts => ({
      stage: 'data',
      dataPhase: 'end',
      client: ctx.client,
      helo: envelope.heloName,
      authUser: envelope.authUser,
      from: envelope.mailFrom,
      to: envelope.rcptTo,
      subject,
      header: (name) => rawHeaderValues(raw, name),
      inbox,
    });
    if (!v && faults.active('data')) v = faults.evaluate(f());
    const drop = ctx.dropTx ?? ctx.dropSession;
    if (!v && !drop) return null;
    return new Promise<DataOutcome>((resolve, reject) => {
      const stored = () => {
        if (!drop) return resolve({ kind: 'store' });
        const id = newId();
        noReply(ctx, 'data', { action: { type: 'drop' }, rule: drop }, 'drop', `250 accepted as ${id} but not stored`);
        resolve({ kind: 'drop', id });
      };
      if (!v) return stored();
      const facts = f();
      if (v.action.type === 'drop') {
        const id = newId();
        const run = () => {
          noReply(ctx, 'data', v, 'drop', `250 accepted as ${id} but not stored`);
          resolve({ kind: 'drop', id });
        };
        return v.action.delayMs ? void setTimeout(run, v.action.delayMs) : run();
      }
      act(ctx, v, 'data', facts, stored, reject);
      if (v.action.type === 'disconnect') resolve({ kind: 'disconnect' });
    });
  }

  return {
    connect(session, callback) {
      const ctx = sessions.get(session.id);
      if (!ctx || !faults.active('connect')) return callback();
      const f = facts(ctx, 'connect');
      const v = faults.evaluate(f);
      if (!v) return callback();
      act(ctx, v, 'connect', f, () => callback(), (err) => callback(err));
    },
    ehlo(ctx, helo, proceed, skip) {
      if (!faults.active('ehlo')) return false;
      const f = facts(ctx, 'ehlo', { helo });
      const v = faults.evaluate(f);
      if (!v) return false;
      act(ctx, v, 'ehlo', f, proceed, (err) => {
        ctx.connection.send((err as Error & { responseCode: number }).responseCode, err.message);
        skip();
      });
      return true;
    },
    auth(username, session, callback) {
      const ctx = sessions.get(session.id);
      if (!ctx || !faults.active('auth')) return callback();
      const f = facts(ctx, 'auth', { authUser: username });
      const v = faults.evaluate(f);
      if (!v) return callback();
      act(ctx, v, 'auth', f, () => callback(), (err) => callback(err));
    },
    mail(address, session, callback) {
      const ctx = sessions.get(session.id);
      if (!ctx) return callback();
      ctx.dropTx = null;
      ctx.slowTx = null;
      ctx.dataTreatment = null;
      const v = decide(ctx, 'mail', address, () => facts(ctx, 'mail', { from: address }));
      if (!v) return callback();
      act(ctx, v, 'mail', facts(ctx, 'mail', { from: address }), () => callback(), (err) => callback(err));
    },
    rcpt(address, session, callback) {
      const ctx = sessions.get(session.id);
      if (!ctx) return callback();
      const v = decide(ctx, 'rcpt', address, () => facts(ctx, 'rcpt', { to: [address] }));
      if (!v) return callback();
      act(ctx, v, 'rcpt', facts(ctx, 'rcpt', { to: [address] }), () => callback(), (err) => callback(err));
    },
    dataStart(stream, session) {
      const ctx = sessions.get(session.id);
      if (!ctx) return;
      let bps = ctx.slowTx ?? ctx.slowSession;
      if (faults.active('data')) {
        const v = faults.evaluate(facts(ctx, 'data', { dataPhase: 'start' }));
        if (v && v.action.type === 'slow') bps = rate(v.action);
      }
      if (bps) {
        ctx.log?.note(`DATA read at ${bps} bytes/s`);
        ctx.slowData = { bytesPerSecond: bps, since: Date.now() };
        throttle(stream, bps);
      }
    },
    dataEnd(session, envelope, subject, raw, inbox) {
      const ctx = sessions.get(session.id);
      if (!ctx) return null;
      ctx.log?.note(`<${raw.length} bytes of message data>`);
      ctx.dataNoted = true;
      const slow = ctx.slowData;
      if (slow) {
        // A message that arrived in one chunk was never paused: hold the reply until the whole
        // message would have taken at the slow rate, so the client sees the rate either way.
        ctx.slowData = null;
        const wait = slow.since + Math.ceil((raw.length * 1000) / slow.bytesPerSecond) - Date.now();
        if (wait > 0) return new Promise((resolve) => setTimeout(resolve, wait)).then(() => decideData(ctx, envelope, subject, raw, inbox) ?? { kind: 'store' as const });
      }
      return decideData(ctx, envelope, subject, raw, inbox);
    },
    delivered(session, id) {
      const ctx = sessions.get(session.id);
      if (!ctx) return;
      ctx.messages.push(id);
      ctx.pendingMessage = id;
    },
  };
}
