// The fast parse's reading of one MIME leaf (see quick-view.ts): transfer decoding, text
// decoding and attachments, each matching what mailparser (mailsplit, libqp, libbase64) gives
// for the inputs taken here, and throwing Bail on anything it would have to guess at.

import { createHash } from 'node:crypto';
import libmime from 'libmime';
import type { ParsedPart } from './parsed.js';

const MAX_TEXT_BYTES = 4 * 1024 * 1024; // a bigger text part goes to mailparser (the search view keeps 512K chars)

export interface Node {
  headers: Map<string, string[]>;
  /** The header lines as received (folded), in order. */
  lines: string[];
  body: Buffer;
  contentType: string;
  params: Record<string, string>;
}

/** Thrown anywhere below to hand the message to the full parser. */
export class Bail extends Error {}

export function one(node: Node, key: string): string | undefined {
  const list = node.headers.get(key);
  if (list && list.length > 1) throw new Bail();
  return list?.[0];
}

function decodeBody(node: Node): Buffer {
  const cte = (one(node, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  const body = node.body;
  if (cte === '7bit' || cte === '8bit') return body;
  if (cte === 'base64') return decodeBase64(body);
  if (cte === 'quoted-printable') {
    const text = body.toString('latin1');
    // libqp drops spaces and tabs before a line end (and lets a soft break follow them): rare
    // in what encoders write, so left to it rather than restated here
    if (/[ \t](?:\r|\n|$)/.test(text)) throw new Bail();
    const joined = text.replace(/=\r?\n/g, '');
    if (/=(?![0-9A-Fa-f]{2})/.test(joined)) throw new Bail();
    return Buffer.from(joined.replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
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

/**
 * The text of a text/plain or text/html leaf as mailparser gives it: decoded, line ends as \n,
 * and null when empty (mailparser leaves out an empty text node). Only UTF-8 and ASCII are read
 * here; every other charset is libmime's (iconv-lite tables, aliases) to get right.
 */
export function textOf(node: Node): string | null {
  const charset = (node.params.charset ?? 'us-ascii').toLowerCase();
  if (Object.keys(node.params).some((k) => k !== 'charset')) throw new Bail(); // format=flowed, delsp, ...
  // An empty leaf: mailsplit gives the first child of a multipart a line break for body and a
  // later one nothing; not worth modelling
  if (node.body.length === 0 || node.body.length > MAX_TEXT_BYTES) throw new Bail();
  const bytes = decodeBody(node);
  let text: string;
  if (charset === 'utf-8' || charset === 'utf8') text = bytes.toString('utf8');
  else if (charset === 'us-ascii' || charset === 'ascii') {
    text = bytes.toString('latin1');
    // A native scan: Buffer#some with a callback cost ~0.7 ms per 100 KB (smtp-source's bench mail)
    // eslint-disable-next-line no-control-regex
    if (/[^\x00-\x7f]/.test(text)) throw new Bail();
  } else throw new Bail();
  return text === '' ? null : text.replaceAll('\r\n', '\n'); // as mailparser; same as /\r?\n/g -> \n, faster
}

export function attachmentOf(node: Node, id: string): ParsedPart {
  if (node.contentType.startsWith('text/') || node.contentType.startsWith('multipart/') || node.contentType.startsWith('message/')) throw new Bail();
  // No Content-ID: mailparser would report it (cid, related) and, for the preview, inline it in the html
  if (node.headers.has('content-id') || (one(node, 'content-transfer-encoding') ?? '').toLowerCase() !== 'base64') throw new Bail();
  const dispositionHeader = one(node, 'content-disposition') ?? '';
  if (dispositionHeader.includes('(')) throw new Bail(); // comments: mailsplit strips them, parseHeaderValue here would not
  const disposition = libmime.parseHeaderValue(dispositionHeader) as { value: string; params: Record<string, string> };
  if (disposition.value.toLowerCase() !== 'attachment') throw new Bail();
  if (Object.keys(disposition.params).some((k) => k.includes('*'))) throw new Bail();
  const filename = disposition.params.filename ?? node.params.name;
  if (filename === undefined || !/^[\x20-\x7e]+$/.test(filename) || filename.includes('=?')) throw new Bail();
  const content = decodeBase64(node.body);
  return {
    id,
    filename,
    // As mailparser: a generic type is refined from the file name's extension.
    contentType: node.contentType === 'application/octet-stream' ? ((libmime.detectMimeType(filename)) || node.contentType) : node.contentType,
    size: content.length,
    checksum: createHash('sha256').update(content).digest('hex'),
    contentId: null,
    disposition: 'attachment',
    related: false,
    content,
  };
}
