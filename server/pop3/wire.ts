// POP3's multi-line wire form (RFC 1939 section 3): every line that starts with "." gets one
// more, the body ends with CRLF, then ".\r\n". Works on the raw bytes, so a message goes out
// byte for byte as SMTP received it, only dot-stuffed.

import { splitHeader } from '../mail/raw-headers.js';

const DOT = 0x2e;
const LF = 0x0a;
const TERMINATOR = Buffer.from('.\r\n');
const CRLF = Buffer.from('\r\n');

/** The bytes dot-stuffed, ending in CRLF and the terminating ".\r\n". */
export function multiline(body: Buffer): Buffer {
  const chunks: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === DOT && (i === 0 || body[i - 1] === LF)) {
      chunks.push(body.subarray(start, i), Buffer.from('.'));
      start = i;
    }
  }
  chunks.push(body.subarray(start));
  if (body.length > 0 && body[body.length - 1] !== LF) chunks.push(CRLF);
  chunks.push(TERMINATOR);
  return Buffer.concat(chunks);
}

/** A text response of several lines (CAPA, LIST, UIDL), each dot-stuffed and CRLF-ended. */
export function textLines(first: string, lines: readonly string[]): Buffer {
  return Buffer.from([first, ...lines.map((l) => (l.startsWith('.') ? '.' + l : l)), '.'].join('\r\n') + '\r\n');
}

/** The header and the first `count` body lines of a message (TOP). */
export function top(raw: Buffer, count: number): Buffer {
  const split = splitHeader(raw, raw.length);
  if (!split.found) return raw; // no body: the whole message is header
  const end = split.bodyStart;
  let at = end;
  for (let n = 0; n < count && at < raw.length; n++) {
    const next = raw.indexOf(LF, at);
    at = next === -1 ? raw.length : next + 1;
  }
  return raw.subarray(0, at);
}
