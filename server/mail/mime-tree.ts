// The MIME structure of raw bytes, as byte ranges: each part's header and body, its content type,
// its children (multipart) or its embedded message (message/rfc822). Nothing is decoded: this is
// what IMAP's BODYSTRUCTURE and BODY[1.2] need (sizes, line counts, the exact bytes of a part).
// Bounded: nesting depth and part count; beyond them a part is left as a leaf.

import libmime from 'libmime';
import { splitHeader } from './raw-headers.js';

export interface MimeNode {
  /** Offsets into the raw message. */
  start: number;
  /** Where the body starts (after the empty line that ends the header). */
  bodyStart: number;
  end: number;
  /** "text/plain" (lower case); text/plain when absent, as RFC 2045 says. */
  contentType: string;
  params: Record<string, string>;
  /** Header values by lower-case name (first occurrence, unfolded). */
  headers: Map<string, string>;
  /** Content-Disposition ("attachment", lower case) and its parameters, or null. */
  disposition: { value: string; params: Record<string, string> } | null;
  children: MimeNode[];
  /** The message inside a message/rfc822 part. */
  message: MimeNode | null;
}

const MAX_DEPTH = 32;
const MAX_PARTS = 1000;

function headersOf(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const field of block.split(/\r?\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = field.slice(0, colon).trim().toLowerCase();
    if (!out.has(name)) out.set(name, field.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ').trim());
  }
  return out;
}

/** A structured header value (RFC 2045/2231) with its value lower-cased, or null when absent or unreadable. */
function headerValue(text: string | undefined): { value: string; params: Record<string, string> } | null {
  if (!text) return null;
  try {
    const parsed = libmime.parseHeaderValue(text) as { value: string; params: Record<string, string> };
    return { value: parsed.value.toLowerCase(), params: parsed.params };
  } catch {
    return null;
  }
}

/** Splits raw[start, end) into its MIME tree. */
export function mimeTree(raw: Buffer): MimeNode {
  let parts = 0;
  const node = (start: number, end: number, depth: number, defaultType: string): MimeNode => {
    parts++;
    const split = splitHeader(raw.subarray(start, end));
    const bodyStart = start + split.bodyStart;
    const headers = headersOf(raw.toString('latin1', start, start + split.headEnd));
    let contentType = defaultType;
    let params: Record<string, string> = {};
    const ct = headerValue(headers.get('content-type'));
    if (ct && /^[^\s/]+\/[^\s/]+$/.test(ct.value)) {
      contentType = ct.value; // one that cannot be read leaves the default, as mail readers do
      params = ct.params;
    }
    const disposition = headerValue(headers.get('content-disposition'));
    const n: MimeNode = { start, bodyStart, end, contentType, params, headers, disposition, children: [], message: null };
    if (depth >= MAX_DEPTH || parts >= MAX_PARTS) return n;
    if (contentType.startsWith('multipart/') && params.boundary) {
      const delimiter = Buffer.from(`--${params.boundary}`, 'latin1');
      const childType = contentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
      let previous = -1;
      for (let at = raw.indexOf(delimiter, bodyStart); at !== -1 && at < end; at = raw.indexOf(delimiter, at + delimiter.length)) {
        const lineStart = at === bodyStart || raw[at - 1] === 0x0a;
        if (!lineStart) continue;
        const lineEnd = raw.indexOf(0x0a, at);
        const after = raw.toString('latin1', at + delimiter.length, Math.min(end, lineEnd === -1 ? end : lineEnd));
        if (!/^(--)?[ \t\r]*$/.test(after)) continue; // a longer boundary that starts the same way
        // The line break before a delimiter belongs to the delimiter (RFC 2046 section 5.1.1).
        const partEnd = at === bodyStart ? at : raw[at - 2] === 0x0d ? at - 2 : at - 1;
        if (previous !== -1 && parts < MAX_PARTS) n.children.push(node(previous, Math.max(previous, partEnd), depth + 1, childType));
        if (after.startsWith('--')) {
          previous = -1;
          break;
        }
        previous = lineEnd === -1 ? end : Math.min(end, lineEnd + 1);
      }
      if (previous !== -1 && parts < MAX_PARTS) n.children.push(node(previous, end, depth + 1, childType)); // no closing delimiter
    } else if (contentType === 'message/rfc822' && bodyStart < end) {
      n.message = node(bodyStart, end, depth + 1, 'text/plain');
    }
    return n;
  };
  return node(0, raw.length, 0, 'text/plain');
}

/** Decoded words of a header value (for display fields of embedded messages). */
export function decodeHeaderWords(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}
