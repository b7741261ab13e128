// The transcript steps: every command line (AUTH secrets masked, like smtp-server's own log) and
// every reply exactly as sent, with notes (TLS, message size, who closed), into the session's log
// (sessions/session-log.ts) when --smtp-transcripts is on. They also keep the per-session facts
// the refusal recorder reads: the last command, whether the last reply refused, the DATA phase.

import type { SessionContext, SessionRegistry } from '../sessions/sessions.js';
import type { CommandLine, ReplyOut } from './session.js';

function maskAuth(line: string): string {
  const parts = line.trim().split(/\s+/);
  return parts.length > 2 ? `${parts[0]} ${parts[1]} /* secured */` : line;
}

/** Notes the size of the message just read, once per DATA. */
export function noteMessageBytes(ctx: SessionContext, bytes: number): void {
  if (ctx.dataNoted) return;
  ctx.dataNoted = true;
  ctx.log?.note(`<${bytes} bytes of message data>`);
}

/** Before the library handles a command line. */
export function recordCommand(ctx: SessionContext, command: CommandLine): void {
  const masked = command.continuation ? '/* secured */' : command.name === 'AUTH' ? maskAuth(command.line) : command.line;
  ctx.lastCommand = command.name;
  ctx.lastLine = masked;
  const log = ctx.log;
  if (log) {
    if (!ctx.tlsNoted && ctx.session.secure) {
      ctx.tlsNoted = true;
      const t = ctx.session.tls;
      log.note(`TLS established${t ? `: ${t.protocol ?? ''} ${t.cipher ?? ''}`.trimEnd() : ''}`);
    }
    if (command.name === 'MAIL' && !command.continuation) log.beginTransaction();
    log.command(masked);
  }
  if (command.name === 'QUIT') ctx.quit = true;
}

/** As a reply is sent. Returns whether it ends a message (the reply after the 354). */
export function recordReply(ctx: SessionContext, reply: ReplyOut, sessions: SessionRegistry): boolean {
  const log = ctx.log;
  const ending = ctx.inData && reply.code !== 354;
  if (log) {
    if (ending) noteMessageBytes(ctx, ctx.dataStream?.byteLength ?? 0);
    log.reply(reply.text());
  }
  if (reply.code === 354) {
    ctx.inData = true;
    if (log) log.dataPhase = true;
  } else if (ending) {
    ctx.inData = false;
    ctx.dataNoted = false;
    ctx.dataStream = null;
    if (log) log.dataPhase = false;
    if (ctx.pendingMessage) {
      sessions.keepForMessage(ctx, ctx.pendingMessage);
      ctx.pendingMessage = null;
    }
  }
  return ending;
}

/** The connection is gone. */
export function recordClose(ctx: SessionContext, sessions: SessionRegistry): void {
  if (ctx.log && !ctx.quit) ctx.log.note(ctx.closedByServer ? 'connection closed by the server' : 'connection closed by the client');
  sessions.close(ctx);
}
