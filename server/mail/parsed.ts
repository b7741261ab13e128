// What a parse gives (ParsedMessage), and the header decoding both parsers share (the fast path in
// quick-view.ts and mailparser in parse.ts), so the two cannot decode a header differently.

import libmime from 'libmime';
import type { Address, Header, PartInfo } from './types.js';

/** A part with its decoded bytes. */
export interface ParsedPart extends PartInfo {
  content: Buffer;
}

/** Everything derived from the raw bytes. */
export interface ParsedMessage {
  headers: Header[];
  from: Address | null;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  subject: string;
  date: string | null;
  messageId: string | null;
  text: string | null;
  html: string | null;
  parts: ParsedPart[];
  parseError: string | null;
}

/** A parameter of a structured header value (RFC 2045/2231, continuations and charsets decoded), or null. */
export function headerParam(value: string | undefined, name: string): string | null {
  if (!value) return null;
  try {
    const v = libmime.parseHeaderValue(value).params[name.toLowerCase()];
    return typeof v === 'string' && v ? decodeWords(v) : null;
  } catch {
    return null;
  }
}

/**
 * libmime.decodeWords, skipped when it cannot change anything: each of its rewrites needs an
 * encoded word ("=?") or its own join marker. Most header values have neither, and the five
 * regex passes were ~3% of ingest CPU (bench profile).
 */
export function decodeWords(value: string): string {
  if (!value.includes('=?') && !value.includes('__\x00JOIN')) return value;
  return libmime.decodeWords(value);
}

function safeDecodeWords(value: string): string {
  try {
    return decodeWords(value);
  } catch {
    return value;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A header read byte for byte (latin1) that holds raw UTF-8 (RFC 6532) as UTF-8; other 8-bit bytes stay as they are. */
function rawUtf8(line: string): string {
  if (!/[\x80-\xff]/.test(line) || /[\u0100-\uffff]/.test(line)) return line;
  try {
    return UTF8.decode(Buffer.from(line, 'latin1'));
  } catch {
    return line;
  }
}

/** "Subject: =?UTF-8?Q?hi?=\r\n folded" -> { name: "Subject", value: "hi folded" }. */
export function decodeHeaderLine(line: string): Header {
  const colon = line.indexOf(':');
  const name = colon === -1 ? line.trim() : line.slice(0, colon).trim();
  const rawValue = colon === -1 ? '' : rawUtf8(line.slice(colon + 1));
  const unfolded = rawValue.replace(/\r?\n[ \t]*/g, ' ').trim();
  return { name, value: safeDecodeWords(unfolded) };
}
