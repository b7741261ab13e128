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
  /** The INTERNALDATE given (ms), kept as the message's arrival time; null when none was given. */
  date: number | null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** An IMAP date-time ("07-Dec-2026 10:00:00 +0100", the day may be space-padded) as ms; null when malformed. */
export function parseDateTime(text: string): number | null {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = m ? MONTHS.indexOf(m[2]!.toLowerCase()) : -1;
  if (!m || month === -1) return null;
  const [day, year, hour, minute, second] = [m[1], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const utc = Date.UTC(year, month, day, hour, minute, second);
  if (new Date(utc).getUTCDate() !== day || hour > 23 || minute > 59 || second > 60) return null; // 31-Feb, 25:00
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000;
  return utc - offset;
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
  // An optional INTERNALDATE (a quoted string before the literal): the message's arrival time.
  let date: number | null = null;
  const given = args[at];
  if (given?.kind === 'string' && args.length === at + 2) {
    date = parseDateTime(given.value.toString('latin1'));
    if (date === null) return `APPEND date ${JSON.stringify(given.value.toString('latin1').slice(0, 40))} is not an IMAP date-time like "07-Dec-2026 10:00:00 +0100"`;
    at++;
  }
  const message = args[at];
  if (!message || message.kind !== 'string' || args.length !== at + 1) return 'APPEND takes a mailbox, optional flags and date, and the message as a literal';
  if (message.value.length === 0) return 'APPEND of an empty message';
  return { flags, raw: message.value, date };
}

/** Stores `raw` like a delivered message (arrived at `receivedAt`, default now), then gives it `flags` (\Seen, \Flagged and keywords as tags, the rest shared). */
export async function storeWithFlags(useCases: ImapUseCases, shared: SharedFlags, raw: Buffer, envelope: Envelope, flags: readonly string[], receivedAt?: number): Promise<StoredMessage> {
  let message = await useCases.appendMessage(raw, envelope, receivedAt === undefined ? {} : { receivedAt });
  const change = flagChange(message.tags, '+', flags, new Set());
  if (change.read || change.addTags.length) message = await useCases.updateMessage(message.id, { ...(change.read ? { read: true } : {}), addTags: change.addTags });
  if (change.shared.size) shared.set(message.id, change.shared);
  return message;
}
