// SMTP sessions and transcripts as use cases: recent sessions, one session's transcript, and
// the transcript kept with a message.

import type { MessageTranscript, SessionInfo } from '../sessions/sessions.js';
import type { TranscriptEntry } from '../sessions/session-log.js';
import type { AppContext } from './context.js';
import { DomainError } from './errors.js';
import { getMessage } from './messages.js';

function sessionsOf(ctx: AppContext): NonNullable<AppContext['sessions']> {
  if (!ctx.sessions) throw new DomainError('unavailable', 'SMTP sessions are not recorded on this server');
  return ctx.sessions;
}

/** Recent SMTP sessions, open ones first, then newest first; `recording` is false with --transcripts false. */
export async function listSessions(ctx: AppContext, limit: number): Promise<{ sessions: SessionInfo[]; recording: boolean }> {
  const sessions = sessionsOf(ctx);
  return { sessions: sessions.list(limit), recording: sessions.recording };
}

/** One session with its transcript; `not-found` once it has aged out. */
export async function sessionDetail(ctx: AppContext, id: string): Promise<{ session: SessionInfo; entries: TranscriptEntry[]; omitted: number }> {
  const detail = sessionsOf(ctx).detail(id);
  if (!detail) throw new DomainError('not-found', `session ${id} not found (it may have aged out)`);
  return detail;
}

/** The transcript of the session that delivered message `id`. */
export async function messageTranscript(ctx: AppContext, id: string): Promise<MessageTranscript> {
  await getMessage(ctx, id); // an unknown message first, not a missing transcript
  const transcript = ctx.sessions?.transcript(id);
  if (!transcript) throw new DomainError('not-found', `message ${id} has no transcript (transcripts off, or it did not come through SMTP)`, { code: 'no_transcript' });
  return transcript;
}
