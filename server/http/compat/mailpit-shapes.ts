// Pure translations from Mailroom's stored and parsed messages to Mailpit v1 JSON shapes, with
// Mailpit's field names and key order. Address lists are always arrays (never null): every
// client tolerates [] and cypress-mailpit's `To.map` breaks on null.

import { createHash } from 'node:crypto';
import type { ParsedMessage, ParsedPart } from '../../mail/parse.js';
import type { Address, Header, StoredMessage } from '../../mail/types.js';
import { summaryOf } from '../../mail/view.js';

export interface MailpitAddress {
  Name: string;
  Address: string;
}

const address = (a: Address): MailpitAddress => ({ Name: a.name, Address: a.address });
const addresses = (list: readonly Address[]) => list.map(address);
const fromOf = (a: Address | null): MailpitAddress => (a ? address(a) : { Name: '', Address: '' });

/** Message-ID without angle brackets, as Mailpit reports it. */
export function bareMessageId(id: string | null): string {
  return (id ?? '').trim().replace(/^<|>$/g, '');
}

/** Received time as RFC 3339 (UTC, millisecond precision; Mailpit in a UTC container looks the same). */
const iso = (ms: number) => new Date(ms).toISOString();

/** A list/search item (`MessageSummary`), keys in Mailpit's order. `Attachments` is a count. */
export function mailpitListItem(m: StoredMessage) {
  const s = summaryOf(m);
  return {
    ID: m.id,
    MessageID: bareMessageId(s.messageId),
    Read: m.read,
    From: fromOf(s.from),
    To: addresses(s.to),
    Cc: addresses(s.cc),
    Bcc: addresses(s.bcc),
    ReplyTo: addresses(m.view.replyTo),
    Subject: s.subject,
    Created: iso(m.receivedAt),
    Username: m.envelope.authUser ?? '',
    Tags: [...m.tags],
    Size: s.size,
    Attachments: s.attachments,
    Snippet: s.snippet,
  };
}

/** The `MessagesSummary` envelope shared by list and search. */
export function mailpitSummaryPage(p: {
  total: number;
  unread: number;
  matches: number;
  matchesUnread: number;
  start: number;
  tags: string[];
  messages: StoredMessage[];
}) {
  return {
    total: p.total,
    unread: p.unread,
    count: p.messages.length,
    messages_count: p.matches,
    messages_unread: p.matchesUnread,
    start: p.start,
    tags: p.tags,
    messages: p.messages.map(mailpitListItem),
  };
}

const hex = (algo: string, data: Buffer) => createHash(algo).update(data).digest('hex');

/** An `Attachment` object; FileName falls back to the Content-ID as in Mailpit. */
export function mailpitAttachment(p: ParsedPart) {
  const cid = (p.contentId ?? '').replace(/^<|>$/g, '');
  return {
    PartID: p.id,
    FileName: p.filename ?? cid,
    ContentType: p.contentType,
    ContentID: cid,
    Size: p.size,
    Checksums: { MD5: hex('md5', p.content), SHA1: hex('sha1', p.content), SHA256: hex('sha256', p.content) },
  };
}

function headerValue(headers: readonly Header[], name: string): string {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value ?? '';
}

/** Mailpit's ListUnsubscribe: the header, at most one mailto: and one http(s) link, and errors. */
export function listUnsubscribe(headers: readonly Header[]) {
  const header = headerValue(headers, 'List-Unsubscribe');
  const links: string[] = [];
  const errors: string[] = [];
  if (header) {
    const found = [...header.matchAll(/<([^<>]*)>/g)].map((m) => m[1]!.trim());
    if (found.length === 0) errors.push('No valid unsubscribe links found');
    let mailto = false;
    let http = false;
    for (const link of found) {
      if (/^mailto:/i.test(link) && !mailto) {
        mailto = true;
        links.push(link);
      } else if (/^https?:\/\//i.test(link) && !http) {
        http = true;
        links.push(link);
      } else {
        errors.push(`Unsupported or duplicate link: ${link}`);
      }
    }
  }
  return { Header: header, Links: links, Errors: errors.join(', '), HeaderPost: headerValue(headers, 'List-Unsubscribe-Post') };
}

/** The Return-Path Mailpit would report: the header, else the envelope sender, else From. */
export function returnPath(m: StoredMessage, parsed: ParsedMessage): string {
  const header = headerValue(parsed.headers, 'Return-Path').replace(/^<|>$/g, '').trim();
  return header || m.envelope.mailFrom || parsed.from?.address || '';
}

/** The full `Message` object of GET /api/v1/message/{ID}, keys in Mailpit's order. */
export function mailpitMessage(m: StoredMessage, parsed: ParsedMessage) {
  return {
    ID: m.id,
    MessageID: bareMessageId(parsed.messageId),
    From: fromOf(parsed.from),
    To: addresses(parsed.to),
    Cc: addresses(parsed.cc),
    Bcc: addresses(m.view.bcc),
    ReplyTo: addresses(parsed.replyTo),
    ReturnPath: returnPath(m, parsed),
    Subject: parsed.subject,
    ListUnsubscribe: listUnsubscribe(parsed.headers),
    Date: parsed.date ?? iso(m.receivedAt),
    Tags: [...m.tags],
    Username: m.envelope.authUser ?? '',
    Text: parsed.text ?? '',
    HTML: parsed.html ?? '',
    Size: m.size,
    Inline: parsed.parts.filter((p) => p.related).map(mailpitAttachment),
    Attachments: parsed.parts.filter((p) => !p.related).map(mailpitAttachment),
  };
}

/** Go's textproto.CanonicalMIMEHeaderKey: "message-id" -> "Message-Id"; odd keys are left alone. */
export function canonicalHeaderKey(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/**
 * GET /headers: canonical keys, sorted, values in message order. Mailpit writes Return-Path at
 * ingest; Mailroom keeps the bytes as received, so the envelope sender stands in when absent.
 */
export function mailpitHeaders(m: StoredMessage, parsed: ParsedMessage): Record<string, string[]> {
  const map = new Map<string, string[]>();
  for (const h of parsed.headers) {
    const key = canonicalHeaderKey(h.name);
    const list = map.get(key);
    if (list) list.push(h.value);
    else map.set(key, [h.value]);
  }
  if (!map.has('Return-Path') && m.envelope.mailFrom) map.set('Return-Path', [`<${m.envelope.mailFrom}>`]);
  const out: Record<string, string[]> = {};
  for (const key of [...map.keys()].sort()) out[key] = map.get(key)!;
  return out;
}
