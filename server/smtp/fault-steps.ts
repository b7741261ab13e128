// Failure injection at each named point of an SMTP session (connect, ehlo, auth, mail, rcpt,
// data start, data end): ask the magic addresses, then the rules, and carry out the verdict:
// accept, reject/tempfail (an SmtpError naming its rule), delay, disconnect, drop (250 but not
// stored) or slow (DATA read at a rate). When nothing applies every step answers synchronously
// without allocating: the hot path.

import type { Readable } from 'node:stream';
import type { FaultController, FaultVerdict } from '../faults/controller.js';
import { magicTreatment } from '../faults/magic.js';
import type { HookFacts, Stage } from '../faults/rules.js';
import { createIdGenerator } from '../mail/id.js';
import { rawHeaderValues } from '../mail/raw-headers.js';
import type { Envelope } from '../mail/types.js';
import type { SessionContext } from '../sessions/sessions.js';
import type { RefusalRecorder } from './refusals.js';
import type { CommandVerdict, StepResult } from './session.js';
import { SmtpError } from './smtp-error.js';

/** How the end of DATA is to be answered. Refusals come back as a rejected promise (SmtpError). */
export type DataOutcome = { kind: 'store' } | { kind: 'drop'; id: string } | { kind: 'disconnect' };

/** The fault steps, one per point. */
export interface FaultSteps {
  connect(ctx: SessionContext): StepResult;
  ehlo(ctx: SessionContext, helo: string): CommandVerdict;
  auth(ctx: SessionContext, username: string): StepResult;
  mail(ctx: SessionContext, address: string): StepResult;
  rcpt(ctx: SessionContext, address: string): StepResult;
  /** At the start of DATA, before the stream is read: throttles it when a slow verdict applies. */
  dataStart(ctx: SessionContext, stream: Readable): void;
  /** After the message was read and parsed; null means "store it" (the common, synchronous case). */
  dataEnd(ctx: SessionContext, envelope: Envelope, subject: string, raw: Buffer, inbox: string): Promise<DataOutcome> | null;
}

export interface FaultStepDeps {
  faults: FaultController;
  refusals: RefusalRecorder;
  random?: () => number;
}

const SESSION_STAGES: ReadonlySet<Stage> = new Set(['connect', 'ehlo', 'auth']);

/** Reads `stream` at about `bytesPerSecond` by pausing it after each chunk (back-pressure reaches the socket). */
function throttle(stream: Readable, bytesPerSecond: number): void {
  stream.on('data', (chunk: Buffer) => {
    stream.pause();
    setTimeout(() => stream.resume(), Math.ceil((chunk.length * 1000) / bytesPerSecond));
  });
}

const ruleLabel = (rule: { id: string; name: string }) => (rule.id === 'magic' ? `magic address ${rule.name}` : `rule ${rule.id}`);

