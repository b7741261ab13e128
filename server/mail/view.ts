// Pure derivations: parsed message + envelope -> the lean view kept in memory, and the
// summary/detail shapes the API and the feed send.

import { collapseSpace } from './fold.js';
import type { ParsedMessage } from './parse.js';
import { searchViewOf } from './search-view.js';
import type { Address, Envelope, MessageDetail, MessageSummary, MessageView, StoredMessage } from './types.js';

const SNIPPET_CHARS = 200; // enough for a list row and a notification

/** Collapse whitespace and cut to a list-row snippet. */
export function snippetOf(text: string | null): string {
  if (!text) return '';
  // Only look at the start: a 10 MB body must not cost a 10 MB regex pass. Collapsing is local, so
  // when twice the snippet's length already collapses to more than a snippet, the first
  // SNIPPET_CHARS - 1 characters are those the wider window would give (half the regex work).
  const near = text.length > SNIPPET_CHARS * 2 ? collapseSpace(text.slice(0, SNIPPET_CHARS * 2)).trim() : '';
  const head = near.length > SNIPPET_CHARS ? near : collapseSpace(text.slice(0, SNIPPET_CHARS * 4)).trim();
  return head.length > SNIPPET_CHARS ? head.slice(0, SNIPPET_CHARS - 1) + '…' : head;
}

/** Bcc header recipients, plus envelope recipients that no To/Cc header names (they were Bcc'd). */
export function bccOf(parsed: Pick<ParsedMessage, 'to' | 'cc' | 'bcc'>, envelope: Envelope): Address[] {
  const seen = new Set<string>();
  for (const a of [...parsed.to, ...parsed.cc]) seen.add(a.address.toLowerCase());
  const out: Address[] = [];
  for (const a of parsed.bcc) {
    const key = a.address.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(a);
    }
  }
  for (const rcpt of envelope.rcptTo) {
    const key = rcpt.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ name: '', address: rcpt });
    }
  }
  return out;
}

/** The view kept per message. Part contents are dropped: they are derived again from raw on demand. */
export function viewOf(parsed: ParsedMessage, envelope: Envelope): MessageView {
  const bcc = bccOf(parsed, envelope);
  return {
    from: parsed.from,
    to: parsed.to,
    cc: parsed.cc,
    bcc,
    replyTo: parsed.replyTo,
    subject: parsed.subject,
    date: parsed.date,
    messageId: parsed.messageId,
    snippet: snippetOf(parsed.text),
    parts: parsed.parts.map(({ content: _content, ...info }) => info),
    parseError: parsed.parseError,
    search: searchViewOf({ ...parsed, bcc, attachmentNames: parsed.parts.flatMap((p) => (p.filename ? [p.filename] : [])) }),
  };
}

/** The list/event shape of a stored message. */
export function summaryOf(m: StoredMessage): MessageSummary {
  const v = m.view;
  let inline = 0;
  for (const p of v.parts) if (p.related) inline++;
  return {
    id: m.id,
    inbox: m.inbox,
    receivedAt: new Date(m.receivedAt).toISOString(),
    size: m.size,
    read: m.read,
    tags: m.tags,
    from: v.from,
    to: v.to,
    cc: v.cc,
    bcc: v.bcc,
    subject: v.subject,
    snippet: v.snippet,
    date: v.date,
    messageId: v.messageId,
    attachments: v.parts.length - inline,
    inline,
    parseError: v.parseError,
  };
}

/** The full API shape: summary + the parts derived again from the raw bytes. */
export function detailOf(m: StoredMessage, parsed: ParsedMessage): MessageDetail {
  return {
    ...summaryOf(m),
    replyTo: parsed.replyTo,
    headers: parsed.headers,
    text: parsed.text,
    html: parsed.html,
    envelope: m.envelope,
    parts: m.view.parts,
  };
}
