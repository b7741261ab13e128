// Which inbox a new message belongs to. By default the SMTP AUTH username (else `default`); the
// --inbox-from option can route by recipient instead. Pure.

import { foldSpace } from './fold.js';
import type { Envelope } from './types.js';

export const DEFAULT_INBOX_NAME = 'default';
const MAX_INBOX_LENGTH = 100;

/** How inboxes are chosen (the parsed --inbox-from value). */
export type InboxRouting =
  | { kind: 'auth' }
  | { kind: 'recipient-domain' }
  | { kind: 'recipient-local' }
  | { kind: 'pattern'; regex: RegExp };

/** Parses `auth`, `recipient-domain`, `recipient-local` or `pattern:<regex>`; throws with what was expected. */
export function parseInboxRouting(raw: string): InboxRouting {
  const v = raw.trim();
  if (v === 'auth' || v === 'recipient-domain' || v === 'recipient-local') return { kind: v };
  if (v.startsWith('pattern:')) {
    const source = v.slice('pattern:'.length);
    if (!source) throw new Error('pattern: needs a regular expression, e.g. pattern:^([^@+]+)\\+');
    try {
      return { kind: 'pattern', regex: new RegExp(source, 'iu') };
    } catch (err) {
      throw new Error(`bad regular expression: ${(err as Error).message}`, { cause: err });
    }
  }
  throw new Error('expected auth, recipient-domain, recipient-local or pattern:<regex>');
}

/** An inbox name as stored: folded, whitespace collapsed, at most 100 characters; '' when nothing is left. */
export function normalizeInbox(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return foldSpace(raw.replace(/[\u0000-\u001f\u007f]/g, ' ')).slice(0, MAX_INBOX_LENGTH).trim();
}

function fromRecipient(routing: InboxRouting, rcpt: string): string {
  const at = rcpt.lastIndexOf('@');
  switch (routing.kind) {
    case 'recipient-domain':
      return at === -1 ? '' : rcpt.slice(at + 1);
    case 'recipient-local': {
      const local = at === -1 ? rcpt : rcpt.slice(0, at);
      const plus = local.indexOf('+');
      return plus > 0 ? local.slice(0, plus) : local;
    }
    case 'pattern': {
      const m = routing.regex.exec(rcpt);
      return m ? (m[1] ?? m[0]) : '';
    }
    default:
      return '';
  }
}

/**
 * The inbox of a message. Recipient routing takes the first envelope recipient that yields a name;
 * when none does (or routing is `auth`) the AUTH username is used, else `default`.
 */
export function inboxFor(routing: InboxRouting, envelope: Pick<Envelope, 'rcptTo' | 'authUser'>): string {
  if (routing.kind !== 'auth') {
    for (const rcpt of envelope.rcptTo) {
      const name = normalizeInbox(fromRecipient(routing, rcpt));
      if (name) return name;
    }
  }
  return (envelope.authUser && normalizeInbox(envelope.authUser)) || DEFAULT_INBOX_NAME;
}