export function createFaultSteps(deps: FaultStepDeps): FaultSteps {
  const { faults, refusals } = deps;
  const random = deps.random ?? Math.random;
  const newId = createIdGenerator();

  const rate = (a: { bytesPerSecond: number; maxBytesPerSecond?: number }) =>
    a.maxBytesPerSecond ? Math.round(a.bytesPerSecond + random() * (a.maxBytesPerSecond - a.bytesPerSecond)) : a.bytesPerSecond;

  function facts(ctx: SessionContext, stage: Stage, extra: Partial<HookFacts> = {}): HookFacts {
    const s = ctx.session;
    const tx = s.transaction;
    return { stage, client: ctx.client, helo: s.heloName, authUser: s.authUser, from: tx.mailFrom, to: tx.rcptTo, ...extra };
  }

  /**
   * Carries out a verdict at a command stage: resolves to go on, rejects with the injected
   * SmtpError, and never settles when it closed the connection.
   */
  function act(ctx: SessionContext, v: FaultVerdict, stage: Stage, f: HookFacts): Promise<void> {
    return new Promise((resolve, reject) => {
      const run = () => {
        const a = v.action;
        switch (a.type) {
          case 'reject':
          case 'tempfail': {
            const text = (a.text ?? `Injected failure (${v.rule.id === 'magic' ? v.rule.name : `rule ${v.rule.id}`})`)
              .replace(/\{from\}/g, f.from ?? '')
              .replace(/\{to\}/g, f.to[f.to.length - 1] ?? '')
              .replace(/\{client\}/g, f.client);
            return reject(new SmtpError(a.code, text, { enhanced: a.enhanced ?? null, injected: { rule: v.rule, outcome: a.type } }));
          }
          case 'delay':
            return resolve();
          case 'disconnect':
            refusals.cutOff(ctx, stage, v.rule, 'disconnect', 'connection closed without a reply', stage === 'rcpt' ? f.to[f.to.length - 1] : undefined);
            ctx.closedByServer = true;
            return ctx.session.close();
          case 'drop':
            if (SESSION_STAGES.has(stage)) ctx.dropSession = v.rule;
            else ctx.dropTx = v.rule;
            return resolve();
          case 'slow': {
            const bps = rate(a);
            if (SESSION_STAGES.has(stage)) ctx.slowSession = bps;
            else ctx.slowTx = bps;
            return resolve();
          }
        }
      };
      const delay = v.action.delayMs ?? 0;
      if (delay > 0) {
        ctx.log?.note(`reply delayed ${delay} ms by ${ruleLabel(v.rule)}`);
        setTimeout(run, delay);
      } else run();
    });
  }

  /** The rules' verdict at a session stage, carried out; nothing when none applies. */
  function atStage(ctx: SessionContext, stage: 'connect' | 'auth', extra: Partial<HookFacts> = {}): StepResult {
    if (!faults.active(stage)) return;
    const f = facts(ctx, stage, extra);
    const v = faults.evaluate(f);
    if (v) return act(ctx, v, stage, f);
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
    const dropped = (rule: { id: string; name: string }): DataOutcome => {
      const id = newId();
      refusals.cutOff(ctx, 'data', rule, 'drop', `250 accepted as ${id} but not stored`);
      return { kind: 'drop', id };
    };
    if (!v) return Promise.resolve(dropped(drop!));
    const verdict = v;
    if (verdict.action.type === 'drop') {
      const run = () => dropped(verdict.rule);
      const delay = verdict.action.delayMs;
      return delay ? new Promise((resolve) => setTimeout(() => resolve(run()), delay)) : Promise.resolve(run());
    }
    if (verdict.action.type === 'disconnect') {
      void act(ctx, verdict, 'data', f());
      return Promise.resolve({ kind: 'disconnect' });
    }
    return act(ctx, verdict, 'data', f()).then(() => (drop ? dropped(drop) : { kind: 'store' }));
  }

  return {
    connect: (ctx) => atStage(ctx, 'connect'),
    ehlo(ctx, helo) {
      if (!faults.active('ehlo')) return null;
      const f = facts(ctx, 'ehlo', { helo });
      const v = faults.evaluate(f);
      if (!v) return null;
      return act(ctx, v, 'ehlo', f).then(
        () => 'proceed' as const,
        (err: SmtpError) => {
          ctx.session.reply(err);
          return 'answered' as const;
        },
      );
    },
    auth: (ctx, username) => atStage(ctx, 'auth', { authUser: username }),
    mail(ctx, address) {
      ctx.dropTx = null;
      ctx.slowTx = null;
      ctx.dataTreatment = null;
      const v = decide(ctx, 'mail', address, () => facts(ctx, 'mail', { from: address }));
      if (v) return act(ctx, v, 'mail', facts(ctx, 'mail', { from: address }));
    },
    rcpt(ctx, address) {
      const v = decide(ctx, 'rcpt', address, () => facts(ctx, 'rcpt', { to: [address] }));
      if (v) return act(ctx, v, 'rcpt', facts(ctx, 'rcpt', { to: [address] }));
    },
    dataStart(ctx, stream) {
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
    dataEnd(ctx, envelope, subject, raw, inbox) {
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
  };
}
