// A fast path for the parse at ingest: the common shapes of application mail (text/plain,
// optionally beside text/html, optionally with base64 attachments) read straight from the raw
// bytes with native decoding, at a small fraction of a full MIME parse (bench profile: mailparser
// was ~35% of ingest CPU at 2 KB and ~3 ms per 100 KB message). Anything outside those shapes,
// or any doubt, returns null and the caller parses with mailparser (mail/parse.ts); a
// differential test checks that both give the same view, headers and tags for every shape this
// accepts.

import { createHash } from 'node:crypto';
import libmime from 'libmime';
import { decodeHeaderLine, type ParsedMessage, type ParsedPart } from './parse.js';
import type { Address } from './types.js';

const MAX_HEADER_BYTES = 64 * 1024; // larger header blocks are unusual: let the full parser bound them
const MAX_PARTS = 32; // more parts than this: full parser
const MAX_TEXT_BYTES = 4 * 1024 * 1024; // a bigger text part goes to mailparser (the search view keeps 512K chars)

interface Node {
  headers: Map<string, string[]>;
  /** The header lines as received (folded), in order. */
  lines: string[];
  body: Buffer;
  contentType: string;
  params: Record<string, string>;
}

/** "Name: value" lines of one header block, unfolded and decoded the way mailparser does. */
function parseHeaderBlock(block: Buffer): { headers: Map<string, string[]>; lines: string[] } | null {
  const text = block.toString('latin1');
  if (/[^\t\r\n\x20-\x7e]/.test(text)) return null; // 8-bit header bytes: charset guessing is mailparser's job
  const headers = new Map<string, string[]>();
  const lines = text.split(/\r?\n(?![ \t])/).filter((l) => l !== '');
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const decoded = libmime.decodeHeader(line) as { key: string; value: string };
    const list = headers.get(decoded.key);
    if (list) list.push(decoded.value.trim());
    else headers.set(decoded.key, [decoded.value.trim()]);
  }
  return { headers, lines };
}

function splitHead(raw: Buffer): { head: Buffer; body: Buffer } | null {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) {
    // headers only, no body: common for tiny test mails, but rare enough to hand on
    return null;
  }
  if (end > MAX_HEADER_BYTES || raw.subarray(0, end).includes('\n\n')) return null;
  return { head: raw.subarray(0, end), body: raw.subarray(end + 4) };
}

