// Storing mail through IMAP: APPEND (a client saves a message: it enters Mailroom as if SMTP had
// delivered it, so it appears in the inbox, the feed and the API) and COPY from INBOX to INBOX (a
// new message with the same bytes, envelope and flags).

import type { Envelope, StoredMessage } from '../mail/types.js';
import { flagChange, type SharedFlags } from './mailbox.js';
import type { Token } from './parser.js';
import type { ImapUseCases } from './session.js';

export interface AppendRequest {
  flags: string[];
  raw: Buffer;
}

/** APPEND's arguments after the mailbox: [flag list] [date-time] message literal; a string says what is wrong. */
export function appendRequest(args: readonly Token[]): AppendRequest | string {
  let at = 0;
  const flags: string[] = [];
  const first = args[at];
  if (first?.kind === 'list') {
    for (const f of first.items) {
      if (f.kind !== 'atom') return 'APPEND flags are atoms';
      flags.push(f.value);
    }
    at++;
  }
  // An optional INTERNALDATE: Mailroom keeps its own arrival time, so the date is read and not used.
  if (args[at]?.kind === 'string' && args.length === at + 2) at++;
  const message = args[at];
  if (!message || message.kind !== 'string' || args.length !== at + 1) return 'APPEND takes a mailbox, optional flags and date, and the message as a literal';
  if (message.value.length === 0) return 'APPEND of an empty message';
  return { flags, raw: message.value };
}

/** Stores `raw` like a delivered message, then gives it `flags` (\Seen, \Flagged and keywords as tags, the rest shared). */
export async function storeWithFlags(useCases: ImapUseCases, shared: SharedFlags, raw: Buffer, envelope: Envelope, flags: readonly string[]): Promise<StoredMessage> {
  let message = await useCases.appendMessage(raw, envelope);
  const change = flagChange(message.tags, '+', flags, new Set());
  if (change.read || change.addTags.length) message = await useCases.updateMessage(message.id, { ...(change.read ? { read: true } : {}), addTags: change.addTags });
  if (change.shared.size) shared.set(message.id, change.shared);
  return message;
}
