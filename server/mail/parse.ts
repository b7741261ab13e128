// The one MIME parser interface: raw bytes -> parsed message, and the only importer of mailparser.
// The common shapes of application mail (text, text+html, base64 attachments) are read by the fast
// path (quick-view.ts: native decoding, synchronous, exactly mailparser's result for what it takes;
// test/unit/quick-view*.test.ts hold it to that, the SpamAssassin corpus included); everything
// else goes to mailparser. Parsing is bounded (header size, MIME node count, HTML length, time) and
// never throws: a message that cannot be parsed comes back with parseError set, and the caller
// keeps the raw bytes regardless.

import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import { decodeHeaderLine, type ParsedMessage, type ParsedPart } from './parsed.js';
import { quickParse } from './quick-view.js';
import { splitHeader } from './raw-headers.js';
import type { Address } from './types.js';

export type { ParsedMessage, ParsedPart } from './parsed.js';
export { decodeWords, headerParam } from './parsed.js';
// The structure as byte ranges (IMAP's BODYSTRUCTURE and part sections): no decoding, no mailparser.
export { decodeHeaderWords, mimeTree, type MimeNode } from './mime-tree.js';

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

export interface ParseOptions {
  /** Replace cid: links in the HTML with data: URLs (for the preview); costs memory, so off at ingest. */
  inlineImages?: boolean;
  /**
   * Decode the html (default true). Ingest turns it off: the stored view reads the html only when
   * there is no text part, and the fast path takes only messages with one (mailparser's result
   * always has the html).
   */
  html?: boolean;
  /** Skip the fast path (tests that compare the two; the full parse of a message in doubt). */
  fastPath?: boolean;
  limits?: ParseLimits;
}

/** Parse raw message bytes; never rejects. */
export function parseMessage(raw: Buffer, options: ParseOptions = {}): Promise<ParsedMessage> {
  if (options.fastPath !== false) {
    const quick = quickParse(raw, { html: options.html ?? true, inlineImages: options.inlineImages });
    if (quick) return Promise.resolve(quick);
  }
  return parseWithMailparser(raw, options);
}

async function parseWithMailparser(raw: Buffer, options: ParseOptions): Promise<ParsedMessage> {
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

const FALLBACK_HEAD_BYTES = 64 * 1024; // enough for the usual headers of a message mailparser refused

/**
 * When mailparser gives up, still show something in the list: the top-level headers read
 * directly from the raw bytes (bounded), decoded where possible.
 */
function fallbackParse(raw: Buffer, parseError: string): ParsedMessage {
  const block = raw.toString('latin1', 0, splitHeader(raw, FALLBACK_HEAD_BYTES).headEnd);
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
