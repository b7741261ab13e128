// A fast path for the parse at ingest and for the message detail: the common shapes of
// application mail (text/plain, optionally beside text/html, optionally with base64 attachments)
// read straight from the raw bytes with native decoding, at a small fraction of a full MIME parse
// (bench profile: mailparser was ~35% of ingest CPU at 2 KB and ~3 ms per 100 KB message, and it
// yields across ticks, which held the long-poll wait answer back under load). Anything outside
// those shapes, or any doubt, returns null and parse.ts (the one interface, which calls this
// first) parses with mailparser; differential tests check that both give the same parse for every
// message this accepts, from the common shapes to the whole SpamAssassin corpus.

import libmime from 'libmime';
import { decodeHeaderLine, decodeWords, type ParsedMessage, type ParsedPart } from './parsed.js';
import { attachmentOf, Bail, one, textOf, type Node } from './quick-parts.js';
import { splitHeader } from './raw-headers.js';
import type { Address } from './types.js';

const MAX_HEADER_BYTES = 64 * 1024; // larger header blocks are unusual: let the full parser bound them
const MAX_PARTS = 32; // more parts than this: full parser

/** "Name: value" lines of one header block, unfolded and decoded the way mailparser does. */
function parseHeaderBlock(block: Buffer): { headers: Map<string, string[]>; lines: string[] } | null {
  const text = block.toString('latin1');
  if (/[^\t\r\n\x20-\x7e]/.test(text)) return null; // 8-bit header bytes: charset guessing is mailparser's job
  const headers = new Map<string, string[]>();
  const lines = text.split(/\r?\n(?![ \t])/).filter((l) => l !== '');
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const decoded = libmime.decodeHeader(line);
    const list = headers.get(decoded.key);
    if (list) list.push(decoded.value.trim());
    else headers.set(decoded.key, [decoded.value.trim()]);
  }
  return { headers, lines };
}

function splitHead(raw: Buffer): { head: Buffer; body: Buffer } | null {
  const split = splitHeader(raw, MAX_HEADER_BYTES + 4);
  // No empty line (headers only: common for tiny test mails, but rare enough to hand on), an
  // empty header, or bare LF line breaks around it: the full parser's.
  if (!split.found || split.headEnd === 0 || split.headEnd > MAX_HEADER_BYTES || split.bodyStart - split.headEnd !== 4) return null;
  return { head: raw.subarray(0, split.headEnd), body: raw.subarray(split.bodyStart) };
}

function toNode(raw: Buffer): Node | null {
  const split = splitHead(raw);
  if (!split) return null;
  const block = parseHeaderBlock(split.head);
  if (!block) return null;
  const { headers, lines } = block;
  const ct = headers.get('content-type');
  // More than one, or a comment (mailsplit strips comments: "boundary=b (c)" names boundary b)
  if (ct && (ct.length > 1 || ct[0]!.includes('('))) return null;
  const parsed = libmime.parseHeaderValue(ct?.[0] ?? 'text/plain') as { value: string; params: Record<string, string> };
  if (Object.keys(parsed.params).some((k) => k.includes('*'))) return null;
  return { headers, lines, body: split.body, contentType: parsed.value.toLowerCase(), params: parsed.params };
}

/** The children of a multipart body, or null when its framing is anything but plain. */
function childrenOf(node: Node): Node[] | null {
  const boundary = node.params.boundary;
  if (!boundary || !/^[A-Za-z0-9'()+_,\-./:=? ]{1,70}$/.test(boundary) || boundary.endsWith(' ')) return null;
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const body = node.body;
  const positions: number[] = [];
  for (let at = body.indexOf(delimiter); at !== -1; at = body.indexOf(delimiter, at + delimiter.length)) {
    if (at === 0 || (body[at - 2] === 0x0d && body[at - 1] === 0x0a)) positions.push(at);
    else return null; // a delimiter-like string mid-line: not worth reasoning about
  }
  if (positions.length < 2 || positions.length > MAX_PARTS + 1) return null;
  const last = positions[positions.length - 1]!;
  const closing = body.subarray(last + delimiter.length, last + delimiter.length + 2).toString('latin1');
  if (closing !== '--') return null;
  if (body.subarray(last + delimiter.length + 2).toString('latin1').trim() !== '') return null; // epilogue
  const children: Node[] = [];
  for (let i = 0; i < positions.length - 1; i++) {
    const start = positions[i]! + delimiter.length;
    if (body[start] !== 0x0d || body[start + 1] !== 0x0a) return null; // transport padding or garbage after the delimiter
    const end = positions[i + 1]! - 2; // the CRLF before the next delimiter belongs to it
    const child = toNode(body.subarray(start + 2, Math.max(start + 2, end)));
    if (!child) return null;
    children.push(child);
  }
  return children;
}

const SIMPLE_ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+$/;
const SIMPLE_NAME = /^[A-Za-z0-9 .'_-]*$/;
const ENCODED_NAME = /^=\?[A-Za-z0-9_-]+\?[BbQq]\?[^?\s]*\?=$/;

/** A comma-separated list of plain mailboxes; anything fancier (groups, comments, quotes with escapes) bails. */
function addressList(value: string | undefined): Address[] {
  if (value === undefined) return [];
  const out: Address[] = [];
  for (const item of value.split(',')) {
    const s = item.trim();
    if (s === '') throw new Bail();
    let m: RegExpExecArray | null;
    if (SIMPLE_ADDRESS.test(s)) out.push({ name: '', address: s });
    else if ((m = /^<([^<>]+)>$/.exec(s)) && SIMPLE_ADDRESS.test(m[1]!)) out.push({ name: '', address: m[1]! });
    else if ((m = /^(?:"([^"\\,@<>]*)"|([^"<>,@]*?))\s*<([^<>]+)>$/.exec(s)) && SIMPLE_ADDRESS.test(m[3]!)) {
      const name = (m[1] ?? m[2] ?? '').trim();
      if (ENCODED_NAME.test(name)) out.push({ name: libmime.decodeWords(name).trim(), address: m[3]! });
      else if (SIMPLE_NAME.test(name) && !/\s{2}/.test(name)) out.push({ name, address: m[3]! });
      else throw new Bail();
    } else throw new Bail();
  }
  for (const a of out) if (a.address.includes('@xn--') || a.address.includes('=?')) throw new Bail();
  return out;
}

