// Header access on raw bytes, without a MIME parser: the one header/body split (every reader of
// raw mail uses it), a header's unfolded values, or the message without a header, every other
// byte exactly as it was.

const MAX_HEADER_BLOCK = 1024 * 1024; // mailsplit's own header limit: nothing valid is longer

/** Where a message's header section ends. */
export interface HeaderSplit {
  /** The header lines end here (before the line break of the last one). */
  headEnd: number;
  /** The body starts here (after the empty line). */
  bodyStart: number;
  /** False when no empty line came within the limit: the whole input (up to it) is header. */
  found: boolean;
}

/**
 * The one header/body split for raw mail: the header ends at the first empty line, its line
 * breaks CRLF or bare LF (as mailparser reads them); a message starting with an empty line has no
 * header. Hops from line feed to line feed with the native indexOf.
 */
function scan(length: number, nextLf: (from: number) => number, code: (i: number) => number): HeaderSplit {
  if (code(0) === 0x0a) return { headEnd: 0, bodyStart: 1, found: true };
  if (code(0) === 0x0d && code(1) === 0x0a) return { headEnd: 0, bodyStart: 2, found: true };
  for (let i = nextLf(0); i !== -1 && i < length; i = nextLf(i + 1)) {
    const after = code(i + 1) === 0x0a ? 2 : code(i + 1) === 0x0d && code(i + 2) === 0x0a ? 3 : 0;
    if (after) return { headEnd: code(i - 1) === 0x0d ? i - 1 : i, bodyStart: i + after, found: true };
  }
  return { headEnd: length, bodyStart: length, found: false };
}

/** The header/body split of raw bytes, looking no further than `limit` bytes. */
export function splitHeader(raw: Buffer, limit = MAX_HEADER_BLOCK): HeaderSplit {
  return scan(Math.min(raw.length, limit), (from) => raw.indexOf(0x0a, from), (i) => raw[i] ?? -1);
}

/** The same split over text (a message already decoded to a string). */
export function splitHeaderText(text: string, limit = MAX_HEADER_BLOCK): HeaderSplit {
  return scan(Math.min(text.length, limit), (from) => text.indexOf('\n', from), (i) => text.charCodeAt(i));
}

/** Length of the header block including the blank line that ends it (the whole input, up to 1 MiB, if none). */
export function headerBlockLength(raw: Buffer): number {
  return splitHeader(raw).bodyStart;
}

/** Splits the header block into physical-line groups, one per header field (continuations folded in). */
function fields(block: string): string[] {
  const out: string[] = [];
  for (const line of block.split(/(?<=\n)/)) {
    if ((line[0] === ' ' || line[0] === '\t') && out.length) out[out.length - 1] += line;
    else out.push(line);
  }
  return out;
}

/** Unfolded values of every header named `name` (case-insensitive), in order. */
export function rawHeaderValues(raw: Buffer, name: string): string[] {
  const block = raw.toString('utf8', 0, headerBlockLength(raw));
  const want = name.toLowerCase();
  const out: string[] = [];
  for (const f of fields(block)) {
    const colon = f.indexOf(':');
    if (colon > 0 && f.slice(0, colon).trim().toLowerCase() === want) out.push(f.slice(colon + 1).replace(/\r?\n[ \t]/g, ' ').trim());
  }
  return out;
}

/** The message without any `name` header field (including its folded lines); other bytes are untouched. */
export function removeHeader(raw: Buffer, name: string): Buffer {
  const end = headerBlockLength(raw);
  // latin1 maps bytes 1:1 to chars, so slicing and re-encoding keeps non-ASCII bytes exact.
  const block = raw.toString('latin1', 0, end);
  const want = name.toLowerCase();
  const kept = fields(block).filter((f) => {
    const colon = f.indexOf(':');
    return !(colon > 0 && f.slice(0, colon).trim().toLowerCase() === want);
  });
  const head = Buffer.from(kept.join(''), 'latin1');
  if (head.length === end) return raw;
  return Buffer.concat([head, raw.subarray(end)]);
}

/**
 * The header fields named in `names` (or, with `not`, all others), as received, each with its
 * folded lines, followed by the empty line: IMAP's BODY[HEADER.FIELDS (...)].
 */
export function headerFields(raw: Buffer, names: readonly string[], not = false): Buffer {
  const end = headerBlockLength(raw);
  const want = new Set(names.map((n) => n.toLowerCase()));
  const kept = fields(raw.toString('latin1', 0, end)).filter((f) => {
    const colon = f.indexOf(':');
    if (colon <= 0) return false; // the empty line that ends the block, or a line that is no field
    return want.has(f.slice(0, colon).trim().toLowerCase()) !== not;
  });
  return Buffer.from(kept.join('') + '\r\n', 'latin1');
}

