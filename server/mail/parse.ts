// The only importer of mailparser: raw bytes -> parsed message. Parsing is bounded (header size,
// MIME node count, HTML length, time) and never throws: a message that cannot be parsed comes back
// with parseError set, and the caller keeps the raw bytes regardless.

import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import libmime from 'libmime';
import type { Address, Header, PartInfo } from './types.js';

/** Bounds on the work one message may cost the parser. */
export interface ParseLimits {
  /** Bytes of header per MIME node (mailsplit aborts beyond it). */
  maxHeadSize: number;
  /** MIME nodes per message (mailsplit aborts beyond it; also bounds nesting depth). */
  maxChildNodes: number;
  /** HTML longer than this is not converted to text. */
  maxHtmlLength: number;
  /** Give up (parseError "timeout") after this many ms; the raw message is still kept. */
  timeoutMs: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxHeadSize: 1024 * 1024, // mailsplit's own default; larger headers are hostile
  maxChildNodes: 1000, // mailsplit's default; 1,500 sibling parts are refused
  maxHtmlLength: 4 * 1024 * 1024, // html-to-text is the slow step; 4 MiB of HTML takes well under a second
  timeoutMs: 5000,
};

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

export interface ParseOptions {
  /** Replace cid: links in the HTML with data: URLs (for the preview); costs memory, so off at ingest. */
  inlineImages?: boolean;
  limits?: ParseLimits;
}

/** Parse raw message bytes; never rejects. */
export async function parseMessage(raw: Buffer, options: ParseOptions = {}): Promise<ParsedMessage> {
  const limits = options.limits ?? DEFAULT_PARSE_LIMITS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`parsing took longer than ${limits.timeoutMs} ms`)), limits.timeoutMs);
  });
  try {
    const mail = await Promise.race([
      simpleParser(raw, {
        keepCidLinks: !options.inlineImages,
        skipTextLinks: true, // linkify is the classic ReDoS surface and we never show textAsHtml
        skipTextToHtml: true,
        skipImageLinks: !options.inlineImages,
        checksumAlgo: 'sha256',
        maxHtmlLengthToParse: limits.maxHtmlLength,
        maxHeadSize: limits.maxHeadSize,
        maxChildNodes: limits.maxChildNodes,
      }),
      timeout,
    ]);
    return fromParsedMail(mail);
  } catch (err) {
    return fallbackParse(raw, err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
  }
}

function fromParsedMail(mail: ParsedMail): ParsedMessage {
  const date = mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null;
  return {
    headers: mail.headerLines.map((h) => decodeHeaderLine(h.line)),
    from: addresses(mail.from)[0] ?? null,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    bcc: addresses(mail.bcc),
    replyTo: addresses(mail.replyTo),
    subject: mail.subject ?? '',
    date,
    messageId: mail.messageId ?? null,
    text: mail.text ?? null,
    html: typeof mail.html === 'string' ? mail.html : null,
    parts: mail.attachments.map(toPart),
    parseError: null,
  };
}

function toPart(a: Attachment, index: number): ParsedPart {
  return {
    id: a.partId ?? String(index + 1),
    filename: a.filename ?? null,
    contentType: a.contentType,
    size: a.size,
    checksum: a.checksum,
    contentId: a.cid ?? null,
    disposition: a.contentDisposition ?? null,
    related: Boolean(a.related),
    content: a.content,
  };
}

function addresses(value: AddressObject | AddressObject[] | undefined): Address[] {
  if (!value) return [];
  const out: Address[] = [];
  const visit = (list: { address?: string; name: string; group?: unknown[] }[]): void => {
    for (const entry of list) {
      if (entry.group) visit(entry.group as typeof list);
      else if (entry.address) out.push({ name: entry.name, address: entry.address });
    }
  };
  for (const obj of Array.isArray(value) ? value : [value]) visit(obj.value);
  return out;
}

/**
 * libmime.decodeWords, skipped when it cannot change anything: each of its rewrites needs an
 * encoded word ("=?") or its own join marker. Most header values have neither, and the five
 * regex passes were ~3% of ingest CPU (bench profile).
 */
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

/** "Subject: =?UTF-8?Q?hi?=\r\n folded" -> { name: "Subject", value: "hi folded" }. */
export function decodeHeaderLine(line: string): Header {
  const colon = line.indexOf(':');
  const name = colon === -1 ? line.trim() : line.slice(0, colon).trim();
  const rawValue = colon === -1 ? '' : line.slice(colon + 1);
  const unfolded = rawValue.replace(/\r?\n[ \t]*/g, ' ').trim();
  return { name, value: safeDecodeWords(unfolded) };
}

const FALLBACK_HEAD_BYTES = 64 * 1024; // enough for the usual headers of a message mailparser refused

/**
 * When mailparser gives up, still show something in the list: the top-level headers read
 * directly from the raw bytes (bounded), decoded where possible.
 */
function fallbackParse(raw: Buffer, parseError: string): ParsedMessage {
  const head = raw.subarray(0, FALLBACK_HEAD_BYTES).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end === -1 ? head : head.slice(0, end);
  const lines = block.split(/\r?\n(?![ \t])/).filter((l) => /^[!-9;-~]+:/.test(l));
  const headers = lines.map((l) => decodeHeaderLine(Buffer.from(l, 'latin1').toString('utf8')));
  const get = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value ?? '';
  const fromRaw = get('from');
  const addr = /<([^<>\s]+@[^<>\s]+)>/.exec(fromRaw)?.[1] ?? /([^\s<>"]+@[^\s<>"]+)/.exec(fromRaw)?.[1];
  return {
    headers,
    from: addr ? { name: fromRaw.replace(/<[^>]*>/, '').replace(/"/g, '').trim(), address: addr } : null,
    to: [],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: get('subject'),
    date: null,
    messageId: get('message-id') || null,
    text: null,
    html: null,
    parts: [],
    parseError,
  };
}
