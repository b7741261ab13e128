// IMAP's response syntax: strings as quoted strings or literals, NIL, parenthesised lists, dates,
// sequence sets, and the ENVELOPE structure. Everything is built as Buffers so message bytes go
// out exactly as stored.

import type { Address } from '../mail/types.js';

/** A response part: text (latin1-safe ASCII) or raw bytes, joined by the caller. */
export type Part = string | Buffer;

/** A string as a quoted string when it is plain ASCII, else as a literal of its UTF-8 bytes. */
export function str(value: string | null | undefined): Part {
  if (value === null || value === undefined) return 'NIL';
  if (/^[\x20-\x7e]*$/.test(value) && value.length < 1000) return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return literal(Buffer.from(value, 'utf8'));
}

export function literal(bytes: Buffer): Buffer {
  return join(literalParts(bytes));
}

/** A literal as parts, so the bytes are copied only when the whole response is joined. */
export function literalParts(bytes: Buffer): Part[] {
  return [`{${bytes.length}}\r\n`, bytes];
}

/** Joins parts into one Buffer: one allocation, each part copied once (a FETCH response holds a whole message). */
export function join(parts: readonly Part[]): Buffer {
  let size = 0;
  for (const p of parts) size += p.length; // text parts are latin1: one byte per character
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of parts) at += typeof p === 'string' ? out.write(p, at, 'latin1') : p.copy(out, at);
  return out;
}

/** "(a b c)" from parts, separated by spaces. */
export function list(items: readonly Part[]): Part[] {
  const out: Part[] = ['('];
  items.forEach((item, i) => {
    if (i) out.push(' ');
    out.push(item);
  });
  out.push(')');
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** INTERNALDATE: "06-Dec-2026 23:14:25 +0000" (UTC). */
export function internalDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `"${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000"`;
}

function address(a: Address): Part[] {
  const at = a.address.lastIndexOf('@');
  const mailbox = at === -1 ? a.address : a.address.slice(0, at);
  const host = at === -1 ? '' : a.address.slice(at + 1);
  return list([str(a.name || null), 'NIL', str(mailbox), str(host)]);
}

function addresses(list_: readonly Address[]): Part[] {
  if (!list_.length) return ['NIL'];
  return ['(', ...list_.flatMap(address), ')'];
}

export interface EnvelopeFields {
  date: string | null;
  subject: string | null;
  from: readonly Address[];
  sender: readonly Address[];
  replyTo: readonly Address[];
  to: readonly Address[];
  cc: readonly Address[];
  bcc: readonly Address[];
  inReplyTo: string | null;
  messageId: string | null;
}

/** The ENVELOPE structure (RFC 3501 section 7.4.2). */
export function envelope(e: EnvelopeFields): Part[] {
  return list([str(e.date), str(e.subject), ...[e.from, e.sender, e.replyTo, e.to, e.cc, e.bcc].map((l) => join(addresses(l))), str(e.inReplyTo), str(e.messageId)]);
}

/** A parsed sequence set: ranges (inclusive) over message numbers or UIDs. */
export type NumberSet = ReadonlyArray<readonly [number, number]>;

/** Parses a sequence set ("1:3,5,7:*"); "*" stands for `max` (the largest number in use). Null when malformed. */
export function sequenceSet(text: string, max: number): NumberSet | null {
  const out: Array<[number, number]> = [];
  for (const range of text.split(',')) {
    const m = /^(\d{1,10}|\*)(?::(\d{1,10}|\*))?$/.exec(range);
    if (!m) return null;
    const a = m[1] === '*' ? max : Number(m[1]);
    const b = m[2] === undefined ? a : m[2] === '*' ? max : Number(m[2]);
    if ((a === 0 && m[1] !== '*') || (b === 0 && m[2] !== '*')) return null;
    out.push([Math.min(a, b), Math.max(a, b)]);
  }
  return out;
}

export function inSet(set: NumberSet, n: number): boolean {
  for (const [lo, hi] of set) if (n >= lo && n <= hi) return true;
  return false;
}
