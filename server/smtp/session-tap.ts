// The session tap: installed on every SMTPConnection where MailroomSMTPServer creates it, before
// the greeting. smtp-server has no per-command or per-reply hook and no onEhlo, but every reply
// goes through connection.send() and every command line through connection._onCommand() (the
// parser calls it by name), so wrapping those two instance methods gives us, cheaply:
//   - the transcript (commands masked like smtp-server's own log, replies exactly as sent),
//   - the EHLO hook point (answer or delay EHLO/HELO before smtp-server's handler runs),
//   - the rejected list for every 4xx/5xx reply, injected or not,
//   - custom enhanced status codes for injected replies.
// Cost per line: one small tuple and, for replies, one string join. test/integration/
// faults-smtp.test.ts and transcripts.test.ts break if smtp-server renames these methods.

import type { Socket } from 'node:net';
import type { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import type { RejectedLog } from '../faults/rejected-log.js';
import { envelopeSoFar, type SmtpHooks } from './hooks.js';
import { stageOf, type SessionContext, type SessionRegistry } from '../sessions/sessions.js';

export interface SessionTapDeps {
  sessions: SessionRegistry;
  hooks: SmtpHooks | null;
  rejected: RejectedLog;
}

type SendFn = SMTPConnection['send'];

function replyText(code: number, data: string | string[] | undefined, enhanced: string): string {
  const prefix = enhanced ? ` ${enhanced}` : '';
  if (Array.isArray(data)) return data.map((line, i) => `${code}${i < data.length - 1 ? '-' : ' '}${enhanced ? enhanced + ' ' : ''}${line}`).join('\n');
  return `${code}${prefix}${data ? ' ' + data : ''}`;
}

function maskAuth(line: string): string {
  const parts = line.trim().split(/\s+/);
  return parts.length > 2 ? `${parts[0]} ${parts[1]} /* secured */` : line;
}

const ANGLE = /<([^>]*)>/;

function logRefusal(ctx: SessionContext, deps: SessionTapDeps, code: number, text: string, inData: boolean): void {
  const stage = inData ? 'data' : ctx.lastCommand === '' ? 'connect' : stageOf(ctx.lastCommand);
  if (stage === null) return; // a refused NOOP/RSET/unknown command is not an attempt to deliver
  // Syntax and sequence errors (501, 503) are refusals too: a client that sent them delivered
  // nothing and its developer wants to see why. A 503 straight after another refusal is its
  // consequence (a pipelined RCPT or DATA after a refused MAIL) and not an attempt of its own.
  if (code === 503 && ctx.lastReplyRefused && !ctx.injected) return;
  ctx.rejections++;
  const known = envelopeSoFar(ctx.connection.session);
  const rcptTo = known.to;
  if (stage === 'rcpt') {
    const m = ANGLE.exec(ctx.lastLine);
    if (m) rcptTo.push(m[1]!);
  }
  let mailFrom = known.from;
  if (stage === 'mail') mailFrom = ANGLE.exec(ctx.lastLine)?.[1] ?? null;
  const injected = ctx.injected;
  ctx.injected = null;
  deps.rejected.add({
    sessionId: ctx.id,
    client: ctx.client,
    stage,
    command: inData ? 'DATA' : stage === 'connect' ? null : ctx.lastLine,
    envelope: { mailFrom, rcptTo },
    rule: injected?.rule ?? null,
    outcome: injected?.outcome ?? (code >= 500 ? 'reject' : 'tempfail'),
    reply: text,
  });
}

/** Instruments one connection; call before it greets. */
export function tapConnection(connection: SMTPConnection, socket: Socket, deps: SessionTapDeps): SessionContext {
  const ctx = deps.sessions.open(connection);
  const log = ctx.log;
  let inData = false;
  let tlsNoted = connection.secure;

  const send: SendFn = connection.send.bind(connection);
  connection.send = (code, data, context) => {
    const enhanced = code >= 400 && ctx.injected?.enhanced ? ctx.injected.enhanced : null;
    if (enhanced) {
      context = false;
      data = Array.isArray(data) ? data.map((l) => `${enhanced} ${l}`) : `${enhanced} ${data ?? ''}`;
    }
    const ending = inData && code !== 354;
    if (log || code >= 400) {
      const text = replyText(code, data as string | string[] | undefined, connection._getEnhancedStatusCode(code, context));
      if (log) {
        if (ending && !ctx.dataNoted) log.note(`<${(connection._parser && connection._parser.dataBytes) || 0} bytes of message data>`);
        log.reply(text);
      }
      if (code >= 400) logRefusal(ctx, deps, code, text, ending);
    }
    ctx.lastReplyRefused = code >= 400;
    if (code === 354) {
      inData = true;
      if (log) log.dataPhase = true;
    } else if (ending) {
      inData = false;
      ctx.dataNoted = false;
      if (log) log.dataPhase = false;
      if (ctx.pendingMessage) {
        deps.sessions.keepForMessage(ctx, ctx.pendingMessage);
        ctx.pendingMessage = null;
      }
    }
    send(code, data, context);
  };

  const onCommand = connection._onCommand.bind(connection);
  connection._onCommand = (command, callback) => {
    const continuation = connection._nextHandler !== false;
    const line = command.toString();
    const sp = line.indexOf(' ');
    const name = continuation ? 'AUTH' : (sp === -1 ? line : line.slice(0, sp)).toUpperCase();
    const masked = continuation ? '/* secured */' : name === 'AUTH' ? maskAuth(line) : line;
    ctx.lastCommand = name;
    ctx.lastLine = masked;
    if (log) {
      if (!tlsNoted && connection.secure) {
        tlsNoted = true;
        const t = connection.tlsOptions as { standardName?: string; name?: string; version?: string } | false;
        log.note(`TLS established${t ? `: ${t.version ?? ''} ${t.standardName ?? t.name ?? ''}`.trimEnd() : ''}`);
      }
      if (name === 'MAIL' && !continuation) log.beginTransaction();
      log.command(masked);
    }
    if (name === 'QUIT') ctx.quit = true;
    const hooks = deps.hooks;
    if (hooks && !continuation && (name === 'EHLO' || name === 'HELO') && connection._ready && !connection._upgrading) {
      const arg = sp === -1 ? '' : line.slice(sp + 1).trim();
      if (hooks.ehlo(ctx, arg, () => onCommand(command, callback), () => callback?.())) return;
    }
    onCommand(command, callback);
  };

  socket.once('close', () => {
    if (log && !ctx.quit) log.note(ctx.closedByServer ? 'connection closed by the server' : 'connection closed by the client');
    deps.sessions.close(ctx);
  });
  return ctx;
}