interface Leaves {
  text: Node;
  html: Node | null;
  parts: ParsedPart[];
}

/** Finds the single text/plain body, its text/html alternative and the attachments; bails on every other structure. */
function walk(root: Node): Leaves {
  if (root.contentType === 'text/plain') {
    if (root.headers.has('content-disposition')) throw new Bail();
    return { text: root, html: null, parts: [] };
  }
  const alternative = (node: Node): [Node, Node] => {
    const kids = childrenOf(node);
    if (!kids || kids.length !== 2 || kids[0]!.contentType !== 'text/plain' || kids[1]!.contentType !== 'text/html') throw new Bail();
    for (const k of kids) if (k.headers.has('content-disposition')) throw new Bail();
    return [kids[0]!, kids[1]!];
  };
  if (root.contentType === 'multipart/alternative') {
    const [text, html] = alternative(root);
    return { text, html, parts: [] };
  }
  if (root.contentType !== 'multipart/mixed') throw new Bail();
  const kids = childrenOf(root);
  if (!kids || kids.length < 2) throw new Bail();
  const first = kids[0]!;
  let text: Node;
  let html: Node | null = null;
  if (first.contentType === 'text/plain' && !first.headers.has('content-disposition')) text = first;
  else if (first.contentType === 'multipart/alternative') [text, html] = alternative(first);
  else throw new Bail();
  const parts = kids.slice(1).map((k, i) => attachmentOf(k, String(i + 2)));
  return { text, html, parts };
}

export interface QuickParseOptions {
  /**
   * Also decode the html, exactly as parseMessage(raw, { inlineImages }) gives it. Off at ingest,
   * which reads the html only when there is no text part (never the case here).
   */
  html?: boolean;
  /** As parseMessage's: cid: links in the html become data: URLs of the parts they name. */
  inlineImages?: boolean;
}

/**
 * The parse of a message of a common shape, or null when it needs the full parser. Every field
 * equals parseMessage's, except `html`, which is null unless options.html asks for it.
 *
 * What mailparser does to the html of these shapes (mail-parser.js, getTextContent and
 * updateImageLinks): the one text/html leaf of an alternative is decoded like the text leaf
 * (transfer encoding, charset, CRLF to LF), left out when empty, and otherwise untouched: no
 * charset meta rewriting, no trimming. With inlineImages it replaces "cid:x" with a data: URL
 * only where an image part has Content-ID x; attachments taken here have no Content-ID, so the
 * html stays as decoded (and a part with one would make this return null, not guess).
 */
export function quickParse(raw: Buffer, options: QuickParseOptions = {}): ParsedMessage | null {
  try {
    const root = toNode(raw);
    if (!root) return null;
    if ((root.headers.get('mime-version')?.length ?? 0) > 1) return null;
    const dateHeader = one(root, 'date');
    let date: string | null = null;
    if (dateHeader !== undefined) {
      const d = new Date(dateHeader);
      if (Number.isNaN(d.getTime())) return null; // mailparser substitutes "now"; leave that to it
      date = d.toISOString();
    }
    const subjectHeader = one(root, 'subject');
    const messageIdHeader = one(root, 'message-id');
    let messageId: string | null = null;
    if (messageIdHeader) {
      const decoded = decodeWords(messageIdHeader);
      // mailparser drops an id that decodes to nothing rather than bracketing it
      if (decoded !== '') messageId = (decoded.startsWith('<') ? '' : '<') + decoded + (decoded.endsWith('>') ? '' : '>');
    }
    const from = addressList(one(root, 'from'));
    const leaves = walk(root);
    if (options.html && options.inlineImages && leaves.parts.some((p) => p.contentId !== null)) return null;
    return {
      headers: root.lines.map(decodeHeaderLine),
      from: from[0] ?? null,
      to: addressList(one(root, 'to')),
      cc: addressList(one(root, 'cc')),
      bcc: addressList(one(root, 'bcc')),
      replyTo: addressList(one(root, 'reply-to')),
      subject: subjectHeader === undefined ? '' : decodeWords(subjectHeader),
      date,
      messageId,
      text: textOf(leaves.text),
      html: options.html && leaves.html ? textOf(leaves.html) : null,
      parts: leaves.parts,
      parseError: null,
    };
  } catch {
    // Bail, or any surprise (a decoder throwing on odd input): the full parser's to handle.
    return null;
  }
}
