// The one place a refusal is recorded. Every 4xx/5xx reply reaches it as an SmtpError (the
// pipeline's own, or the library's wrapped by the adapter), and every attempt cut off without a
// reply (a rule's disconnect or drop) as an outcome: each adds to the rejected list and, for the
// pipeline's own refusals, to the counter it names (/api/info, /metrics). The transcript has the
// reply line itself (transcript.ts), written from the same reply event.

import type { RejectedLog } from '../faults/rejected-log.js';
import type { Stage } from '../faults/rules.js';
import { stageOf, type SessionContext } from '../sessions/sessions.js';
import type { RefusalCounter, SmtpError } from './smtp-error.js';

const ANGLE = /<([^>]*)>/;

export interface RefusalRecorder {
  /** A refusal as its reply goes out; `inData` when it ends a message. */
  refused(ctx: SessionContext, error: SmtpError, reply: string, inData: boolean): void;
  /** An attempt ended without a refusal reply: the connection closed by a rule, or a message accepted and dropped. */
  cutOff(ctx: SessionContext, stage: Stage, rule: { id: string; name: string }, outcome: 'disconnect' | 'drop', reply: string, extraRcpt?: string): void;
}

export function createRefusalRecorder(rejected: RejectedLog, counters: Record<RefusalCounter, number>): RefusalRecorder {
  return {
    refused(ctx, error, reply, inData) {
      if (error.counter) counters[error.counter]++;
      const stage = inData ? 'data' : ctx.lastCommand === '' ? 'connect' : stageOf(ctx.lastCommand);
      if (stage === null) return; // a refused NOOP/RSET/unknown command is not an attempt to deliver
      // Syntax and sequence errors (501, 503) are refusals too: a client that sent them delivered
      // nothing and its developer wants to see why. A 503 straight after another refusal is its
      // consequence (a pipelined RCPT or DATA after a refused MAIL) and not an attempt of its own.
      if (error.code === 503 && ctx.lastReplyRefused && !error.injected) return;
      ctx.rejections++;
      const known = ctx.session.transaction;
      const rcptTo = known.rcptTo;
      if (stage === 'rcpt') {
        const m = ANGLE.exec(ctx.lastLine);
        if (m) rcptTo.push(m[1]!);
      }
      const mailFrom = stage === 'mail' ? (ANGLE.exec(ctx.lastLine)?.[1] ?? null) : known.mailFrom;
      rejected.add({
        sessionId: ctx.id,
        client: ctx.client,
        stage,
        command: inData ? 'DATA' : stage === 'connect' ? null : ctx.lastLine,
        envelope: { mailFrom, rcptTo },
        rule: error.injected?.rule ?? null,
        outcome: error.injected?.outcome ?? (error.code >= 500 ? 'reject' : 'tempfail'),
        reply,
      });
    },
    cutOff(ctx, stage, rule, outcome, reply, extraRcpt) {
      const known = ctx.session.transaction;
      const rcptTo = known.rcptTo;
      if (extraRcpt) rcptTo.push(extraRcpt);
      ctx.rejections++;
      const command = stage === 'data' ? 'DATA' : stage === 'connect' ? null : ctx.lastLine;
      rejected.add({ sessionId: ctx.id, client: ctx.client, stage, command, envelope: { mailFrom: known.mailFrom, rcptTo }, rule, outcome, reply });
      ctx.log?.note(`${outcome === 'drop' ? 'message dropped' : 'disconnected'} by ${rule.id === 'magic' ? `magic address ${rule.name}` : `rule ${rule.id}`}`);
    },
  };
}