function toNode(raw: Buffer): Node | null {
  const split = splitHead(raw);
  if (!split) return null;
  const block = parseHeaderBlock(split.head);
  if (!block) return null;
  const { headers, lines } = block;
  const ct = headers.get('content-type');
  if (ct && ct.length > 1) return null;
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

function one(node: Node, key: string): string | undefined {
  const list = node.headers.get(key);
  if (list && list.length > 1) throw new Bail();
  return list?.[0];
}

class Bail extends Error {}

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

function decodeBody(node: Node): Buffer {
  const cte = (one(node, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  const body = node.body;
  if (cte === '7bit' || cte === '8bit') return body;
  if (cte === 'base64') return decodeBase64(body);
  if (cte === 'quoted-printable') {
    const text = body.toString('latin1').replace(/=\r?\n/g, '');
    if (/=(?![0-9A-Fa-f]{2})/.test(text)) throw new Bail();
    return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  }
  throw new Bail();
}

function count(body: Buffer, byte: number): number {
  let n = 0;
  for (let at = body.indexOf(byte); at !== -1; at = body.indexOf(byte, at + 1)) n++;
  return n;
}

/**
 * Strict base64, decoded natively: alphabet and line breaks only, padding only at the end. Node's
 * decoder skips anything else (and stops at inner padding), so a decoded length short of what the
 * characters promise means the body was not strict and mailparser should see it. Counting line
 * breaks with indexOf keeps this native; a JS loop or regex over every byte cost 4-6x more.
 */
function decodeBase64(body: Buffer): Buffer {
  let end = body.length;
  while (end > 0 && (body[end - 1] === 0x0a || body[end - 1] === 0x0d)) end--;
  let padding = 0;
  while (padding < 2 && end - padding > 0 && body[end - padding - 1] === 0x3d) padding++;
  const trimmed = body.subarray(0, end);
  const chars = trimmed.length - count(trimmed, 0x0d) - count(trimmed, 0x0a);
  if (chars % 4 !== 0) throw new Bail();
  const decoded = Buffer.from(trimmed.toString('latin1'), 'base64');
  if (decoded.length !== ((chars - padding) * 3) >> 2) throw new Bail();
  return decoded;
}

/** The text of a text/plain node. */
function textOf(node: Node): string {
  const charset = (node.params.charset ?? 'us-ascii').toLowerCase();
  if (Object.keys(node.params).some((k) => k !== 'charset')) throw new Bail(); // format=flowed, delsp, ...
  if (node.body.length > MAX_TEXT_BYTES) throw new Bail();
  const bytes = decodeBody(node);
  if (charset === 'utf-8' || charset === 'utf8') return bytes.toString('utf8');
  if (charset === 'us-ascii' || charset === 'ascii') {
    if (bytes.some((b) => b > 0x7f)) throw new Bail();
    return bytes.toString('latin1');
  }
  throw new Bail();
}

function attachmentOf(node: Node, id: string): ParsedPart {
  if (node.contentType.startsWith('text/') || node.contentType.startsWith('multipart/') || node.contentType.startsWith('message/')) throw new Bail();
  if (node.headers.has('content-id') || (one(node, 'content-transfer-encoding') ?? '').toLowerCase() !== 'base64') throw new Bail();
  const disposition = libmime.parseHeaderValue(one(node, 'content-disposition') ?? '') as { value: string; params: Record<string, string> };
  if (disposition.value.toLowerCase() !== 'attachment') throw new Bail();
  if (Object.keys(disposition.params).some((k) => k.includes('*'))) throw new Bail();
  const filename = disposition.params.filename ?? node.params.name;
  if (filename === undefined || !/^[\x20-\x7e]+$/.test(filename) || filename.includes('=?')) throw new Bail();
  const content = decodeBase64(node.body);
  return {
    id,
    filename,
    // As mailparser: a generic type is refined from the file name's extension.
    contentType: node.contentType === 'application/octet-stream' ? ((libmime.detectMimeType(filename) as string | false) || node.contentType) : node.contentType,
    size: content.length,
    checksum: createHash('sha256').update(content).digest('hex'),
    contentId: null,
    disposition: 'attachment',
    related: false,
    content,
  };
}

/** Finds the single text/plain body and the attachments; bails on every other structure. */
function walk(root: Node): { text: Node | null; parts: ParsedPart[] } {
  if (root.contentType === 'text/plain') {
    if (root.headers.has('content-disposition')) throw new Bail();
    return { text: root, parts: [] };
  }
  const alternative = (node: Node): Node => {
    const kids = childrenOf(node);
    if (!kids || kids.length !== 2 || kids[0]!.contentType !== 'text/plain' || kids[1]!.contentType !== 'text/html') throw new Bail();
    for (const k of kids) if (k.headers.has('content-disposition')) throw new Bail();
    return kids[0]!;
  };
  if (root.contentType === 'multipart/alternative') return { text: alternative(root), parts: [] };
  if (root.contentType !== 'multipart/mixed') throw new Bail();
  const kids = childrenOf(root);
  if (!kids || kids.length < 2) throw new Bail();
  const first = kids[0]!;
  let text: Node;
  if (first.contentType === 'text/plain' && !first.headers.has('content-disposition')) text = first;
  else if (first.contentType === 'multipart/alternative') text = alternative(first);
  else throw new Bail();
  const parts = kids.slice(1).map((k, i) => attachmentOf(k, String(i + 2)));
  return { text, parts };
}

/**
 * The parse of a message of a common shape, or null when it needs the full parser. What ingest
 * needs is exact (headers, addresses, subject, date, message id, text, parts with content);
 * `html` is left null because ingest only reads it when there is no text part, and such
 * messages are not taken here.
 */
export function quickParse(raw: Buffer): ParsedMessage | null {
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
      messageId = libmime.decodeWords(messageIdHeader);
      if (!messageId.startsWith('<')) messageId = '<' + messageId;
      if (!messageId.endsWith('>')) messageId += '>';
    }
    const from = addressList(one(root, 'from'));
    const { text, parts } = walk(root);
    return {
      headers: root.lines.map(decodeHeaderLine),
      from: from[0] ?? null,
      to: addressList(one(root, 'to')),
      cc: addressList(one(root, 'cc')),
      bcc: addressList(one(root, 'bcc')),
      replyTo: addressList(one(root, 'reply-to')),
      subject: subjectHeader === undefined ? '' : libmime.decodeWords(subjectHeader),
      date,
      messageId,
      text: text ? textOf(text) : null,
      html: null,
      parts,
      parseError: null,
    };
  } catch {
    // Bail, or any surprise (a decoder throwing on odd input): the full parser's to handle.
    return null;
  }
}
