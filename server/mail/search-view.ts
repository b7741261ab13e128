// The compact search view built once per message at ingest: one folded, whitespace-collapsed string
// holding every searchable field as a segment, plus the segment end offsets. Search never re-reads
// raw MIME; a query is a few indexOf calls over this string.

import { fold, OTHER_SPACE } from './fold.js';
import type { Address, Header } from './types.js';

/** Searchable text of one message. Segments are separated by U+0000, entries within one by U+0001. */
export interface SearchView {
  text: string;
  /** End offset (exclusive) of each segment in `text`, indexed by SEG. */
  ends: readonly number[];
  /** Bigram filter of `text` (see bloomOf); absent for long texts and views stored by older versions. */
  bloom?: string | null;
}

// A 1024-bit filter of the character pairs in the search text, kept beside it as a 128-character
// one-byte string (~144 bytes). A text search first checks that every pair of its needle may be
// present: a 2 KB text sets ~30-40% of the bits, so a 6-character needle skips ~99% of the
// messages without reading their text. At 100k stored messages a full-text search was bound by
// reading ~200 MB of text; the filters are ~14 MB. Never a false negative: a substring's pairs
// are pairs of the text.
const BLOOM_BITS = 1024;
const BLOOM_MAX_TEXT = 32 * 1024; // longer texts set nearly every bit: no filter then

function pairHash(a: number, b: number): number {
  return Math.imul((a << 16) ^ b, 0x9e3779b1) >>> 22; // top 10 bits: 0..1023
}

/** The bigram filter of a text, or null when the text is too long to be worth one. */
export function bloomOf(text: string): string | null {
  if (text.length > BLOOM_MAX_TEXT || text.length < 2) return null;
  const bits = new Uint8Array(BLOOM_BITS / 8);
  let prev = text.charCodeAt(0);
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const h = pairHash(prev, c);
    bits[h >> 3]! |= 1 << (h & 7);
    prev = c;
  }
  return Buffer.from(bits.buffer).toString('latin1');
}

/** The filter bits a needle needs (one per character pair; none for a single character). */
export function needleBits(needle: string): number[] {
  const out: number[] = [];
  for (let i = 1; i < needle.length; i++) out.push(pairHash(needle.charCodeAt(i - 1), needle.charCodeAt(i)));
  return [...new Set(out)];
}

/** False when the view's text cannot contain a needle with these bits; true when it may. */
export function mayContain(view: SearchView, bits: readonly number[]): boolean {
  const bloom = view.bloom;
  if (!bloom) return true;
  for (const h of bits) if (((bloom.charCodeAt(h >> 3) >> (h & 7)) & 1) === 0) return false;
  return true;
}

/** Segment order inside SearchView.text. Free words search SUBJECT..BODY (as Mailpit's SearchText). */
export const SEG = { subject: 0, from: 1, to: 2, cc: 3, bcc: 4, replyTo: 5, attachment: 6, body: 7, messageId: 8, headers: 9 } as const;

export const ENTRY = '\u0001'; // separates addresses, file names and headers within a segment
export const HEADER_VALUE = '\u0002'; // separates a header's name from its value
const MAX_BODY_CHARS = 512 * 1024; // body text searched per message; bounds memory for huge mails
const MAX_HEADER_CHARS = 64 * 1024; // header index per message

// Separator characters are folded to spaces too, so no match can span segments or entries. Only
// runs that change are matched (see OTHER_SPACE in fold.ts).
const SPACE_OR_CONTROL = new RegExp(`[\\s\\u0000-\\u0002]{2,}|[${OTHER_SPACE}\\u0000-\\u0002]`, 'g');
/** Folded, whitespace runs (and separator characters) collapsed to one space: one copy, one regex pass. */
const clean = (s: string) => fold(s).replace(SPACE_OR_CONTROL, ' ').trim();

/** The folded form of one address as stored and indexed: `name <address>` or `<address>`. */
export function addressKey(a: Address): string {
  return clean(a.name ? `${a.name} <${a.address}>` : `<${a.address}>`);
}

/** What the view is built from (a subset of the parsed message plus the derived Bcc). */
export interface SearchSource {
  subject: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  replyTo: Address[];
  messageId: string | null;
  text: string | null;
  html: string | null;
  headers: Header[];
  attachmentNames: string[];
}

/** Crude HTML -> text for the rare message whose HTML mailparser did not convert (beyond its size limit). */
function htmlText(html: string): string {
  return html.slice(0, MAX_BODY_CHARS * 2).replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Builds the search view; cost is linear in the (capped) body and header sizes. */
export function searchViewOf(src: SearchSource): SearchView {
  const body = src.text ?? (src.html ? htmlText(src.html) : '');
  let headers = '';
  for (const h of src.headers) {
    if (headers.length > MAX_HEADER_CHARS) break;
    headers += ENTRY + fold(h.name.trim()) + HEADER_VALUE + clean(h.value);
  }
  const segments = [
    clean(src.subject),
    src.from ? addressKey(src.from) : '',
    src.to.map(addressKey).join(ENTRY),
    src.cc.map(addressKey).join(ENTRY),
    src.bcc.map(addressKey).join(ENTRY),
    src.replyTo.map(addressKey).join(ENTRY),
    src.attachmentNames.map(clean).join(ENTRY),
    clean(body.length > MAX_BODY_CHARS ? body.slice(0, MAX_BODY_CHARS) : body),
    src.messageId ? clean(src.messageId.replace(/^\s*<|>\s*$/g, '')) : '',
    headers,
  ];
  const ends: number[] = [];
  let at = 0;
  for (const s of segments) {
    at += s.length;
    ends.push(at);
    at += 1; // the U+0000 separator
  }
  const text = segments.join('\u0000');
  return { text, ends, bloom: bloomOf(text) };
}

/** Start offset of a segment. */
export function segStart(view: SearchView, seg: number): number {
  return seg === 0 ? 0 : view.ends[seg - 1]! + 1;
}

/** True when `needle` occurs inside segments [from, to] of the view. */
export function inSegments(view: SearchView, needle: string, from: number, to = from): boolean {
  const start = segStart(view, from);
  const end = view.ends[to]!;
  if (end - start < needle.length) return false;
  // A slice is O(1) in V8 (a view on the same characters) and bounds the scan to the segments.
  return view.text.slice(start, end).includes(needle);
}

/** True when the message has the header (folded name), and, if given, its value contains `value`. */
export function hasHeader(view: SearchView, name: string, value: string | null): boolean {
  const marker = ENTRY + name + HEADER_VALUE;
  const end = view.ends[SEG.headers]!;
  let at = view.text.indexOf(marker, segStart(view, SEG.headers));
  while (at !== -1 && at < end) {
    if (value === null) return true;
    const from = at + marker.length;
    const next = view.text.indexOf(ENTRY, from);
    const stop = next === -1 || next > end ? end : next;
    const hit = view.text.indexOf(value, from);
    if (hit !== -1 && hit + value.length <= stop) return true;
    at = next === -1 ? -1 : view.text.indexOf(marker, next);
  }
  return false;
}
